#pragma once
// What the wizard knows about real MIDI ports (hardware mode): the ports ranked for the chosen
// device, the DIN warning awaiting a confirm click, the Detect results and the loopback
// self-test. Part of the Snapshot (FlowView::hardware); built by the WizardEngine's worker.
#include <optional>
#include <string>
#include <vector>

#include "core/port_classifier.hpp"

namespace syx::gui {

// One output port as the Connection page lists it, best first.
struct PortRow {
    std::string output;
    std::string input; // the input that belongs to it; empty when none does
    PortKind kind = PortKind::unknown;
    std::string badge;     // "the Moog Little Phatty's own USB port" / "MIDI interface, so DIN" …
    std::string reason;    // the ranking's reason, one line
    std::string known_bad; // set for interfaces known to mangle SysEx, with the evidence
    bool matches_device = false; // the chosen device's own USB port (name matched its manifest)
    bool recommended = false;
    bool usable = true;
    bool chosen = false;
};

// Choosing a DIN interface while the device's own USB port is connected: shown, not done, until
// the user confirms.
struct DinWarning {
    std::string port;
    std::string text; // the warning and what changes (pacing)
};

// One output the Detect button asked.
struct DetectRow {
    std::string output;
    std::string input;
    std::string device_id; // the catalogue device that answered; empty if none matched
    std::string device_name;
    std::string identity; // "manufacturer 04, family 5, member 1, version 01 03 00 00"
    std::string problem;  // no answer / did not open …
};

struct SelfTestView {
    std::string port;
    bool running = false;
    bool ran = false;
    bool passed = false;
    std::string summary;
};

struct HardwareView {
    std::string api;      // "alsa" | "jack"; empty in simulated mode
    bool scanned = false; // ports were listed at least once
    std::vector<PortRow> ports;
    std::optional<DinWarning> din_warning;
    bool detecting = false;
    bool detect_ran = false;
    std::vector<DetectRow> detected;
    SelfTestView self_test;
};

} // namespace syx::gui
