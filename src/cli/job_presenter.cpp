#include "cli/job_presenter.hpp"

#include <cstdlib>
#include <string_view>

#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "core/session_validation.hpp"

namespace syx::cli {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

const char* level_name(session::LogLevel level) {
    return level == session::LogLevel::error     ? "error"
           : level == session::LogLevel::warning ? "warning"
                                                 : "info";
}

// A session's closing log lines say its outcome (core's SessionBase::finish): the command prints
// the outcome itself, once.
bool is_outcome_line(const std::string& text, const session::Outcome& outcome) {
    return text == outcome.message ||
           text == fmt::format("{}: {}", session::to_string(outcome.kind), outcome.message) ||
           (!outcome.recovery_title.empty() && text == "Recovery: " + outcome.recovery_title);
}

} // namespace

std::chrono::milliseconds piped_progress_interval() {
    if (const char* text = std::getenv("SYXFLASH_PROGRESS_INTERVAL_MS")) {
        char* end = nullptr;
        const long ms = std::strtol(text, &end, 10);
        if (end != text && *end == '\0' && ms > 0) {
            return std::chrono::milliseconds(ms);
        }
    }
    return std::chrono::seconds(5);
}

void CliJobHost::start_prompt(bool yes, transport::MidiApi api, const std::string& device_id) {
    m_prompt = std::make_unique<TerminalPrompt>(yes, m_json);
    attach_emulated_hands(*m_prompt, api, device_id);
    m_interrupted = &install_interrupt_flag();
}

void CliJobHost::attach_runner(engine::SessionRunner* runner) {
    if (!m_prompt) {
        return;
    }
    if (runner == nullptr) {
        m_prompt->attach({}, {});
        return;
    }
    m_prompt->attach(
        [runner](std::string id, std::string choice, std::string text) {
            runner->answer(std::move(id), std::move(choice), std::move(text));
        },
        [runner] { runner->cancel(); });
}

void CliJobHost::notice(const std::string& text) const {
    if (m_json) {
        emit_event({{"event", "notice"}, {"text", text}});
    } else {
        fmt::print(stderr, "note: {}\n", text);
    }
}

void CliJobHost::on_event(const engine::JobEvent& event) {
    namespace ev = engine::job_event;
    std::visit(Overloaded{
                   [&](const ev::Notice& e) { notice(e.text); },
                   [&](const ev::NoBackupProcedure& e) {
                       if (!m_json) {
                           fmt::print(stderr, "No backup: {}\n", e.reason);
                       }
                   },
                   [&](const ev::SessionStarted& e) { session_started(e.step); },
                   [&](const ev::SessionUpdate& e) { session_update(*e.snapshot); },
                   [&](const ev::SessionFinished&) {
                       std::lock_guard lock(m_print_mutex);
                       m_bar.reset();
                   },
                   [&](const ev::BackupSaved& e) {
                       if (m_json) {
                           emit_event({{"event", "backup_saved"},
                                       {"file", e.file.string()},
                                       {"sha256", e.sha256}});
                       } else {
                           fmt::print(stderr, "Backup saved in the library: {}\n", e.file.string());
                       }
                   },
                   [&](const ev::JournalUnavailable& e) {
                       if (!m_json) {
                           fmt::print(
                               stderr,
                               "warning: no update journal ({}): an interrupted run will not be "
                               "listed by 'syxflash-cli recover'\n",
                               e.message);
                       }
                   },
               },
               event);
}

void CliJobHost::session_started(engine::JobStep step) {
    if (step == engine::JobStep::backup && m_backup_device && !m_json) {
        fmt::print(stderr, "First, a backup of the {}'s presets.\n", *m_backup_device);
    }
    std::lock_guard lock(m_print_mutex);
    m_bar = std::make_unique<ProgressBar>(!m_json && stderr_is_terminal());
    m_log_printed = 0;
    m_notes_printed = 0;
    m_phase.clear();
    m_last_piped = std::chrono::steady_clock::now();
}

// Runs on the session's worker: prints the new log lines, the phase and the progress.
void CliJobHost::session_update(const engine::RunSnapshot& snap) {
    std::lock_guard lock(m_print_mutex);
    if (!m_bar) {
        return;
    }
    print_log(snap);
    print_phase(snap);
    print_progress(snap);
}

void CliJobHost::print_log(const engine::RunSnapshot& snap) {
    for (; m_log_printed < snap.log->size(); ++m_log_printed) {
        const auto& line = (*snap.log)[m_log_printed];
        // The closing lines are the outcome (its message, kind and recovery title), printed once
        // by the command.
        if (!m_json && snap.outcome && is_outcome_line(line.text, *snap.outcome)) {
            continue;
        }
        if (m_json) {
            emit_event({{"event", "log"},
                        {"session", snap.session},
                        {"level", level_name(line.level)},
                        {"at_ms", std::chrono::duration<double, std::milli>(line.at).count()},
                        {"text", line.text}});
        } else {
            m_bar->finish();
            fmt::print(stderr, "{}{}\n",
                       line.level == session::LogLevel::info
                           ? ""
                           : fmt::format("{}: ", level_name(line.level)),
                       line.text);
        }
    }
    for (; m_notes_printed < snap.notes->size(); ++m_notes_printed) {
        if (m_json) {
            emit_event({{"event", "note"}, {"text", (*snap.notes)[m_notes_printed]}});
        } else {
            m_bar->finish();
            fmt::print(stderr, "note: {}\n", (*snap.notes)[m_notes_printed]);
        }
    }
}

void CliJobHost::print_phase(const engine::RunSnapshot& snap) {
    const auto& p = snap.progress;
    if (p.phase == m_phase) {
        return;
    }
    m_phase = p.phase;
    if (m_json) {
        emit_event({{"event", "phase"},
                    {"session", snap.session},
                    {"phase", m_phase},
                    {"critical", p.critical}});
    } else if (p.critical) {
        m_bar->finish();
        fmt::print(stderr, "{}: do not power the device off or unplug it.\n", m_phase);
    }
}

void CliJobHost::print_progress(const engine::RunSnapshot& snap) {
    const auto& p = snap.progress;
    if (m_json) {
        if (p.messages_total > 0 || p.messages_received > 0) {
            nlohmann::json event{{"event", "progress"},
                                 {"phase", p.phase},
                                 {"messages_done", p.messages_done},
                                 {"message_count", p.messages_total},
                                 {"bytes_done", p.bytes_done},
                                 {"total_bytes", p.bytes_total},
                                 {"messages_received", p.messages_received}};
            if (p.eta) {
                event["eta_ms"] = std::chrono::duration<double, std::milli>(*p.eta).count();
            }
            if (!p.completeness.empty()) {
                event["completeness"] = p.completeness;
            }
            emit_event(event);
        }
        return;
    }
    if (p.messages_total == 0 || snap.finished || snap.question) {
        return;
    }
    if (stderr_is_terminal()) {
        m_bar->update(p.messages_done, p.messages_total, p.bytes_done, p.bytes_total,
                      p.eta ? std::optional<std::chrono::nanoseconds>(*p.eta) : std::nullopt);
    } else {
        print_piped_progress(p);
    }
}

// A log or a pipe gets no bar: a line every few seconds instead, with what was actually sent.
void CliJobHost::print_piped_progress(const session::Progress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (p.messages_done >= p.messages_total || now - m_last_piped < piped_progress_interval()) {
        return;
    }
    m_last_piped = now;
    fmt::print(stderr, "{}: {} of {} message(s) sent, {} of {}{}\n", p.phase, p.messages_done,
               p.messages_total, format_bytes(p.bytes_done), format_bytes(p.bytes_total),
               p.eta ? fmt::format(", about {} left", format_duration(*p.eta)) : std::string{});
    std::fflush(stderr);
}

int fail_job(const char* command, bool json, const engine::JobProblem& problem) {
    const int code = engine::exit_code(problem.exit);
    if (!problem.file_check) {
        return fail(command, json, code, problem.message);
    }
    if (!json) {
        fmt::print(stderr, "syxflash-cli {}: {}\n", command, problem.message);
        return code;
    }
    const auto& check = *problem.file_check;
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : check.findings) {
        if (finding.severity != Severity::info) {
            findings.push_back(nlohmann::json(to_json(finding)));
        }
    }
    emit_event({{"event", "result"},
                {"ok", false},
                {"exit_code", code},
                {"outcome", "refused"},
                {"messages_sent", 0},
                {"verdict", check.verdict},
                {"unknown_release", check.unknown_release},
                {"findings", findings},
                {"message", problem.message}});
    return code;
}

} // namespace syx::cli
