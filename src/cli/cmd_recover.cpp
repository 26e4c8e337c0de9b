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
#include "core/hash.hpp"
#include "core/recovery_session.hpp"
#include "core/session_validation.hpp"
#include "engine/journal.hpp"

namespace syx::cli {
namespace {

struct RecoverArgs {
    FlowArgs flow;
    std::string file;
    std::string link;
    std::string resolve;
    std::string plan;
    unsigned attempts = 3;
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
    const bool json = args.flow.transport.json;
    const auto dir = engine::journal_dir();
    std::vector<engine::JournalSession> found;
    // Files that hold no readable journal may be damaged records of interrupted updates: shown.
    std::vector<engine::UnreadableJournal> unreadable;
    if (dir) {
        for (auto& s : engine::find_interrupted(*dir)) {
            if (args.flow.device.empty() || s.device_id == args.flow.device) {
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
    for (const auto& u : unreadable) {
        fmt::print("Unreadable journal entry {}: {}. It may record an interrupted update; look "
                   "at the file, then move it away.\n",
                   u.path.filename().string(), u.reason);
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
            s.finished ? fmt::format("ended {}: {}", s.outcome, s.detail)
                       : fmt::format("the program stopped during '{}' (killed or crashed)",
                                     s.last_phase.empty() ? "start" : s.last_phase);
        fmt::print("{}\n  {} ({}) on '{}' via {}, started {}\n  file {}\n  {} of {} message(s) "
                   "sent; {}\n  recover: syxflash-cli recover --device {} --api {} --port '{}' "
                   "'{}'\n  dismiss: syxflash-cli recover --resolve {}\n\n",
                   s.session, s.device_name.empty() ? s.device_id : s.device_name, s.device_id,
                   s.port, s.api, s.started, s.file, s.messages_sent, s.message_count, how,
                   s.device_id, s.api, s.port, s.file, s.session);
    }
    return kExitSuccess;
}

int run_recover(const RecoverArgs& args) {
    constexpr const char* kName = "recover";
    const bool json = args.flow.transport.json;
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
    if (args.file.empty()) {
        return list_interrupted(args);
    }
    if (args.flow.device.empty() || args.flow.transport.port.empty()) {
        return fail(kName, json, kExitUsage,
                    "recovering needs --device, --port and the firmware FILE "
                    "('syxflash-cli recover' alone lists interrupted updates)");
    }
    auto flow = start_flow(args.flow.device, args.link, args.file);
    if (auto* err = std::get_if<CliError>(&flow)) {
        return fail(kName, json, err->exit_code, err->message);
    }
    const Manifest& manifest = std::get<FlowStart>(flow).manifest;
    const Link planned_link = std::get<FlowStart>(flow).link;
    const std::shared_ptr<const SysexFile> firmware = std::get<FlowStart>(flow).file;
    // The same validation as upload: recovery never sends a file that would be refused. An
    // unknown release was already allowed by whoever started the update with it.
    const auto check = session::check_file(*firmware, manifest, planned_link, false);
    if (check.refused) {
        std::string text;
        for (const auto& f : check.findings) {
            if (f.severity == Severity::error) {
                text += "\n  " + describe(f);
            }
        }
        return fail(kName, json, kExitRefused,
                    fmt::format("'{}' failed validation for the {}:{}\nNothing was sent.",
                                args.file, manifest.name, text));
    }

    // The plan: asked for, or the one the interrupted update ended with (its journal says).
    std::string plan = args.plan;
    std::vector<engine::JournalSession> interrupted;
    const auto dir = engine::journal_dir();
    if (dir) {
        for (auto& s : engine::find_interrupted(*dir)) {
            if (s.device_id == manifest.id) {
                interrupted.push_back(std::move(s));
            }
        }
    }
    if (plan.empty() && !interrupted.empty()) {
        plan = interrupted.back().recovery_plan;
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
                    {"plan", plan},
                    {"interrupted_sessions", interrupted.size()}});
    } else {
        fmt::print(stderr, "Recovering the {} on '{}' with '{}'{}\n", manifest.name, t.ports.output,
                   args.file,
                   interrupted.empty() ? std::string{}
                                       : fmt::format(" ({} interrupted update(s) in the journal)",
                                                     interrupted.size()));
    }

    std::optional<engine::UpdateJournal> journal;
    if (dir) {
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
        if (auto started = engine::UpdateJournal::start(start, *dir)) {
            journal = std::move(*started);
        }
    }

    TerminalPrompt prompt(args.flow.yes, json);
    attach_emulated_hands(prompt, t.api, manifest.id);
    RunContext context;
    context.json = json;
    context.prompt = &prompt;
    context.interrupted = &install_interrupt_flag();
    context.journal = journal ? &*journal : nullptr;
    const auto limits = engine::transport_limits(*t.transport);
    session::RecoveryOptions options;
    options.plan = plan;
    options.max_attempts = std::max(1U, args.attempts);
    options.update.link = link;
    options.update.unknown_release = session::UnknownReleasePolicy::allow;
    options.update.backend_max_message_bytes = limits.max_message_bytes;
    options.update.delivery_jitter = limits.delivery_jitter;
    session::RecoverySession session(manifest, firmware, options);
    const auto outcome = run_session(session, *t.transport, mailbox, context);
    t.transport->close();
    const int exit_code = session::exit_code_for(outcome.kind);

    // A verified recovery settles the earlier interrupted updates of this device.
    std::vector<std::string> resolved;
    if (outcome.kind == session::OutcomeKind::success && dir) {
        for (const auto& s : interrupted) {
            if (engine::mark_resolved(
                    *dir, s.session,
                    fmt::format("recovered by {}", journal ? journal->session_id() : "recover"))) {
                resolved.push_back(s.session);
            }
        }
    }
    if (json) {
        auto event = result_event(outcome, exit_code);
        event["attempts"] = session.attempts();
        event["slowdown"] = session.slowdown();
        event["resolved_sessions"] = resolved;
        emit_event(event);
    } else {
        print_outcome(outcome,
                      resolved.empty()
                          ? std::string{}
                          : fmt::format("{} interrupted update(s) marked resolved in the journal.",
                                        resolved.size()));
    }
    return exit_code;
}

const CommandRegistrar kRegistrar{Command{
    "recover", "List interrupted updates, or run a device's recovery plan and resend firmware", 85,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<RecoverArgs>();
        sub.add_option("FILE", args->file,
                       "The firmware to send again (leave out to list interrupted updates)");
        sub.add_option("--device,-d", args->flow.device,
                       "Device id (required with FILE; filters the list without)");
        add_transport_options(sub, args->flow.transport);
        sub.get_option("--port")->required(false);
        sub.add_flag("--yes,-y", args->flow.yes,
                     "Confirm the plan's steps without asking (scripts); the display is still "
                     "asked");
        sub.add_option(
            "--link", args->link,
            "usb or din (default: din through a MIDI interface port, usb on the device's own port, "
            "else the link the manifest prefers)");
        sub.add_option("--plan", args->plan,
                       "Recovery plan id from the manifest (default: the one the interrupted "
                       "update ended with, else the transfer-phase plan)");
        sub.add_option("--attempts", args->attempts, "How many times to send again at most")
            ->capture_default_str();
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
