#pragma once
// Helpers for driving device models in virtual time (no sleeping).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "emulator/device_model.hpp"

namespace syx::emu::test {

using namespace std::chrono_literals;

inline Time ms(std::int64_t n) {
    return std::chrono::milliseconds{n};
}

inline void append(Outputs& to, Outputs from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// Sends `message` in `chunk`-byte pieces at `bytes_per_second`, starting at `start` (as a
// paced sender over DIN would deliver it). Returns the time the last byte arrived.
inline Time send_paced(DeviceModel& model, std::span<const std::uint8_t> message, Time start,
                       double bytes_per_second, std::size_t chunk, Outputs* out = nullptr) {
    Time t = start;
    for (std::size_t i = 0; i < message.size(); i += chunk) {
        const auto n = std::min(chunk, message.size() - i);
        auto produced = model.on_message(message.subspan(i, n), t);
        if (out != nullptr) {
            append(*out, std::move(produced));
        }
        if (i + n < message.size()) {
            t += Time{static_cast<Time::rep>(static_cast<double>(n) * 1e6 / bytes_per_second)};
        }
    }
    return t;
}

// Sends whole messages with `gap` of silence between one F7 and the next F0 at the device.
inline Time send_with_gaps(DeviceModel& model, const std::vector<Bytes>& messages, Time start,
                           Time gap, Outputs* out = nullptr) {
    Time t = start;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        auto produced = model.on_message(messages[i], t);
        if (out != nullptr) {
            append(*out, std::move(produced));
        }
        if (i + 1 < messages.size()) {
            t += gap;
        }
    }
    return t;
}

inline Bytes identity_request() {
    return {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
}

} // namespace syx::emu::test
