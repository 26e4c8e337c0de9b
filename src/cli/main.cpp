// syxflash-cli: the command-line face of the syxflash engine (DESIGN.md §8).
#include <algorithm>
#include <exception>
#include <map>

#include "build_info.hpp"
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"

namespace syx::cli {

std::vector<Command>& command_registry() {
    static std::vector<Command> registry;
    return registry;
}

} // namespace syx::cli

int main(int argc, char** argv) {
    using namespace syx::cli;
    CLI::App app{"syxflash-cli — get firmware onto MIDI instruments over SysEx, safely.\n"
                 "Backs up presets first, validates files against the device's manifest before\n"
                 "sending a byte, and paces messages the way the device needs them.",
                 "syxflash-cli"};
    app.require_subcommand(1);
    app.set_version_flag("--version",
                         fmt::format("syxflash-cli {} ({}; {}; {})", syx::build_info::kVersion,
                                     syx::build_info::kGitDescribe, syx::build_info::kCompiler,
                                     syx::build_info::kBuildType));
    app.footer(
        "Exit codes: 0 success, 1 internal error, 2 usage error, 3 refused before sending\n"
        "(nothing was sent), 4 transfer failed or interrupted, 5 device did not answer or a\n"
        "dump was incomplete, 130 cancelled.\n"
        "Run 'syxflash-cli COMMAND --help' for a command's options and examples.");

    auto commands = command_registry();
    std::stable_sort(commands.begin(), commands.end(),
                     [](const Command& a, const Command& b) { return a.order < b.order; });
    std::map<CLI::App*, std::function<int()>> runners;
    for (const auto& command : commands) {
        CLI::App* sub = app.add_subcommand(command.name, command.summary);
        runners[sub] = command.define(*sub);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    }

    try {
        for (auto& [sub, run] : runners) {
            if (sub->parsed()) {
                return run();
            }
        }
    } catch (const std::exception& e) {
        fmt::print(stderr, "syxflash-cli: internal error: {}\n", e.what());
        return kExitInternal;
    }
    return kExitUsage;
}
