#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself here at static
// initialisation, so commands can be added without touching main.cpp.
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace syx::cli {

struct Command {
    std::string name;
    std::string summary;
    int order = 100; // position in --help
    // Adds the subcommand's options to `sub` and returns what to run once parsing succeeded.
    // The runner returns the process exit code (see exit_codes.hpp).
    std::function<std::function<int()>(CLI::App& sub)> define;
};

std::vector<Command>& command_registry();

struct CommandRegistrar {
    explicit CommandRegistrar(Command command) { command_registry().push_back(std::move(command)); }
};

} // namespace syx::cli
