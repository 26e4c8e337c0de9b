#include "gui/app_options.hpp"

#include <sstream>

#include "build_info.hpp"
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <imgui.h>

namespace syx::gui {

std::string version_text() {
    return fmt::format("syxflash {} ({}; {}; {} build; Dear ImGui {})", build_info::kVersion,
                       build_info::kGitDescribe, build_info::kCompiler,
                       *build_info::kBuildType != '\0' ? build_info::kBuildType : "default",
                       IMGUI_VERSION);
}

ParsedOptions parse_app_options(const std::vector<std::string>& args) {
    ParsedOptions parsed;
    AppOptions& o = parsed.options;
    CLI::App app{
        "syxflash — a wizard that gets firmware onto MIDI instruments safely: it backs up\n"
        "your presets, checks the firmware file, sends it at the pace the instrument\n"
        "needs and walks you through recovery if anything goes wrong.",
        "syxflash"};
    app.add_option("--simulate", o.simulate_id,
                   "Practise on a built-in simulated device (ID as listed by "
                   "'syxflash-cli devices')");
    app.add_flag("--autopilot", o.autopilot,
                 "Drive the wizard through every page by itself and exit 0 when it reaches the "
                 "end (used by tests). On the emulator, unless --api is given: then on real "
                 "ports, with --autopilot-firmware and --autopilot-display");
    app.add_option("--autopilot-firmware", o.autopilot_firmware,
                   "--autopilot --api: the firmware file to send");
    app.add_option("--autopilot-display", o.autopilot_display,
                   "--autopilot --api: a file whose last 'display: ' line is what the "
                   "instrument shows (e.g. 'syxflash-cli emulate' output), read where a step "
                   "asks what the display shows");
    app.add_option("--fault", o.faults,
                   "Arm a fault on the simulated device (repeatable), e.g. power-loss-at=50%, "
                   "unplug-at=50%, drop-above-rate=2000, slow-reply=800");
    app.add_option("--screenshot-dir", o.screenshot_dir,
                   "Save a PNG of every page shown into this folder (created if missing)");
    app.add_option("--bench-idle", o.bench_idle_seconds,
                   "Measure the window's CPU use and frame times for SECONDS while idle and "
                   "again while snapshots arrive at 60 Hz; print the figures and exit")
        ->check(CLI::Range(0.1, 600.0))
        ->type_name("SECONDS");
    app.add_option("--api", o.api,
                   "MIDI system for real ports: alsa or jack (default: alsa, then jack). With "
                   "no ports found the wizard practises on the built-in emulator")
        ->check(CLI::IsMember({"alsa", "jack"}));
    app.set_version_flag("--version", version_text());
    app.footer("Examples:\n"
               "  syxflash                                  open the wizard\n"
               "  syxflash --simulate moog-little-phatty    practise without an instrument\n"
               "  syxflash --api jack                       use JACK's MIDI ports\n"
               "  syxflash --autopilot --screenshot-dir shots\n"
               "Settings are kept in $XDG_CONFIG_HOME/syxflash (default ~/.config/syxflash).\n"
               "The same engine is available as 'syxflash-cli' for scripting.");

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    std::ostringstream out;
    std::ostringstream err;
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e, out, err);
        // CLI11 reports --help and --version as "errors" with code 0.
        parsed.exit_code = code == 0 ? 0 : 2;
        parsed.output = code == 0 ? out.str() : err.str();
    }
    return parsed;
}

std::vector<std::string> hardware_apis(const AppOptions& options) {
    // The autopilot practises on the emulator unless real ports are asked for (--api).
    if (!options.simulate_id.empty() || (options.autopilot && options.api.empty())) {
        return {};
    }
    if (!options.api.empty()) {
        return {options.api};
    }
    return {"alsa", "jack"};
}

} // namespace syx::gui
