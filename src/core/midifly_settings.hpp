#pragma once
// The Parker MIDIFly's user-settings messages, built from its manual's "SYSEX Specification"
// (DEVICES.md "Parker MIDIFly", seeds/ [C]). Pure: the Tools page shows these bytes on demand
// and the engine sends them.
//
// Documented [C]: single channel mode channel select, multi channel mode channel select for
// strings 1–3. Our copy of the manual has no bytes for strings 4–6 nor for "restore defaults"
// (although it says a single command restores them) [M]: those settings are listed so the user
// sees they exist, and building them is refused — guessed bytes would be written into the
// guitar's memory ("use of any other .syx file will cause overwriting of the internal MidiAxe
// program memories" [C]).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace syx::midifly {

enum class Setting {
    single_channel, // SINGLE CHANNEL MODE, channel number select
    string1_channel,
    string2_channel,
    string3_channel,
    string4_channel,
    string5_channel,
    string6_channel,
    restore_defaults,
};

struct SettingInfo {
    Setting setting;
    std::string_view id;    // stable: "single-channel", "string-1", … "restore-defaults"
    std::string_view label; // "Single channel mode: channel"
    bool takes_channel = true;
    bool documented = false;
    // Why it is unavailable (empty when documented).
    std::string_view reason;
};

// Every setting the manual mentions, documented or not, in the order the Tools page lists them.
[[nodiscard]] std::span<const SettingInfo> settings();
[[nodiscard]] const SettingInfo* find_setting(std::string_view id);

// What is said for every undocumented setting.
inline constexpr std::string_view kNotDocumented =
    "not documented — syxflash will not guess bytes for your instrument";

// Every message is exactly this long [C: bytes 0–23].
inline constexpr std::size_t kMessageBytes = 24;

// The message that sets `setting` to MIDI channel byte `channel` (0x00–0x0F, shown to users as
// channels 1–16). Errors: refused for undocumented settings (kNotDocumented), usage for a
// channel above 0x0F.
[[nodiscard]] Result<std::vector<std::uint8_t>> build_setting_message(Setting setting,
                                                                      std::uint8_t channel);

} // namespace syx::midifly
