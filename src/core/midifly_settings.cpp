#include "core/midifly_settings.hpp"

#include <array>

#include <fmt/core.h>

namespace syx::midifly {

namespace {

constexpr std::string_view kRestoreReason =
    "not documented — syxflash will not guess bytes for your instrument (the manual says one "
    "command restores the defaults, but our copy does not give its bytes)";

constexpr std::array<SettingInfo, 8> kSettings{{
    {Setting::single_channel, "single-channel", "Single channel mode: channel", true, true, {}},
    {Setting::string1_channel, "string-1", "Multi channel mode: string 1 channel", true, true, {}},
    {Setting::string2_channel, "string-2", "Multi channel mode: string 2 channel", true, true, {}},
    {Setting::string3_channel, "string-3", "Multi channel mode: string 3 channel", true, true, {}},
    {Setting::string4_channel, "string-4", "Multi channel mode: string 4 channel", true, false,
     kNotDocumented},
    {Setting::string5_channel, "string-5", "Multi channel mode: string 5 channel", true, false,
     kNotDocumented},
    {Setting::string6_channel, "string-6", "Multi channel mode: string 6 channel", true, false,
     kNotDocumented},
    {Setting::restore_defaults, "restore-defaults", "Restore the default settings", false, false,
     kRestoreReason},
}};

// Bytes 4–21 of each documented message with the channel's position among them, transcribed
// from the manual's byte tables (seeds/, DEVICES.md) [C]. Bytes 0–3 are the preamble
// F0 00 01 25, byte 23 is F7.
struct Layout {
    std::array<std::uint8_t, 19> body; // bytes 4–22, the channel slot left 0
    std::size_t channel_index;         // absolute byte index of the channel
};

// Single channel mode: channel in byte 22 [C].
constexpr Layout kSingle{{0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0A, 0x03,
                          0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
                         22};
// Multi channel mode, strings 1–3: channel in byte 18 [C]. Note bytes 6 and 14 differ between
// the strings (02/02, 02/00, 01/02) — as printed in the manual, not a pattern to extrapolate.
constexpr Layout kString1{{0x21, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x09,
                           0x0D, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
                          18};
constexpr Layout kString2{{0x22, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x09,
                           0x0D, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
                          18};
constexpr Layout kString3{{0x23, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x09,
                           0x0D, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
                          18};

const Layout* layout_of(Setting setting) {
    switch (setting) {
    case Setting::single_channel:
        return &kSingle;
    case Setting::string1_channel:
        return &kString1;
    case Setting::string2_channel:
        return &kString2;
    case Setting::string3_channel:
        return &kString3;
    default:
        return nullptr;
    }
}

} // namespace

std::span<const SettingInfo> settings() {
    return kSettings;
}

const SettingInfo* find_setting(std::string_view id) {
    for (const auto& s : kSettings) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

Result<std::vector<std::uint8_t>> build_setting_message(Setting setting, std::uint8_t channel) {
    const Layout* layout = layout_of(setting);
    if (layout == nullptr) {
        for (const auto& s : kSettings) {
            if (s.setting == setting) {
                return make_error(ErrorCode::refused, fmt::format("{}: {}", s.label, s.reason));
            }
        }
        return make_error(ErrorCode::usage, "unknown MIDIFly setting");
    }
    if (channel > 0x0F) {
        return make_error(
            ErrorCode::usage,
            fmt::format("channel byte {:02X} is outside 00–0F (MIDI channels 1–16)", channel));
    }
    std::vector<std::uint8_t> out{0xF0, 0x00, 0x01, 0x25}; // preamble [C]
    out.insert(out.end(), layout->body.begin(), layout->body.end());
    out[layout->channel_index] = channel;
    out.push_back(0xF7);
    return out;
}

} // namespace syx::midifly
