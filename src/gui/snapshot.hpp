#pragma once
// What the engine publishes for the UI: an immutable picture of the world at one instant
// (DESIGN.md §2). Views read it; only the engine (later: the session worker) builds new ones.
// Until the sessions exist the GUI builds the one snapshot itself from the command line.
#include <cstdint>
#include <string>
#include <vector>

namespace syx::gui {

// One instrument on the Device page. Filled from the catalogue (firmware-manifests/) once the
// engine loads it; simulated devices are always marked as such.
struct DeviceCard {
    std::string id;
    std::string name;
    std::string maker;
    // One paragraph about the device and what updating it involves.
    std::string summary;
    // Plain-language list of what syxflash can do for it ("update, backup, recovery").
    std::string abilities;
    bool simulated = false;
};

enum class RunMode {
    // Real MIDI ports were found and are used.
    hardware,
    // No hardware found, or --simulate: the built-in emulator stands in for the instrument.
    simulated,
};

// Which engine features exist in this build. Pages whose feature is missing say so plainly
// instead of pretending; the flags go away as the features land.
struct EngineFeatures {
    bool catalogue = false; // device manifests loaded into the Device page
    bool ports = false;     // port discovery and ranking (Connection page)
    bool sessions = false;  // backup / upload / verify / recover sessions
    bool emulator = false;  // the simulated device for --simulate and practice runs
};

struct Snapshot {
    // Increases with every snapshot the engine publishes; the UI redraws when it changes.
    std::uint64_t generation = 0;
    RunMode mode = RunMode::simulated;
    // The device id asked for with --simulate, empty if none.
    std::string simulate_id;
    EngineFeatures features;
    std::vector<DeviceCard> devices;
    // True while bytes are going to an instrument: navigation away is locked.
    bool transfer_running = false;
    // Human-readable log, oldest first.
    std::vector<std::string> log;
    // One line for the status bar.
    std::string status;

    // Without sessions, the wizard can only show what each step will do ("preview").
    [[nodiscard]] bool preview() const { return !features.sessions; }
};

} // namespace syx::gui
