// syxflash-cli recover: guided recovery after a failed or interrupted update (issue 6).
//   recover                                   lists interrupted updates found in the journal
//   recover --device ID --port P FILE         runs the device's recovery plan step by step and
//                                             sends the firmware again, slower, up to a bound
//   recover --resolve SESSION                 marks a journal entry as dealt with
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "cli/flow_support.hpp"
#include "cli/update_flow.hpp"
#include "engine/flow_gates.hpp"
#include "engine/journal.hpp"
#include "engine/terminal_text.hpp"

namespace syx::cli {
namespace {

struct RecoverArgs {
    UpdateRequest update;
    std::string resolve;
};

nlohmann::json session_json(const engine::JournalSession& s) {
    return {{"session", s.session},
            {"journal", s.path.string()},
            {"started", s.started},
            {"device", s.device_id},
            {"device_name", s.device_name},
            {"port", s.port},
            {"api", s.api},
            {"link", s.link},
            {"file", s.file},
            {"file_sha256", s.file_sha256},
            {"phase", s.last_phase},
            {"messages_sent", s.messages_sent},
            {"message_count", s.message_count},
            {"finished", s.finished},
            {"outcome", s.finished ? nlohmann::json(s.outcome) : nullptr},
            {"detail", s.detail},
            {"recovery_plan", s.recovery_plan},
            {"last_record", s.last_time}};
}

int list_interrupted(const RecoverArgs& args) {
    const bool json = args.update.flow.transport.json;
    const auto dir = engine::journal_dir();
    std::vector<engine::JournalSession> found;
    // Files that hold no readable journal may be damaged records of interrupted updates: shown.
    std::vector<engine::UnreadableJournal> unreadable;
    if (dir) {
        for (auto& s : engine::find_interrupted(*dir)) {
            if (args.update.flow.device.empty() || s.device_id == args.update.flow.device) {
                found.push_back(std::move(s));
            }
        }
        unreadable = engine::list_unreadable(*dir);
    }
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& s : found) {
            list.push_back(session_json(s));
        }
        nlohmann::json damaged = nlohmann::json::array();
        for (const auto& u : unreadable) {
            damaged.push_back({{"journal", u.path.string()}, {"reason", u.reason}});
        }
        print_json({{"journal_dir", dir ? nlohmann::json(dir->string()) : nullptr},
                    {"interrupted", list},
                    {"unreadable", damaged}});
        return kExitSuccess;
    }
    // Journal records and file names are text from outside: a newline or an ESC sequence in them
    // must not fake or erase lines here (engine/terminal_text.hpp).
    using engine::terminal_safe;
    for (const auto& u : unreadable) {
        fmt::print("Unreadable journal entry {}: {}. It may record an interrupted update; look "
                   "at the file, then move it away.\n",
                   terminal_safe(u.path.filename().string()), terminal_safe(u.reason));
    }
    if (!unreadable.empty()) {
        fmt::print("\n");
    }
    if (found.empty()) {
        fmt::print("No {}interrupted updates{}.\n", unreadable.empty() ? "" : "other ",
                   dir ? fmt::format(" in {}", dir->string()) : std::string{});
        return kExitSuccess;
    }
    fmt::print("{} interrupted update(s) — the device may be half-updated:\n\n", found.size());
    for (const auto& s : found) {
        const std::string how =
            s.finished
                ? fmt::format("ended {}: {}", terminal_safe(s.outcome), terminal_safe(s.detail))
                : fmt::format("the program stopped during '{}' (killed or crashed)",
                              s.last_phase.empty() ? "start" : terminal_safe(s.last_phase));
        fmt::print("{}\n  {} ({}) on '{}' via {}, started {}\n  file {}\n  {} of {} message(s) "
                   "sent; {}\n  recover: {}\n  dismiss: {}\n\n",
                   terminal_safe(s.session),
                   terminal_safe(s.device_name.empty() ? s.device_id : s.device_name),
                   terminal_safe(s.device_id), terminal_safe(s.port), terminal_safe(s.api),
                   terminal_safe(s.started), terminal_safe(s.file), s.messages_sent,
                   s.message_count, how,
                   engine::shell_command({"syxflash-cli", "recover", "--device", s.device_id,
                                          "--api", s.api, "--port", s.port, s.file}),
                   engine::shell_command({"syxflash-cli", "recover", "--resolve", s.session}));
    }
    return kExitSuccess;
}

int run_recover(const RecoverArgs& args) {
    constexpr const char* kName = "recover";
    const bool json = args.update.flow.transport.json;
    if (!args.resolve.empty()) {
        const auto dir = engine::journal_dir();
        if (!dir) {
            return fail(kName, json, kExitUsage, "no journal folder (set HOME or XDG_STATE_HOME)");
        }
        if (auto s = engine::mark_resolved(*dir, args.resolve, "dismissed by the user"); !s) {
            return fail(kName, json,
                        s.error().code == ErrorCode::refused ? kExitRefused : kExitUsage,
                        s.error().message);
        }
        if (json) {
            emit_event(
                {{"event", "result"}, {"ok", true}, {"exit_code", 0}, {"resolved", args.resolve}});
        } else {
            fmt::print("Marked {} as resolved.\n", args.resolve);
        }
        return kExitSuccess;
    }
    if (args.update.file.empty()) {
        return list_interrupted(args);
    }
    if (args.update.flow.device.empty() || args.update.flow.transport.port.empty()) {
        return fail(kName, json, kExitUsage,
                    "recovering needs --device, --port and the firmware FILE "
                    "('syxflash-cli recover' alone lists interrupted updates)");
    }
    // The same path and gates as upload; a device the journal shows half-written gets its
    // recovery plan and a slower transfer instead of the backup gate (update_flow.hpp).
    return run_update_flow(args.update);
}

const CommandRegistrar kRegistrar{Command{
    "recover", "List interrupted updates, or run a device's recovery plan and resend firmware", 85,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<RecoverArgs>();
        args->update.command = "recover";
        args->update.recovery = true;
        auto& u = args->update;
        sub.add_option("FILE", u.file,
                       "The firmware to send again (leave out to list interrupted updates)");
        sub.add_option("--device,-d", u.flow.device,
                       "Device id (required with FILE; filters the list without)");
        add_transport_options(sub, u.flow.transport);
        sub.get_option("--port")->required(false);
        sub.add_flag("--yes,-y", u.flow.yes,
                     "Confirm the plan's steps without asking (scripts); the display is still "
                     "asked");
        sub.add_option(
            "--link", u.link,
            "usb or din (default: din through a MIDI interface port, usb on the device's own port, "
            "else the link the manifest prefers)");
        sub.add_option("--plan", u.plan,
                       "Recovery plan id from the manifest (default: the one the interrupted "
                       "update ended with, else the transfer-phase plan)");
        sub.add_option("--attempts", u.attempts, "How many times to send again at most")
            ->capture_default_str();
        auto* backup = sub.add_option("--backup", u.backup,
                                      "A verified backup of this device (when the journal does "
                                      "not show it half-written, recover backs up like upload)");
        auto* skip = sub.add_flag("--skip-backup", u.skip_backup,
                                  "Go on without a backup (logged); the presets may be lost");
        backup->excludes(skip);
        skip->excludes(backup);
        sub.add_flag("--allow-unknown-release", u.allow_unknown_release,
                     "Send a file that passes every check but is not a release the manifest "
                     "knows (not needed for the journaled file)");
        sub.add_flag("--not-the-journaled-file", u.not_the_journaled_file,
                     "Send FILE although it is not the file the interrupted update sent");
        sub.add_option("--below-gap-floor", u.gap_override,
                       fmt::format("Go below the device's documented gap: type \"{}\" "
                                   "(journaled)",
                                   engine::kGapFloorOverridePhrase));
        sub.add_option("--resolve", args->resolve,
                       "Mark a journal entry (session id from the list) as dealt with");
        sub.footer(
            "Every failed or killed update leaves a journal entry in\n"
            "$XDG_STATE_HOME/syxflash/journal. With no FILE, recover lists those that need\n"
            "attention. With FILE it walks through the device's recovery plan (press Enter or\n"
            "--yes after each step), then sends the firmware again with slower pacing, up to\n"
            "--attempts times; a verified success marks the device's entries resolved.\n"
            "Examples:\n"
            "  syxflash-cli recover\n"
            "  syxflash-cli recover --device gligli-prophet-600 --port UM-ONE p600fw.syx\n"
            "  syxflash-cli recover --resolve 20261120T223344Z-parker-midifly-4242");
        return [args] { return run_recover(*args); };
    }}};

} // namespace
} // namespace syx::cli
