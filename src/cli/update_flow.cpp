#include "cli/update_flow.hpp"

#include <utility>

#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "cli/exit_codes.hpp"
#include "core/backup_session.hpp"
#include "core/hash.hpp"
#include "core/recovery_session.hpp"
#include "core/restore_session.hpp"
#include "core/update_session.hpp"
#include "engine/backup_job.hpp"
#include "engine/backup_store.hpp"
#include "engine/flow_gates.hpp"
#include "engine/journal.hpp"
#include "engine/sysex_file_reader.hpp"
#include "engine/update_job.hpp"

namespace syx::cli {
namespace {

namespace fs = std::filesystem;

// Everything one run knows, filled in step by step.
struct Flow {
    explicit Flow(const UpdateRequest& r) : req(r), json(r.flow.transport.json) {}
    const UpdateRequest& req;
    bool json;
    std::optional<FlowStart> start;
    engine::FirmwareGate firmware;
    std::optional<fs::path> journal_dir;
    engine::RecoveryContext recovery;
    bool half_written = false; // recover of a device the journal shows half-written
    session::BackupGate gate;
    std::optional<fs::path> backup_file;
    std::optional<SessionPorts> ports;
    std::optional<engine::UpdateJournal> journal;
    std::vector<std::string> resolved;
};

void notice(const Flow& f, const std::string& text) {
    if (f.json) {
        emit_event({{"event", "notice"}, {"text", text}});
    } else {
        fmt::print(stderr, "note: {}\n", text);
    }
}

int refuse_file(const Flow& f) {
    const auto& check = f.firmware.check;
    if (f.json) {
        nlohmann::json findings = nlohmann::json::array();
        for (const auto& finding : check.findings) {
            if (finding.severity != Severity::info) {
                findings.push_back(nlohmann::json(to_json(finding)));
            }
        }
        emit_event({{"event", "result"},
                    {"ok", false},
                    {"exit_code", kExitRefused},
                    {"outcome", "refused"},
                    {"messages_sent", 0},
                    {"verdict", check.verdict},
                    {"unknown_release", check.unknown_release},
                    {"findings", findings},
                    {"message", f.firmware.reason}});
    } else {
        fmt::print(stderr, "syxflash-cli {}: {}\n", f.req.command, f.firmware.reason);
    }
    return kExitRefused;
}

// Recover: which journaled update this is about, and whether the file is the one it sent.
std::optional<int> check_recovery(Flow& f) {
    if (!f.req.recovery || !f.journal_dir) {
        return std::nullopt;
    }
    const auto& start = *f.start;
    f.recovery = engine::recovery_context(
        *f.journal_dir, start.manifest.id,
        f.req.flow.transport.api.empty() ? std::string("alsa") : f.req.flow.transport.api,
        to_hex(start.file->sha256));
    if (f.recovery.interrupted.empty()) {
        return std::nullopt;
    }
    if (!f.recovery.same_file && !f.req.not_the_journaled_file) {
        return fail(f.req.command, f.json, kExitRefused,
                    fmt::format("'{}' is not the file the interrupted update sent ('{}', "
                                "SHA-256 {}). Nothing was sent. Recover with that file, or add "
                                "--not-the-journaled-file to send this one instead.",
                                f.req.file, f.recovery.journaled_file,
                                f.recovery.interrupted.back().file_sha256));
    }
    if (!f.recovery.same_file) {
        notice(f, fmt::format("'{}' is not the file the interrupted update sent ('{}'); sending "
                              "it as you confirmed (--not-the-journaled-file)",
                              f.req.file, f.recovery.journaled_file));
    }
    f.half_written = f.recovery.half_written;
    return std::nullopt;
}

// Validation and the backup file check, before any port is opened.
std::optional<int> prepare(Flow& f) {
    auto flow = start_flow(f.req.flow.device, f.req.link, f.req.file, f.req.gap_override);
    if (auto* err = std::get_if<CliError>(&flow)) {
        return fail(f.req.command, f.json, err->exit_code, err->message);
    }
    f.start = std::move(std::get<FlowStart>(flow));
    for (const auto& text : f.start->notices) {
        notice(f, text);
    }
    f.journal_dir = engine::journal_dir();
    if (auto code = check_recovery(f)) {
        return code;
    }
    // The journaled update already passed the release gate with this very file.
    const bool allowed =
        f.req.allow_unknown_release || (!f.recovery.interrupted.empty() && f.recovery.same_file);
    f.firmware = engine::check_firmware(*f.start->file, f.req.file, f.start->manifest,
                                        f.start->link, allowed);
    if (f.firmware.refused) {
        return refuse_file(f);
    }
    if (f.half_written) {
        const auto& latest = f.recovery.interrupted.back();
        f.gate = {session::BackupGateKind::not_needed,
                  fmt::format("the journal shows the {} half-written ({} of {} message(s) sent "
                              "by {}), so it cannot make a backup now",
                              f.start->manifest.name, latest.messages_sent, latest.message_count,
                              latest.session)};
        notice(f, "backup gate skipped: " + f.gate.description);
    } else if (!f.req.backup.empty()) {
        const auto verified = engine::verify_backup(f.req.backup, f.start->manifest);
        if (!verified.ok) {
            return fail(f.req.command, f.json, kExitRefused,
                        fmt::format("--backup '{}' is not a verified backup of the {}:{}\n"
                                    "Nothing was sent. Make a new one (leave out --backup) or "
                                    "pass --skip-backup to go on without.",
                                    f.req.backup, f.start->manifest.name,
                                    indented_lines(verified.problems)));
        }
        f.gate = {session::BackupGateKind::given_file,
                  fmt::format("{} (SHA-256 {}, {})", f.req.backup, verified.sha256,
                              verified.sidecar ? verified.sidecar->created : "")};
        f.backup_file = f.req.backup;
    } else if (f.req.skip_backup) {
        f.gate = {session::BackupGateKind::skipped, "--skip-backup on the command line"};
    }
    return std::nullopt;
}

void print_start(const Flow& f) {
    const auto& m = f.start->manifest;
    const auto& t = f.ports->transport;
    const auto& check = f.firmware.check;
    if (f.json) {
        emit_event({{"event", "start"},
                    {"command", f.req.command},
                    {"device", m.id},
                    {"port", t.ports.output},
                    {"file", f.req.file},
                    {"sha256", to_hex(f.start->file->sha256)},
                    {"messages", f.start->file->messages.size()},
                    {"link", to_string(f.ports->link)},
                    {"plan", f.recovery.plan},
                    {"interrupted_sessions", f.recovery.interrupted.size()},
                    {"release",
                     check.release_version ? nlohmann::json(*check.release_version) : nullptr}});
        return;
    }
    fmt::print(stderr, "{} the {} on '{}' over {} with '{}' ({} message(s), {}){}\n",
               f.half_written ? "Recovering" : "Updating", m.name, t.ports.output,
               to_string(f.ports->link), f.req.file, f.start->file->messages.size(),
               check.release_version ? "release " + *check.release_version
                                     : std::string("unknown release, allowed"),
               f.recovery.interrupted.empty()
                   ? std::string{}
                   : fmt::format(" ({} interrupted update(s) in the journal)",
                                 f.recovery.interrupted.size()));
}

// The backup gate: a backup made now when none was given or skipped.
std::optional<int> make_backup(Flow& f, const RunContext& context) {
    const Manifest& manifest = f.start->manifest;
    if (f.gate.kind != session::BackupGateKind::missing) {
        return std::nullopt;
    }
    if (manifest.backup.kind == BackupKind::none) {
        if (!f.json) {
            fmt::print(stderr, "No backup: {}\n", manifest.backup.reason);
        }
        return std::nullopt;
    }
    if (!f.json) {
        fmt::print(stderr, "First, a backup of the {}'s presets.\n", manifest.name);
    }
    auto& t = f.ports->transport;
    session::BackupSession backup(manifest);
    engine::BackupJobOptions job_options;
    job_options.label = "before-update";
    auto job = engine::finish_backup(manifest, backup.result(),
                                     run_session(backup, *t.transport, f.ports->mailbox, context),
                                     job_options);
    if (job.outcome.kind != session::OutcomeKind::success) {
        t.transport->close();
        session::Outcome o = std::move(job.outcome);
        o.message += " The backup was not completed, so no firmware was sent.";
        const int code = session::exit_code_for(o.kind);
        f.json ? emit_event(result_event(o, code)) : print_outcome(o);
        return code;
    }
    if (!job.saved) {
        t.transport->close();
        return fail(f.req.command, f.json, kExitRefused,
                    fmt::format("the backup could not be saved ({}); no firmware was sent",
                                job.save_error ? job.save_error->message : "unknown"));
    }
    const auto& saved = job.saved;
    f.backup_file = saved->file;
    f.gate = {session::BackupGateKind::made_now,
              fmt::format("{} (SHA-256 {})", saved->file.string(), saved->metadata.sha256)};
    if (f.json) {
        emit_event({{"event", "backup_saved"},
                    {"file", saved->file.string()},
                    {"sha256", saved->metadata.sha256}});
    } else {
        fmt::print(stderr, "Backup saved in the library: {}\n", saved->file.string());
    }
    return std::nullopt;
}

// The journal: written as the transfer goes, so a killed run is found at the next start.
void start_journal(Flow& f) {
    if (!f.journal_dir) {
        return;
    }
    const auto& t = f.ports->transport;
    engine::JournalStart start;
    start.device_id = f.start->manifest.id;
    start.device_name = f.start->manifest.name;
    start.port = t.ports.output;
    start.api = transport::to_string(t.api);
    start.link = to_string(f.ports->link);
    start.file = f.req.file; // made absolute by start_update_journal
    start.file_sha256 = to_hex(f.start->file->sha256);
    start.message_count = f.start->file->messages.size();
    start.total_bytes = f.start->file->total_message_bytes();
    auto started = engine::start_update_journal(start, *f.journal_dir);
    if (!started) {
        if (!f.json) {
            fmt::print(stderr,
                       "warning: no update journal ({}): an interrupted run will not be listed "
                       "by 'syxflash-cli recover'\n",
                       started.error().message);
        }
        return;
    }
    f.journal = std::move(*started);
    if (f.start->gap_floor_overridden) {
        (void)f.journal->note(fmt::format("the user typed \"{}\": a gap below the device's "
                                          "documented minimum is used",
                                          engine::kGapFloorOverridePhrase));
    }
}

session::UpdateOptions update_options(const Flow& f) {
    const auto limits = engine::transport_limits(*f.ports->transport.transport);
    session::UpdateOptions options;
    options.link = f.ports->link;
    options.backup = f.gate;
    const bool allowed =
        f.req.allow_unknown_release || (!f.recovery.interrupted.empty() && f.recovery.same_file);
    options.unknown_release =
        allowed ? session::UnknownReleasePolicy::allow : session::UnknownReleasePolicy::refuse;
    options.backend_max_message_bytes = limits.max_message_bytes;
    options.delivery_jitter = limits.delivery_jitter;
    options.offer_restore =
        f.backup_file.has_value() && f.start->manifest.restore.kind == RestoreKind::send_back;
    return options;
}

struct Transferred {
    session::Outcome outcome;
    unsigned attempts = 1;
    unsigned slowdown = 1;
};

Transferred transfer(Flow& f, RunContext& context) {
    auto& t = f.ports->transport;
    context.journal = f.journal ? &*f.journal : nullptr;
    if (!f.half_written) {
        session::UpdateSession update(f.start->manifest, f.start->file, update_options(f));
        return {run_session(update, *t.transport, f.ports->mailbox, context), 1, 1};
    }
    session::RecoveryOptions options;
    options.plan = f.req.plan.empty() ? f.recovery.plan : f.req.plan;
    options.max_attempts = std::max(1U, f.req.attempts);
    options.update = update_options(f);
    session::RecoverySession recovery(f.start->manifest, f.start->file, options);
    auto outcome = run_session(recovery, *t.transport, f.ports->mailbox, context);
    return {std::move(outcome), recovery.attempts(), recovery.slowdown()};
}

// Presets back, when the user (or --yes) accepted the offer.
nlohmann::json restore_after(Flow& f, session::Outcome& outcome, RunContext& context) {
    if (outcome.kind != session::OutcomeKind::success || !outcome.restore_requested ||
        !f.backup_file) {
        return nullptr;
    }
    auto backup_read = read_sysex_file(*f.backup_file);
    if (!backup_read) {
        return nullptr;
    }
    auto& t = f.ports->transport;
    const auto limits = engine::transport_limits(*t.transport);
    session::RestoreOptions options;
    options.link = f.ports->link;
    options.backend_max_message_bytes = limits.max_message_bytes;
    options.delivery_jitter = limits.delivery_jitter;
    session::RestoreSession restore(
        f.start->manifest, std::make_shared<const SysexFile>(std::move(*backup_read)), options);
    context.journal = nullptr;
    const auto restored = run_session(restore, *t.transport, f.ports->mailbox, context);
    outcome.message += " Restore: " + restored.message;
    if (restored.kind != session::OutcomeKind::success) {
        outcome.message +=
            fmt::format(" The firmware update itself succeeded; restore the presets later with: {}",
                        engine::shell_command(
                            {"syxflash-cli", "restore", "--device", f.start->manifest.id, "--port",
                             f.req.flow.transport.port, fs::absolute(*f.backup_file).string()}));
    }
    return result_event(restored, session::exit_code_for(restored.kind));
}

std::string recover_command(const Flow& f) {
    std::vector<std::string> words{"syxflash-cli", "recover", "--device", f.start->manifest.id};
    if (!f.req.flow.transport.api.empty()) {
        words.insert(words.end(), {"--api", f.req.flow.transport.api});
    }
    words.insert(words.end(),
                 {"--port", f.req.flow.transport.port, fs::absolute(f.req.file).string()});
    return engine::shell_command(words);
}

int report(Flow& f, const Transferred& done, const nlohmann::json& restore_event) {
    const auto& outcome = done.outcome;
    const int exit_code = session::exit_code_for(outcome.kind);
    const bool failed = outcome.kind == session::OutcomeKind::transfer_failed ||
                        outcome.kind == session::OutcomeKind::cancelled;
    const std::string command = recover_command(f);
    std::string next;
    if (failed && outcome.device_touched) {
        next = fmt::format("\nWhen the steps are done, send the firmware again, guided and "
                           "slower:\n  {}\n('syxflash-cli recover' alone lists interrupted "
                           "updates.)",
                           command);
    }
    if (!f.resolved.empty()) {
        next += fmt::format("{} interrupted update(s) marked resolved in the journal.",
                            f.resolved.size());
    }
    if (!f.json) {
        print_outcome(outcome, next);
        return exit_code;
    }
    auto event = result_event(outcome, exit_code);
    event["backup"] = f.backup_file ? nlohmann::json(f.backup_file->string()) : nullptr;
    event["backup_gate"] = session::to_string(f.gate.kind);
    event["link"] = to_string(f.ports->link);
    event["journal"] = f.journal ? nlohmann::json(f.journal->path().string()) : nullptr;
    event["restore"] = restore_event;
    event["attempts"] = done.attempts;
    event["slowdown"] = done.slowdown;
    event["resolved_sessions"] = f.resolved;
    if (failed && outcome.device_touched) {
        event["next"] = command;
    }
    emit_event(event);
    return exit_code;
}

} // namespace

int run_update_flow(const UpdateRequest& request) {
    Flow f(request);
    if (auto code = prepare(f)) {
        return *code;
    }
    auto opened = open_sending_ports(request.flow, *f.start);
    if (auto* err = std::get_if<CliError>(&opened)) {
        return fail(request.command, f.json, err->exit_code, err->message);
    }
    f.ports = std::move(std::get<SessionPorts>(opened));
    print_start(f);
    TerminalPrompt prompt(request.flow.yes, f.json);
    attach_emulated_hands(prompt, f.ports->transport.api, f.start->manifest.id);
    RunContext context;
    context.json = f.json;
    context.prompt = &prompt;
    context.interrupted = &install_interrupt_flag();
    if (auto code = make_backup(f, context)) {
        return *code;
    }
    start_journal(f);
    Transferred done = transfer(f, context);
    const auto restore_event = restore_after(f, done.outcome, context);
    f.ports->transport.transport->close();
    // A verified run settles the interrupted updates it was about (same device, same kind of
    // link: a simulation never resolves a real device's entry).
    if (done.outcome.kind == session::OutcomeKind::success && f.journal_dir) {
        f.resolved = engine::resolve_recovered(
            *f.journal_dir, f.recovery,
            fmt::format("recovered by {}", f.journal ? f.journal->session_id() : request.command));
    }
    return report(f, done, restore_event);
}

} // namespace syx::cli
