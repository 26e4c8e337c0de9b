#include "core/port_classifier.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/core.h>

#include "core/ascii.hpp"

namespace syx {

namespace {

bool contains(std::string_view haystack_lower, std::string_view needle_lower) {
    return haystack_lower.find(needle_lower) != std::string_view::npos;
}

bool glob_match(std::string_view text, std::string_view pattern) {
    // Iterative '*' matcher (no backtracking explosion).
    std::size_t t = 0;
    std::size_t p = 0;
    std::size_t star = std::string_view::npos;
    std::size_t mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

// Software ports. Names as shown by ALSA (Midi Through), JACK (system/a2j bridges are handled
// separately), macOS (IAC Driver), Windows (loopMIDI, Microsoft GS Wavetable Synth), soft synths
// and ourselves.
constexpr std::array kVirtualMarkers{
    "midi through",    "through port", "virmidi",    "virtual",
    "iac driver",      "loopmidi",     "loopbe",     "microsoft gs wavetable",
    "timidity",        "fluid synth",  "fluidsynth", "rtmidi",
    "syxflash",        "qsynth",       "jack midi",  "midi-bridge",
    "network session", "rtpmidi",
};

// Hardware MIDI interfaces: a DIN cable is involved. Product names as USB descriptors report
// them (ALSA client names); the list is ours, from the products' own names [modelled].
constexpr std::array kInterfaceMarkers{
    "um-one",
    "um-1",
    "um-2",
    "um-3",
    "um-880",
    "midisport",
    "mio",
    "midi express",
    "midi interface",
    "usb midi cable",
    "usb2.0-midi",
    "usb-midi cable",
    "usb midi interface",
    "midimate",
    "mpu-401",
    "mpu401",
    "scarlett",
    "focusrite",
    "babyface",
    "fireface",
    "komplete audio",
    "audio 2 dj",
    "us-122",
    "us-144",
    "steinberg ur",
    "ur22",
    "ur44",
    "iconnectmidi",
    "motu",
    "m-audio midisport",
    "esi m4u",
    "m4u",
    "midi 4x4",
    "midi 2x2",
    "midi 1x1",
    "roland um",
    "amt8",
    "unitor",
};

// Cheap "USB MIDI cable" interfaces built around the WCH CH345 chip (USB ID 1a86:752d) corrupt
// SysEx: the Linux kernel carries a dedicated workaround for their broken SysEx input
// (sound/usb/midi.c, "ch345_broken_sysex_input") [reported: kernel source]. They usually show up
// under generic product names; mapping those names to the chip is a heuristic [modelled].
struct KnownBad {
    const char* marker;
    const char* why;
};
constexpr std::array kKnownBad{
    KnownBad{"usb2.0-midi",
             "generic 'USB2.0-MIDI' cables are usually CH345-based; that chip mangles SysEx (the "
             "Linux kernel has a workaround for it) [reported; name→chip match is a guess]"},
    KnownBad{"usb midi cable",
             "generic 'USB MIDI Cable' interfaces are often CH345-based and lose or corrupt long "
             "SysEx [reported; name→chip match is a guess]"},
    KnownBad{"usb-midi cable",
             "generic 'USB-MIDI Cable' interfaces are often CH345-based and lose or corrupt long "
             "SysEx [reported; name→chip match is a guess]"},
};

bool matches_any(std::string_view name, const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return port_name_matches(name, p); });
}

} // namespace

const char* to_string(PortKind kind) {
    switch (kind) {
    case PortKind::device_usb:
        return "usb-device";
    case PortKind::interface:
        return "interface";
    case PortKind::virtual_port:
        return "virtual";
    case PortKind::unknown:
        return "unknown";
    }
    return "unknown";
}

bool port_name_matches(std::string_view name, std::string_view pattern) {
    if (pattern.empty()) {
        return false;
    }
    const std::string n = ascii_lower(name);
    const std::string p = ascii_lower(pattern);
    if (p.find('*') != std::string::npos) {
        return glob_match(n, p);
    }
    return contains(n, p);
}

namespace {

// A device's USB ports that are not the instrument itself. The M-Audio Code shows "USB MIDI"
// (the keyboard), "MIDI DIN" (pass-through to its 5-pin jacks), "Mackie/HUI" and "Editor" ports,
// all matching the manifest's "Code" pattern [R: ../shared/DEVICES.md, M-Audio Code]; the same
// naming is common on other controllers [M].
struct SecondaryPort {
    const char* marker; // lower case
    const char* role;
};
constexpr std::array kSecondaryPortMarkers{
    SecondaryPort{"midi din", "pass-through to its 5-pin MIDI jacks"},
    SecondaryPort{"din out", "pass-through to its 5-pin MIDI jacks"},
    SecondaryPort{"mackie", "control-surface (Mackie/HUI) port"},
    SecondaryPort{"hui", "control-surface (Mackie/HUI) port"},
    SecondaryPort{"editor", "editor port"},
};

std::optional<std::string> secondary_role(const std::string& name_lower) {
    for (const auto& s : kSecondaryPortMarkers) {
        if (contains(name_lower, s.marker)) {
            return std::string(s.role);
        }
    }
    return std::nullopt;
}

} // namespace

PortClassification classify_port(std::string_view name, std::optional<bool> os_says_usb,
                                 const std::vector<std::string>& device_usb_patterns) {
    PortClassification out;
    const std::string n = ascii_lower(name);

    if (!device_usb_patterns.empty() && matches_any(name, device_usb_patterns)) {
        out.kind = PortKind::device_usb;
        out.matches_device = true;
        out.secondary_role = secondary_role(n);
        out.reason =
            out.secondary_role
                ? fmt::format("one of the device's USB ports, but its {}", *out.secondary_role)
                : std::string("the device's own USB port (name matches its manifest)");
        return out;
    }
    for (const char* marker : kVirtualMarkers) {
        if (contains(n, marker)) {
            out.kind = PortKind::virtual_port;
            out.reason = fmt::format("software port ('{}'): no instrument behind it", marker);
            return out;
        }
    }
    for (const KnownBad& bad : kKnownBad) {
        if (contains(n, bad.marker)) {
            out.kind = PortKind::interface;
            out.known_bad = bad.why;
            out.reason = "MIDI interface (DIN cable): known to be unreliable with SysEx";
            return out;
        }
    }
    for (const char* marker : kInterfaceMarkers) {
        if (contains(n, marker)) {
            out.kind = PortKind::interface;
            out.reason = fmt::format("MIDI interface ('{}'): a DIN cable carries the bytes, at "
                                     "3125 bytes/s",
                                     marker);
            return out;
        }
    }
    if (os_says_usb == true) {
        out.kind = PortKind::device_usb;
        out.reason = "a USB-MIDI device (its sound card is on USB)";
        return out;
    }
    if (os_says_usb == false) {
        // A non-USB card with MIDI: an on-board / PCI MPU-401 style port, i.e. DIN (or game port).
        out.kind = PortKind::interface;
        out.reason = "a MIDI port on a non-USB sound card: a DIN cable is involved";
        return out;
    }
    out.reason = "not recognised; the OS does not say whether it is USB";
    return out;
}

std::vector<RankedPort> rank_ports(const std::vector<PortCandidate>& candidates,
                                   const std::vector<std::string>& device_usb_patterns,
                                   LinkPreference preference, std::string_view device_name) {
    std::vector<RankedPort> ranked;
    ranked.reserve(candidates.size());
    const bool device_chosen = !device_usb_patterns.empty();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        RankedPort r;
        r.index = i;
        r.classification =
            classify_port(candidates[i].name, candidates[i].os_says_usb, device_usb_patterns);
        const auto& c = r.classification;
        switch (c.kind) {
        case PortKind::device_usb:
            if (c.matches_device && c.secondary_role) {
                // Below an interface: a pass-through carries SysEx out of the 5-pin jack, a
                // control-surface or editor port may ignore it, and either way the session
                // would report success [R: M-Audio Code port names].
                r.score = 35;
                r.ask_first = true;
                r.reason = fmt::format("{}'s {}, not the instrument itself: syxflash does not "
                                       "send SysEx through it unless you choose it",
                                       device_name, *c.secondary_role);
            } else if (c.matches_device || !device_chosen) {
                r.score = 100;
                r.reason = c.matches_device
                               ? fmt::format("{}'s own USB port: fastest and most reliable link",
                                             device_name)
                               : std::string("a USB-MIDI device");
            } else {
                r.score = 40;
                r.reason = fmt::format("a USB device, but its name does not match {}", device_name);
            }
            break;
        case PortKind::interface:
            r.score = c.known_bad ? 30 : 60;
            r.reason = c.known_bad ? fmt::format("DIN through an interface known to be "
                                                 "unreliable: {}",
                                                 *c.known_bad)
                                   : std::string("DIN through a MIDI interface (slower: 3125 B/s)");
            break;
        case PortKind::unknown:
            r.score = 20;
            r.reason = c.reason;
            break;
        case PortKind::virtual_port:
            r.score = 0;
            r.reason = "software port: no instrument behind it";
            break;
        }
        if (preference == LinkPreference::din_only && c.kind == PortKind::device_usb &&
            c.matches_device) {
            r.usable = false;
            r.score = 10;
            r.reason =
                fmt::format("{} accepts updates over DIN only, not over its USB port", device_name);
        } else if (preference == LinkPreference::din_only && c.kind == PortKind::interface) {
            r.score += 50;
            r.reason += fmt::format("; {} requires DIN", device_name);
        } else if (preference == LinkPreference::usb_only && c.kind == PortKind::interface) {
            r.usable = false;
            r.score = 5;
            r.reason = fmt::format("{} must be updated over its own USB port", device_name);
        } else if (preference == LinkPreference::prefer_din && c.kind == PortKind::interface) {
            r.score += 45;
            r.reason += fmt::format("; {} prefers DIN", device_name);
        }
        if (c.kind == PortKind::virtual_port) {
            r.usable = false;
        }
        ranked.push_back(std::move(r));
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const RankedPort& a, const RankedPort& b) { return a.score > b.score; });
    for (auto& r : ranked) {
        if (r.usable && !r.ask_first) {
            r.recommended = true;
            r.reason = "recommended: " + r.reason;
            break;
        }
    }
    return ranked;
}

} // namespace syx
