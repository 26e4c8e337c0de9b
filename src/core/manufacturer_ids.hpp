#pragma once
// SysEx manufacturer IDs (MIDI 1.0: one byte 01–7C, or 00 followed by two bytes) and the
// registered names of the makers syxflash users meet most. Only names we are sure of are listed;
// an unknown ID is shown as hex, which is always correct.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace syx {

struct ManufacturerId {
    std::array<std::uint8_t, 3> bytes{};
    std::uint8_t size = 0; // 1 or 3

    [[nodiscard]] std::string hex() const; // "41", "00 20 29"
    friend bool operator==(const ManufacturerId&, const ManufacturerId&) = default;
};

// The ID of a message starting with F0 (nullopt when too short, or byte 1 is not a data byte).
[[nodiscard]] std::optional<ManufacturerId>
manufacturer_id_of(std::span<const std::uint8_t> message);

// Registered name, or nullptr when we do not know it. 7D, 7E and 7F are the special IDs
// (non-commercial, Universal Non-Real Time, Universal Real Time).
[[nodiscard]] const char* manufacturer_name(const ManufacturerId& id);

} // namespace syx
