// syxflash-cli backup: collect the device's presets (automatic dump requests, or front-panel dumps
// counted live) and write them as a verified backup: plain .syx + sidecar, atomically, never over
// an existing file, plus a copy in the library the GUI lists (issue 6).
#include <chrono>
#include <optional>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "cli/flow_support.hpp"
#include "cli/job_presenter.hpp"
#include "core/backup_session.hpp"
#include "engine/backup_job.hpp"
#include "engine/backup_store.hpp"

namespace syx::cli {
namespace {

struct BackupArgs {
    FlowArgs flow;
    std::string output;
    std::optional<int> timeout_s; // --timeout: a manual dump's wait
};

void print_start(const BackupArgs& args, const Manifest& manifest, const SessionPorts& ports) {
    const auto& output = ports.transport.ports.output;
    if (args.flow.transport.json) {
        emit_event({{"event", "start"},
                    {"command", "backup"},
                    {"device", manifest.id},
                    {"port", output},
                    {"output", args.output},
                    {"backup_kind", to_string(manifest.backup.kind)}});
    } else {
        fmt::print(stderr, "Backing up the {} on '{}' ({} backup)\n", manifest.name, output,
                   to_string(manifest.backup.kind));
    }
}

void print_saved(const engine::SavedBackup& saved) {
    fmt::print("Backup saved: {} ({}, {} message(s), {}; SHA-256 {})\n", saved.file.string(),
               format_bytes(saved.metadata.bytes), saved.metadata.messages,
               saved.metadata.completeness, saved.metadata.sha256);
    fmt::print("Sidecar: {}\n", saved.sidecar.string());
    if (saved.library_file) {
        fmt::print("Library copy: {}\n", saved.library_file->string());
    }
    if (saved.library_warning) {
        fmt::print(stderr, "warning: {}\n", *saved.library_warning);
    }
}

int report(const BackupArgs& args, engine::BackupJobResult& job) {
    constexpr const char* kName = "backup";
    const bool json = args.flow.transport.json;
    auto& outcome = job.outcome;
    int exit_code = session::exit_code_for(outcome.kind);
    if (job.save_error) {
        exit_code = job.save_error->code == ErrorCode::refused ? kExitUsage : kExitInternal;
        return fail(kName, json, exit_code,
                    fmt::format("the dump arrived complete but could not be saved: {}",
                                job.save_error->message));
    }
    nlohmann::json event = result_event(outcome, exit_code);
    event["output"] = nullptr;
    if (job.saved) {
        const auto& saved = job.saved;
        event["ok"] = true;
        event["output"] = saved->file.string();
        event["sidecar"] = saved->sidecar.string();
        event["sha256"] = saved->metadata.sha256;
        event["bytes"] = saved->metadata.bytes;
        event["messages"] = saved->metadata.messages;
        event["completeness"] = saved->metadata.completeness;
        event["library_file"] =
            saved->library_file ? nlohmann::json(saved->library_file->string()) : nullptr;
        if (saved->library_warning) {
            event["warning"] = *saved->library_warning;
        }
        if (!json) {
            print_saved(*saved);
        }
    } else {
        // What arrived of an incomplete dump was kept for diagnosis (finish_backup); OUT itself
        // is not created.
        if (job.kept) {
            event["incomplete_file"] = job.kept->file.string();
        }
        if (outcome.kind != session::OutcomeKind::refused) {
            outcome.message += fmt::format(" '{}' was not created.", args.output);
            event["message"] = outcome.message;
        }
        if (!json) {
            print_outcome(outcome);
        }
    }
    if (json) {
        emit_event(event);
    }
    return exit_code;
}

int run_backup(const BackupArgs& args) {
    constexpr const char* kName = "backup";
    const bool json = args.flow.transport.json;
    CliJobHost host(json);
    auto prepared = engine::prepare_backup_job(args.flow.device, host);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        return fail_job(kName, json, *problem);
    }
    const Manifest& manifest = std::get<Manifest>(prepared);
    // Refuse before anyone presses a button: a backup never replaces an existing file, is never
    // written through a link, and needs a folder it can be written in (engine/backup_store.hpp).
    const std::filesystem::path output(args.output);
    if (auto checked = engine::check_backup_output(output, manifest.id); !checked) {
        return fail(kName, json, kExitUsage, checked.error().message);
    }
    auto opened = open_session_ports(args.flow.transport, manifest);
    if (auto* err = std::get_if<CliError>(&opened)) {
        return fail(kName, json, err->exit_code, err->message);
    }
    auto& ports = std::get<SessionPorts>(opened);
    print_start(args, manifest, ports);
    host.start_prompt(args.flow.yes, ports.transport.api, manifest.id);
    engine::BackupJobOptions options;
    options.save.output = output;
    options.keep_incomplete_as = output;
    if (args.timeout_s) {
        options.session.manual_idle_timeout = std::chrono::seconds(*args.timeout_s);
    }
    auto job = engine::run_backup_job(manifest, job_connection(ports), host, options);
    ports.transport.transport->close();
    return report(args, job);
}

const CommandRegistrar kRegistrar{Command{
    "backup", "Back up the device's presets to a verified .syx (+ .syx.json sidecar)", 70,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<BackupArgs>();
        add_flow_options(sub, args->flow);
        sub.add_option("-o,--output", args->output,
                       "Backup file to create (.syx); never overwritten")
            ->required();
        sub.add_option("--timeout", args->timeout_s,
                       "Manual dumps: give up when nothing arrives for this many seconds (default "
                       "300); the wait also goes on with standard input closed")
            ->check(CLI::Range(1, 86400));
        sub.footer(
            "Automatic devices (Little Phatty) are asked for their dump; manual ones (K-Station,\n"
            "Code, Jomox) show the front-panel steps and count the dumps as they arrive. Only a\n"
            "complete dump is saved: OUT.syx holds exactly the bytes the device sent, "
            "OUT.syx.json\n"
            "the device, identity, time, SHA-256 and completeness. A copy goes to the library\n"
            "($XDG_DATA_HOME/syxflash/backups/<device>/). An incomplete or timed-out dump exits 5\n"
            "and OUT is not created (what arrived may be kept as OUT.incomplete.syx).\n"
            "Examples:\n"
            "  syxflash-cli backup --device moog-little-phatty --port Phatty -o lp-2026-11.syx\n"
            "  syxflash-cli backup --device novation-k-station --port UM-ONE -o bank1.syx\n"
            "  syxflash-cli backup --device moog-little-phatty --api emulated \\\n"
            "      --port moog-little-phatty -o test.syx --json");
        return [args] { return run_backup(*args); };
    }}};

} // namespace
} // namespace syx::cli
