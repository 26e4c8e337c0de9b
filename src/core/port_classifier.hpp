#pragma once
// Port ranking, "prefer USB over DIN" (DESIGN.md §7, issue 4). A port is one of:
//  - the device's own USB-MIDI port: its name matches the device's USB port-name patterns, or the
//    OS says the port's card is a USB device and the name is not a known interface;
//  - a hardware MIDI interface: a DIN cable is involved (UM-ONE, MIDISPORT, the MIDI jacks of an
//    audio interface such as a Scarlett…); cheap interfaces known to mangle SysEx are flagged;
//  - a virtual/software port (Midi Through, JACK/a2j bridges, IAC, loopMIDI, soft synths, us).
// Pure: the OS fact ("this ALSA card is USB") is looked up by the transport and passed in.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syx {

enum class PortKind { device_usb, interface, virtual_port, unknown };

const char* to_string(PortKind kind); // "usb-device" | "interface" | "virtual" | "unknown"

struct PortClassification {
    PortKind kind = PortKind::unknown;
    // True when the name matched the chosen device's USB patterns.
    bool matches_device = false;
    // Set for interfaces known to lose or corrupt SysEx, with the evidence and its confidence.
    std::optional<std::string> known_bad;
    // Set when the port belongs to the device (its name matches the manifest) but is one of its
    // other USB ports: a pass-through to its 5-pin MIDI jacks ("MIDI DIN"), a control-surface
    // port ("Mackie/HUI") or an editor port. SysEx sent there may leave by the 5-pin jack or be
    // ignored while the session reports success, so such a port is never picked for the user.
    std::optional<std::string> secondary_role;
    std::string reason; // one line for the user
};

// `device_usb_patterns`: case-insensitive patterns from the device's manifest; '*' matches any
// run of characters, otherwise a pattern matches as a substring. `os_says_usb`: the transport's
// finding (Linux: the ALSA card is a USB device), nullopt when unknown.
[[nodiscard]] PortClassification
classify_port(std::string_view name, std::optional<bool> os_says_usb,
              const std::vector<std::string>& device_usb_patterns = {});

// How the chosen device may be connected (from its manifest).
enum class LinkPreference { prefer_usb, prefer_din, usb_only, din_only };

struct PortCandidate {
    std::string name;
    std::optional<bool> os_says_usb;
};

struct RankedPort {
    std::size_t index = 0; // into the candidates given
    PortClassification classification;
    int score = 0;            // higher first
    bool recommended = false; // the first usable one
    bool usable =
        true; // false: the device cannot be updated through it (e.g. USB for a DIN-only device)
    // True for a device's secondary port (classification.secondary_role): it may be used only
    // when the user chooses it explicitly; it is never the recommended port.
    bool ask_first = false;
    std::string reason; // why it is where it is
};

// Ranks ports for a chosen device: best first, with reasons. With no patterns (no device chosen)
// the ranking still puts USB devices before interfaces before virtual ports.
[[nodiscard]] std::vector<RankedPort>
rank_ports(const std::vector<PortCandidate>& candidates,
           const std::vector<std::string>& device_usb_patterns,
           LinkPreference preference = LinkPreference::prefer_usb,
           std::string_view device_name = "the device");

// Case-insensitive glob ('*') or substring match, as used for manifest USB patterns and --port.
[[nodiscard]] bool port_name_matches(std::string_view name, std::string_view pattern);

} // namespace syx
