// syxflash-cli restore: send a backup back with the device's pacing (issue 6). K-Station
// single-bank backups go back to the bank they came from (C rewritten to 1, B kept) unless
// --to-current-bank; M-Audio Code presets return to their own slots (reload the preset after).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "cli/flow_support.hpp"
#include "core/hash.hpp"
#include "core/restore_session.hpp"
#include "engine/backup_store.hpp"

namespace syx::cli {
namespace {

struct RestoreArgs {
    FlowArgs flow;
    std::string backup;
    bool to_current_bank = false;
    std::string link;
};

int run_restore(const RestoreArgs& args) {
    constexpr const char* kName = "restore";
    const bool json = args.flow.transport.json;
    auto flow = start_flow(args.flow.device, args.link, args.backup);
    if (auto* err = std::get_if<CliError>(&flow)) {
        return fail(kName, json, err->exit_code, err->message);
    }
    const Manifest& manifest = std::get<FlowStart>(flow).manifest;
    const std::shared_ptr<const SysexFile> backup = std::get<FlowStart>(flow).file;
    // A syxflash backup is checked against its sidecar (hash, device, completeness); a .syx from
    // another tool has none, and the session's restore validation is then the only check.
    std::string provenance = "no sidecar: not made by syxflash, checked against the manifest only";
    if (std::filesystem::exists(engine::sidecar_path(args.backup))) {
        const auto verified = engine::verify_backup(args.backup, manifest);
        if (!verified.ok) {
            const std::string problems = indented_lines(verified.problems);
            return fail(kName, json, kExitRefused,
                        fmt::format("'{}' does not check out as a backup of the {}:{}\nNothing "
                                    "was sent.",
                                    args.backup, manifest.name, problems));
        }
        provenance = fmt::format("verified backup from {}", verified.sidecar->created);
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
                    {"file", args.backup},
                    {"sha256", to_hex(backup->sha256)},
                    {"provenance", provenance}});
    } else {
        fmt::print(stderr, "Restoring '{}' ({}) to the {} on '{}'\n", args.backup, provenance,
                   manifest.name, t.ports.output);
    }
    TerminalPrompt prompt(args.flow.yes, json);
    attach_emulated_hands(prompt, t.api, manifest.id);
    RunContext context;
    context.json = json;
    context.prompt = &prompt;
    context.interrupted = &install_interrupt_flag();
    const auto limits = engine::transport_limits(*t.transport);
    session::RestoreOptions options;
    options.link = link;
    options.rewrites = args.to_current_bank ? session::RewritePolicy::keep_original
                                            : session::RewritePolicy::apply;
    options.backend_max_message_bytes = limits.max_message_bytes;
    options.delivery_jitter = limits.delivery_jitter;
    session::RestoreSession session(manifest, backup, options);
    const auto outcome = run_session(session, *t.transport, mailbox, context);
    t.transport->close();
    const int exit_code = session::exit_code_for(outcome.kind);
    if (json) {
        emit_event(result_event(outcome, exit_code));
    } else {
        print_outcome(outcome);
    }
    return exit_code;
}

const CommandRegistrar kRegistrar{Command{
    "restore", "Send a preset backup back to the device", 90,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<RestoreArgs>();
        sub.add_option("BACKUP", args->backup, "The backup .syx (ideally with its .syx.json)")
            ->required();
        add_flow_options(sub, args->flow);
        sub.add_flag("--to-current-bank", args->to_current_bank,
                     "K-Station: send a single-bank backup as it was dumped (C=0), so it lands in "
                     "whatever bank is selected now instead of the bank it came from");
        sub.add_option(
            "--link", args->link,
            "usb or din (default: din through a MIDI interface port, usb on the device's own port, "
            "else the link the manifest prefers)");
        sub.footer(
            "K-Station single-bank backups carry C=0, which the K-Station stores into its\n"
            "CURRENT bank; restore rewrites C=1 and keeps B so every program returns to the bank\n"
            "it came from (--to-current-bank keeps C=0). Code presets return to their own slots;\n"
            "reload the preset afterwards to see it.\n"
            "Examples:\n"
            "  syxflash-cli restore --device moog-little-phatty --port Phatty lp-2026-11.syx\n"
            "  syxflash-cli restore --device novation-k-station --port UM-ONE bank1.syx \\\n"
            "      --to-current-bank");
        return [args] { return run_restore(*args); };
    }}};

} // namespace
} // namespace syx::cli
