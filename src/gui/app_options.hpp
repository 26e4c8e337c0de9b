#pragma once
// The syxflash command line.
#include <optional>
#include <string>
#include <vector>

namespace syx::gui {

struct AppOptions {
    std::string simulate_id;
    bool autopilot = false;
    std::string screenshot_dir;
    // Faults armed on the simulated device from the start (--fault SPEC, repeatable).
    std::vector<std::string> faults;
    // > 0: run the idle/busy benchmark for this many seconds per phase, print figures, exit.
    double bench_idle_seconds = 0.0;
    // --api alsa|jack: the MIDI system to list ports from; empty = try alsa, then jack.
    std::string api;
    // --autopilot with --api (hardware mode, gui/autopilot.hpp): the firmware file, and where
    // the instrument's display is read.
    std::string autopilot_firmware;
    std::string autopilot_display;
};

// The MIDI apis to try for hardware mode, in order: none with --simulate or with --autopilot
// without --api (both practise on the emulator), the one asked for with --api, else alsa then
// jack.
std::vector<std::string> hardware_apis(const AppOptions& options);

struct ParsedOptions {
    AppOptions options;
    // Set when the program should exit right away (--help, --version, usage error) with this
    // code, after printing `output` (to stdout for code 0, stderr otherwise).
    std::optional<int> exit_code;
    std::string output;
};

ParsedOptions parse_app_options(const std::vector<std::string>& args);

// "syxflash 0.1.0 (git describe; compiler; build type; Dear ImGui 1.86, GLFW 3.3.8)".
std::string version_text();

} // namespace syx::gui
