#pragma once
// What a device needs at its MIDI input (DESIGN.md §6). Manifests fill this in per link; the
// pacer (core/pacer.hpp) turns it into absolute send deadlines.
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/link.hpp"

namespace syx {

struct PacingRules {
    // Minimum silence at the device's input between one message's F7 and the next F0.
    std::chrono::milliseconds gap_after_message{0};
    // Byte-rate cap for this link; nullopt = no cap beyond the wire (DIN is always ≤ 3125 B/s).
    std::optional<std::uint32_t> max_bytes_per_second;
    // Split messages longer than this into chunks sent at the byte rate (0 = never split unless
    // the backend needs it). For USB-MIDI a multiple of 3.
    std::uint32_t chunk_bytes = 0;
    // Wait after entering the bootloader / before the first message.
    std::chrono::milliseconds settle_before_first{0};
    // Wait after the last message before expecting the device to answer or restart.
    std::chrono::milliseconds settle_after_last{0};
};

} // namespace syx
