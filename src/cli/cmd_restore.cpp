// syxflash-cli restore: send a backup back with the device's pacing (issue 6). K-Station
// single-bank backups go back to the bank they came from (C rewritten to 1, B kept) unless
// --to-current-bank; M-Audio Code presets return to their own slots (reload the preset after).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "cli/flow_support.hpp"
#include "cli/job_presenter.hpp"
#include "core/hash.hpp"
#include "engine/restore_job.hpp"

namespace syx::cli {
namespace {

struct RestoreArgs {
    FlowArgs flow;
    std::string backup;
    bool to_current_bank = false;
    std::string link;
};

void print_start(const engine::RestoreJob& job, const RestoreArgs& args,
                 const SessionPorts& ports) {
    const auto& output = ports.transport.ports.output;
    if (args.flow.transport.json) {
        emit_event({{"event", "start"},
                    {"command", "restore"},
                    {"device", job.manifest().id},
                    {"port", output},
                    {"file", args.backup},
                    {"sha256", to_hex(job.backup().sha256)},
                    {"provenance", job.provenance()}});
    } else {
        fmt::print(stderr, "Restoring '{}' ({}) to the {} on '{}'\n", args.backup, job.provenance(),
                   job.manifest().name, output);
    }
}

int run_restore(const RestoreArgs& args) {
    constexpr const char* kName = "restore";
    const bool json = args.flow.transport.json;
    std::optional<Link> link;
    if (!args.link.empty()) {
        link = parse_link(args.link);
        if (!link) {
            return fail(kName, json, kExitUsage,
                        fmt::format("--link must be usb or din, not '{}'", args.link));
        }
    }
    CliJobHost host(json);
    auto prepared =
        engine::RestoreJob::prepare({args.flow.device, args.backup, args.to_current_bank}, host);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        return fail_job(kName, json, *problem);
    }
    auto& job = std::get<engine::RestoreJob>(prepared);
    auto opened = open_sending_ports(args.flow, job.manifest(), link);
    if (auto* err = std::get_if<CliError>(&opened)) {
        return fail(kName, json, err->exit_code, err->message);
    }
    auto& ports = std::get<SessionPorts>(opened);
    print_start(job, args, ports);
    host.start_prompt(args.flow.yes, ports.transport.api, job.manifest().id);
    const auto done = job.run(job_connection(ports), host);
    ports.transport.transport->close();
    const int exit_code = engine::exit_code(done.exit);
    if (json) {
        emit_event(result_event(done.outcome, exit_code));
    } else {
        print_outcome(done.outcome);
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
