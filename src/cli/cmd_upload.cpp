// syxflash-cli upload: the safe update (DESIGN.md §7, issue 6) — validate, backup gate, identify,
// bootloader, paced transfer with a journal, verify, offer restore; any failure ends in the
// device's recovery plan and exit 4.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "cli/flow_support.hpp"
#include "core/backup_session.hpp"
#include "core/hash.hpp"
#include "core/restore_session.hpp"
#include "core/session_validation.hpp"
#include "core/update_session.hpp"
#include "engine/backup_store.hpp"
#include "engine/journal.hpp"
#include "engine/sysex_file_reader.hpp"

namespace syx::cli {
namespace {

struct UploadArgs {
    FlowArgs flow;
    std::string file;
    std::string backup;
    bool skip_backup = false;
    bool allow_unknown_release = false;
    std::string link;
};

int run_upload(const UploadArgs& args) {
    constexpr const char* kName = "upload";
    const bool json = args.flow.transport.json;
    auto flow = start_flow(args.flow.device, args.link, args.file);
    if (auto* err = std::get_if<CliError>(&flow)) {
        return fail(kName, json, err->exit_code, err->message);
    }
    const Manifest& manifest = std::get<FlowStart>(flow).manifest;
    const Link planned_link = std::get<FlowStart>(flow).link;
    const std::shared_ptr<const SysexFile> firmware = std::get<FlowStart>(flow).file;

    // 1. Validation, before any port is opened: a file that fails sends nothing at all.
    const auto check = session::check_file(*firmware, manifest, planned_link, false);
    if (check.refused || (check.unknown_release && !args.allow_unknown_release)) {
        std::string text;
        nlohmann::json findings = nlohmann::json::array();
        for (const auto& f : check.findings) {
            if (f.severity != Severity::info) {
                text += "\n  " + describe(f);
                findings.push_back(nlohmann::json(to_json(f)));
            }
        }
        const std::string why =
            check.refused
                ? fmt::format("'{}' failed validation for the {}:{}\nNothing was sent.", args.file,
                              manifest.name, text)
                : fmt::format("'{}' passes every check but is not a {} release syxflash knows "
                              "(SHA-256 {}). Nothing was sent; to send it anyway, add "
                              "--allow-unknown-release.",
                              args.file, manifest.name, to_hex(firmware->sha256));
        if (json) {
            emit_event({{"event", "result"},
                        {"ok", false},
                        {"exit_code", kExitRefused},
                        {"outcome", "refused"},
                        {"messages_sent", 0},
                        {"verdict", check.verdict},
                        {"unknown_release", check.unknown_release},
                        {"findings", findings},
                        {"message", why}});
        } else {
            fmt::print(stderr, "syxflash-cli upload: {}\n", why);
        }
        return kExitRefused;
    }

    // 2. The backup gate's file check, also before any port is opened.
    session::BackupGate gate;
    std::optional<std::filesystem::path> backup_file;
    if (!args.backup.empty()) {
        const auto verified = engine::verify_backup(args.backup, manifest);
        if (!verified.ok) {
            const std::string problems = indented_lines(verified.problems);
            return fail(kName, json, kExitRefused,
                        fmt::format("--backup '{}' is not a verified backup of the {}:{}\nNothing "
                                    "was sent. Make a new one (leave out --backup) or pass "
                                    "--skip-backup to go on without.",
                                    args.backup, manifest.name, problems));
        }
        gate = {session::BackupGateKind::given_file,
                fmt::format("{} (SHA-256 {}, {})", args.backup, verified.sha256,
                            verified.sidecar ? verified.sidecar->created : "")};
        backup_file = args.backup;
    } else if (args.skip_backup) {
        gate = {session::BackupGateKind::skipped, "--skip-backup on the command line"};
    }

    auto session_ports = open_sending_ports(args.flow, std::get<FlowStart>(flow));
    if (auto* err = std::get_if<CliError>(&session_ports)) {
        return fail(kName, json, err->exit_code, err->message);
    }
    const auto mailbox = std::get<SessionPorts>(session_ports).mailbox;
    auto& t = std::get<SessionPorts>(session_ports).transport;
    const Link link = std::get<SessionPorts>(session_ports).link;
    if (json) {
        emit_event({{"event", "start"},
                    {"command", kName},
                    {"device", manifest.id},
                    {"port", t.ports.output},
                    {"file", args.file},
                    {"sha256", to_hex(firmware->sha256)},
                    {"messages", firmware->messages.size()},
                    {"link", to_string(link)},
                    {"release",
                     check.release_version ? nlohmann::json(*check.release_version) : nullptr}});
    } else {
        fmt::print(stderr, "Updating the {} on '{}' over {} with '{}' ({} message(s), {})\n",
                   manifest.name, t.ports.output, to_string(link), args.file,
                   firmware->messages.size(),
                   check.release_version ? "release " + *check.release_version
                                         : std::string("unknown release, allowed"));
    }

    TerminalPrompt prompt(args.flow.yes, json);
    attach_emulated_hands(prompt, t.api, manifest.id);
    RunContext context;
    context.json = json;
    context.prompt = &prompt;
    context.interrupted = &install_interrupt_flag();

    // 3. No backup given or skipped: make one now (devices without a backup procedure need none;
    //    the session logs that).
    if (gate.kind == session::BackupGateKind::missing && manifest.backup.kind != BackupKind::none) {
        if (!json) {
            fmt::print(stderr, "First, a backup of the {}'s presets.\n", manifest.name);
        }
        session::BackupSession backup(manifest);
        const auto outcome = run_session(backup, *t.transport, mailbox, context);
        const auto& result = backup.result();
        if (outcome.kind != session::OutcomeKind::success || !result.verdict.complete) {
            t.transport->close();
            session::Outcome o = outcome;
            if (o.kind == session::OutcomeKind::success) {
                o.kind = session::OutcomeKind::incomplete;
            }
            o.message += " The backup was not completed, so no firmware was sent.";
            const int code = session::exit_code_for(o.kind);
            if (json) {
                emit_event(result_event(o, code));
            } else {
                print_outcome(o);
            }
            return code;
        }
        engine::BackupContent content;
        content.device_id = manifest.id;
        content.device_name = manifest.name;
        content.messages = result.messages;
        if (result.identity) {
            content.identity_reply = result.identity->reply;
            content.firmware_version = result.identity->version_text;
        }
        content.complete = true;
        content.completeness = result.verdict.summary;
        content.backup_kind = to_string(manifest.backup.kind);
        content.label = "before-update";
        auto saved = engine::save_backup(content, engine::SaveBackupOptions{});
        if (!saved) {
            t.transport->close();
            return fail(kName, json, kExitRefused,
                        fmt::format("the backup could not be saved ({}); no firmware was sent",
                                    saved.error().message));
        }
        backup_file = saved->file;
        gate = {session::BackupGateKind::made_now,
                fmt::format("{} (SHA-256 {})", saved->file.string(), saved->metadata.sha256)};
        if (json) {
            emit_event({{"event", "backup_saved"},
                        {"file", saved->file.string()},
                        {"sha256", saved->metadata.sha256}});
        } else {
            fmt::print(stderr, "Backup saved in the library: {}\n", saved->file.string());
        }
    } else if (manifest.backup.kind == BackupKind::none && !json) {
        fmt::print(stderr, "No backup: {}\n", manifest.backup.reason);
    }

    // 4. The journal: written as the transfer goes, so a killed run is found at the next start.
    std::optional<engine::UpdateJournal> journal;
    if (const auto dir = engine::journal_dir()) {
        engine::JournalStart start;
        start.device_id = manifest.id;
        start.device_name = manifest.name;
        start.port = t.ports.output;
        start.api = transport::to_string(t.api);
        start.link = to_string(link);
        start.file = std::filesystem::absolute(args.file);
        start.file_sha256 = to_hex(firmware->sha256);
        start.message_count = firmware->messages.size();
        start.total_bytes = firmware->total_message_bytes();
        auto started = engine::UpdateJournal::start(start, *dir);
        if (started) {
            journal = std::move(*started);
        } else if (!json) {
            fmt::print(stderr,
                       "warning: no update journal ({}): an interrupted run will not be "
                       "listed by 'syxflash-cli recover'\n",
                       started.error().message);
        }
    }
    context.journal = journal ? &*journal : nullptr;

    // 5. The update.
    const auto limits = engine::transport_limits(*t.transport);
    session::UpdateOptions options;
    options.link = link;
    options.backup = gate;
    options.unknown_release = args.allow_unknown_release ? session::UnknownReleasePolicy::allow
                                                         : session::UnknownReleasePolicy::refuse;
    options.backend_max_message_bytes = limits.max_message_bytes;
    options.delivery_jitter = limits.delivery_jitter;
    options.offer_restore =
        backup_file.has_value() && manifest.restore.kind == RestoreKind::send_back;
    session::UpdateSession update(manifest, firmware, options);
    session::Outcome outcome = run_session(update, *t.transport, mailbox, context);
    int exit_code = session::exit_code_for(outcome.kind);

    // 6. Presets back, when the user (or --yes) accepted the offer.
    nlohmann::json restore_event = nullptr;
    if (outcome.kind == session::OutcomeKind::success && outcome.restore_requested && backup_file) {
        auto backup_read = read_sysex_file(*backup_file);
        if (backup_read) {
            session::RestoreOptions restore_options;
            restore_options.link = link;
            restore_options.backend_max_message_bytes = limits.max_message_bytes;
            restore_options.delivery_jitter = limits.delivery_jitter;
            session::RestoreSession restore(
                manifest, std::make_shared<const SysexFile>(std::move(*backup_read)),
                restore_options);
            context.journal = nullptr;
            const auto restored = run_session(restore, *t.transport, mailbox, context);
            restore_event = result_event(restored, session::exit_code_for(restored.kind));
            outcome.message += " Restore: " + restored.message;
            if (restored.kind != session::OutcomeKind::success) {
                outcome.message +=
                    fmt::format(" The firmware update itself succeeded; restore "
                                "the presets later with: syxflash-cli restore "
                                "--device {} --port {} {}",
                                manifest.id, args.flow.transport.port, backup_file->string());
            }
        }
    }
    t.transport->close();

    const std::string recover_command = fmt::format(
        "syxflash-cli recover --device {}{} --port {} {}", manifest.id,
        args.flow.transport.api.empty() ? std::string{} : " --api " + args.flow.transport.api,
        args.flow.transport.port, args.file);
    std::string next;
    if (outcome.kind == session::OutcomeKind::transfer_failed ||
        outcome.kind == session::OutcomeKind::cancelled) {
        if (outcome.device_touched) {
            next = fmt::format("\nWhen the steps are done, send the firmware again, guided and "
                               "slower:\n  {}\n('syxflash-cli recover' alone lists interrupted "
                               "updates.)",
                               recover_command);
        }
    }
    if (json) {
        auto event = result_event(outcome, exit_code);
        event["backup"] = backup_file ? nlohmann::json(backup_file->string()) : nullptr;
        event["backup_gate"] = session::to_string(gate.kind);
        event["link"] = to_string(link);
        event["journal"] = journal ? nlohmann::json(journal->path().string()) : nullptr;
        event["restore"] = restore_event;
        if (!next.empty()) {
            event["next"] = recover_command;
        }
        emit_event(event);
    } else {
        print_outcome(outcome, next);
    }
    return exit_code;
}

const CommandRegistrar kRegistrar{Command{
    "upload", "Update the firmware safely: validate, back up, send paced, verify, recover", 80,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<UploadArgs>();
        sub.add_option("FILE", args->file, "The firmware file (.syx, .mid, hex text, gzip)")
            ->required();
        add_flow_options(sub, args->flow);
        auto* backup = sub.add_option("--backup", args->backup,
                                      "A verified backup of this device made earlier "
                                      "(with its .syx.json sidecar)");
        auto* skip = sub.add_flag("--skip-backup", args->skip_backup,
                                  "Update without a backup (logged); the presets may be lost");
        backup->excludes(skip);
        skip->excludes(backup);
        sub.add_flag("--allow-unknown-release", args->allow_unknown_release,
                     "Send a file that passes every check but is not a release the manifest knows");
        sub.add_option("--link", args->link,
                       "usb: the device's own USB port; din: through a MIDI interface (default: "
                       "din through an interface port, usb on the device's own port, else the "
                       "link the manifest prefers)");
        sub.footer(
            "Order: validate the file (exit 3, nothing sent, if it fails) → backup gate (a new\n"
            "backup unless --backup FILE or --skip-backup; devices without a dump need none) →\n"
            "identify → bootloader steps → paced transfer (journaled) → verify → offer restore.\n"
            "A failure prints the device's recovery steps and exits 4; 'syxflash-cli recover'\n"
            "lists interrupted updates.\n"
            "Examples:\n"
            "  syxflash-cli upload --device gligli-prophet-600 --port UM-ONE p600fw.syx\n"
            "  syxflash-cli upload --device moog-little-phatty --port Phatty os.syx \\\n"
            "      --backup lp-2026-11.syx\n"
            "  syxflash-cli upload --device parker-midifly --api emulated --port parker-midifly "
            "\\\n"
            "      fly.syx --yes --json");
        return [args] { return run_upload(*args); };
    }}};

} // namespace
} // namespace syx::cli
