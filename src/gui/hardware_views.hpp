#pragma once
// The hardware-mode parts of the Device and Connection pages (real MIDI ports): Detect, the
// ranked port list with badges, the DIN warning and the loopback self-test. Like every view,
// functions of the snapshot that emit intents; nothing here touches a port.
#include <vector>

#include "gui/intent.hpp"
#include "gui/snapshot.hpp"

namespace syx::gui {

// Below the mode banner: why the wizard is simulating (no ports found) and Rescan; in hardware
// mode, which api the ports come from and Rescan.
void draw_ports_banner(const Snapshot& snapshot, std::vector<Intent>& out);

// Device page (hardware mode): the Detect button and who answered on which port.
void draw_detect(const Snapshot& snapshot, std::vector<Intent>& out);

// Connection page (hardware mode): the ports ranked for the device, the DIN warning awaiting
// its confirm click, and the loopback self-test.
void draw_port_choice(const Snapshot& snapshot, std::vector<Intent>& out);

} // namespace syx::gui
