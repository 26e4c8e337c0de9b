#include "cli/flow_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <poll.h>
#include <unistd.h>

#include "cli/exit_codes.hpp"
#include "engine/data_paths.hpp"
#include "engine/flow_gates.hpp"
#include "engine/update_flow_job.hpp"

namespace syx::cli {

void add_flow_options(CLI::App& sub, FlowArgs& args) {
    sub.add_option("--device,-d", args.device,
                   "Device id from 'syxflash-cli devices' (e.g. moog-little-phatty)")
        ->required();
    add_transport_options(sub, args.transport);
    sub.add_flag("--yes,-y", args.yes,
                 "Answer the questions a script can answer (go on, steps done, restore presets, "
                 "DIN although the device's USB port is connected) without asking; what only a "
                 "person can see (the display) is still asked");
}

std::variant<SessionPorts, CliError>
open_session_ports(const TransportArgs& args, const Manifest& manifest, bool input_optional) {
    auto mailbox = std::make_shared<engine::SessionMailbox>();
    auto opened = open_for_transfer(args, true, true, engine::SessionMailbox::callback(mailbox),
                                    engine::max_input_bytes(manifest), input_optional);
    if (auto* err = std::get_if<CliError>(&opened)) {
        return *err;
    }
    return SessionPorts{std::move(mailbox), std::move(std::get<OpenedTransport>(opened)),
                        manifest.transports.preferred_link()};
}

std::variant<SessionPorts, CliError>
open_sending_ports(const FlowArgs& args, const Manifest& manifest, std::optional<Link> asked) {
    auto ports =
        open_session_ports(args.transport, manifest, engine::device_never_answers(manifest));
    if (auto* err = std::get_if<CliError>(&ports)) {
        return *err;
    }
    auto& opened = std::get<SessionPorts>(ports);
    auto decided = decide_link(opened.transport, asked, &manifest.transports, manifest.name,
                               args.yes, args.transport.json);
    if (auto* err = std::get_if<CliError>(&decided)) {
        return *err;
    }
    opened.link = std::get<LinkChoice>(decided).link;
    return ports;
}

engine::JobConnection job_connection(const SessionPorts& ports) {
    engine::JobConnection connection;
    connection.transport = ports.transport.transport.get();
    connection.mailbox = ports.mailbox;
    connection.port = ports.transport.ports.output;
    connection.api = transport::to_string(ports.transport.api);
    connection.link = ports.link;
    connection.can_receive = !ports.transport.ports.input.empty();
    return connection;
}

// ---- TerminalPrompt ---------------------------------------------------------------------------

TerminalPrompt::TerminalPrompt(bool yes, bool json) : m_yes(yes), m_json(json) {
    m_reader = std::thread([this] { reader_loop(); });
}

TerminalPrompt::~TerminalPrompt() {
    m_stop.store(true);
    if (m_reader.joinable()) {
        m_reader.join();
    }
}

void TerminalPrompt::attach(AnswerSink sink, std::function<void()> cancel) {
    std::lock_guard lock(m_mutex);
    m_sink = std::move(sink);
    m_cancel = std::move(cancel);
}

std::optional<std::string> TerminalPrompt::policy_choice(const session::Question& q) {
    auto has = [&](std::string_view id) {
        return std::any_of(q.choices.begin(), q.choices.end(),
                           [&](const session::Choice& c) { return c.id == id; });
    };
    using P = session::QuestionPurpose;
    switch (q.purpose) {
    case P::typed_confirmation: // only --allow-unknown-release decides that, never --yes
    case P::display_check:      // only a person can read the display
    case P::manual_dump:        // only a person can press the buttons
        return std::nullopt;
    default:
        break;
    }
    // Going on is what a script asked for; a transfer in progress is never abandoned by policy.
    for (const char* id : {"continue", "ready", "done", "rewrite", "restore", "ok", "yes"}) {
        if (has(id)) {
            return std::string(id);
        }
    }
    return std::nullopt;
}

bool TerminalPrompt::is_wait(const session::Question& q) {
    return q.purpose == session::QuestionPurpose::manual_dump ||
           (!q.choices.empty() &&
            std::all_of(q.choices.begin(), q.choices.end(),
                        [](const session::Choice& c) { return c.id == "cancel"; }));
}

void TerminalPrompt::ask(const session::Ask& ask) {
    const auto& q = ask.question;
    std::optional<AutoAnswer> automatic = m_auto ? m_auto(q) : std::nullopt;
    const bool by_hands = automatic.has_value();
    if (!automatic && m_yes) {
        if (auto choice = policy_choice(q)) {
            automatic = AutoAnswer{*choice, {}};
        }
    }
    AnswerSink sink;
    bool same_reissue = false;
    {
        std::lock_guard lock(m_mutex);
        const bool same = m_open && m_open->id == q.id;
        sink = m_sink;
        if (automatic) {
            m_open.reset(); // answered right away: nothing for stdin to answer or cancel
        } else {
            m_open = q;
        }
        if (same && !automatic) {
            // A re-issue with new text (a live count): one line, not the whole question again.
            if (m_json) {
                emit_event({{"event", "question_update"}, {"id", q.id}, {"text", q.text}});
            } else {
                fmt::print(stderr, "  … {}\n", q.text);
            }
            same_reissue = true;
        }
    }
    if (same_reissue) {
        return;
    }
    if (m_json) {
        nlohmann::json choices = nlohmann::json::array();
        for (const auto& c : q.choices) {
            choices.push_back({{"id", c.id}, {"label", c.label}});
        }
        emit_event(
            {{"event", "question"},
             {"id", q.id},
             {"purpose", session::to_string(q.purpose)},
             {"title", q.title},
             {"text", q.text},
             {"steps", q.steps},
             {"choices", choices},
             {"accepts_text", q.accepts_text},
             {"answered_automatically", automatic ? nlohmann::json(automatic->choice) : nullptr}});
    } else {
        fmt::print(stderr, "\n== {} ==\n{}\n", q.title, q.text);
        for (std::size_t i = 0; i < q.steps.size(); ++i) {
            fmt::print(stderr, "  {}. {}\n", i + 1, q.steps[i]);
        }
        if (automatic) {
            const auto it = std::find_if(q.choices.begin(), q.choices.end(),
                                         [&](const auto& c) { return c.id == automatic->choice; });
            fmt::print(stderr, "{}: answering \"{}\"\n", by_hands ? "emulated device" : "--yes",
                       automatic->text.empty()
                           ? (it != q.choices.end() ? it->label : automatic->choice)
                           : automatic->text);
        } else {
            for (std::size_t i = 0; i < q.choices.size(); ++i) {
                fmt::print(stderr, "  [{}] {}\n", i + 1, q.choices[i].label);
            }
            fmt::print(stderr,
                       "Answer with a number{}: ", q.accepts_text ? " or type what you see" : "");
        }
        std::fflush(stderr);
    }
    if (automatic && sink) {
        sink(q.id, automatic->choice, automatic->text);
        return;
    }
    dispatch();
}

void TerminalPrompt::withdraw(const std::string& question_id) {
    std::lock_guard lock(m_mutex);
    if (m_open && m_open->id == question_id) {
        m_open.reset();
    }
}

bool TerminalPrompt::apply_line(const std::string& raw, const session::Question& open,
                                const AnswerSink& sink) {
    std::string line = raw;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) {
        line.pop_back();
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())) != 0) {
        line.erase(line.begin());
    }
    if (line.empty()) {
        return false;
    }
    std::string choice;
    std::string text;
    if (m_json && line.front() == '{') {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object()) {
            choice = j.value("choice", "");
            text = j.value("text", "");
        }
    } else {
        char* end = nullptr;
        const long n = std::strtol(line.c_str(), &end, 10);
        if (end != line.c_str() && *end == '\0' && n >= 1 &&
            static_cast<std::size_t>(n) <= open.choices.size()) {
            choice = open.choices[static_cast<std::size_t>(n) - 1].id;
        } else {
            for (const auto& c : open.choices) {
                if (c.id == line) {
                    choice = c.id;
                }
            }
        }
        if (choice.empty() && open.accepts_text) {
            choice = "other";
            text = line;
        }
    }
    if (choice.empty()) {
        fmt::print(stderr, "'{}' is not one of the answers; type a number from 1 to {}: ", line,
                   open.choices.size());
        std::fflush(stderr);
        return false;
    }
    sink(open.id, choice, text);
    return true;
}

void TerminalPrompt::dispatch() {
    // Lines typed (or piped) ahead of a question answer the next questions in order; when the
    // input has ended and nothing is left, an open question cannot be answered: cancel — unless
    // it is a wait (is_wait), which goes on until the device moves it on, Ctrl-C or a timeout.
    for (;;) {
        std::string line;
        session::Question open;
        AnswerSink sink;
        std::function<void()> cancel;
        {
            std::lock_guard lock(m_mutex);
            if (!m_open || !m_sink) {
                return;
            }
            if (m_lines.empty()) {
                if (!m_stdin_closed) {
                    return;
                }
                if (is_wait(*m_open)) {
                    if (m_told_waiting != m_open->id && !m_json) {
                        fmt::print(stderr, "\n(standard input has ended: nothing can be typed, so "
                                           "this waits for the "
                                           "device; Ctrl-C stops)\n");
                        std::fflush(stderr);
                    }
                    m_told_waiting = m_open->id;
                    return;
                }
                cancel = m_cancel;
                m_open.reset();
            } else {
                line = std::move(m_lines.front());
                m_lines.pop_front();
                open = *m_open;
                sink = m_sink;
            }
        }
        if (cancel) {
            cancel();
            return;
        }
        if (apply_line(line, open, sink)) {
            std::lock_guard lock(m_mutex);
            if (m_open && m_open->id == open.id) {
                m_open.reset(); // answered; the session asks again if it still needs one
            }
            return;
        }
    }
}

void TerminalPrompt::reader_loop() {
    // stdin is read on this thread only, with poll() so it can stop when the command ends.
    std::string pending;
    while (!m_stop.load()) {
        pollfd p{STDIN_FILENO, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
            continue;
        }
        char buffer[512];
        const auto n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        {
            std::lock_guard lock(m_mutex);
            if (n <= 0) {
                if (!pending.empty()) {
                    m_lines.push_back(pending);
                }
                m_stdin_closed = true;
            } else {
                pending.append(buffer, static_cast<std::size_t>(n));
                for (auto nl = pending.find('\n'); nl != std::string::npos;
                     nl = pending.find('\n')) {
                    m_lines.push_back(pending.substr(0, nl));
                    pending.erase(0, nl + 1);
                }
            }
        }
        dispatch();
        if (n <= 0) {
            return;
        }
    }
}

void print_outcome(const session::Outcome& outcome, const std::string& next) {
    const bool ok = outcome.kind == session::OutcomeKind::success;
    std::FILE* out = ok ? stdout : stderr;
    fmt::print(out, "{}{}\n", ok ? "" : fmt::format("{}: ", session::to_string(outcome.kind)),
               outcome.message);
    if (!outcome.recovery_steps.empty()) {
        fmt::print(out, "\nWhat to do now — {}:\n", outcome.recovery_title);
        for (std::size_t i = 0; i < outcome.recovery_steps.size(); ++i) {
            fmt::print(out, "  {}. {}\n", i + 1, outcome.recovery_steps[i]);
        }
    }
    if (!next.empty()) {
        fmt::print(out, "{}\n", next);
    }
}

nlohmann::json result_event(const session::Outcome& outcome, int exit_code) {
    nlohmann::json j{{"event", "result"},
                     {"ok", exit_code == kExitSuccess},
                     {"exit_code", exit_code},
                     {"outcome", session::to_string(outcome.kind)},
                     {"message", outcome.message},
                     {"messages_sent", outcome.messages_sent},
                     {"bytes_sent", outcome.bytes_sent},
                     {"device_touched", outcome.device_touched}};
    if (!outcome.recovery_plan.empty() || !outcome.recovery_steps.empty()) {
        j["recovery"] = {{"plan", outcome.recovery_plan},
                         {"title", outcome.recovery_title},
                         {"steps", outcome.recovery_steps}};
    } else {
        j["recovery"] = nullptr;
    }
    return j;
}

int fail(const char* command, bool json, int exit_code, const std::string& message) {
    if (json) {
        emit_event({{"event", "result"},
                    {"ok", false},
                    {"exit_code", exit_code},
                    {"messages_sent", 0},
                    {"error", message}});
    }
    fmt::print(stderr, "syxflash-cli {}: {}\n", command, message);
    return exit_code;
}

} // namespace syx::cli
