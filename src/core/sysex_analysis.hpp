#pragma once
// What a single SysEx message is: its manufacturer, its Universal SysEx kind, and — where the
// message format is known — whether its checksum is right.
//
// Checksums verified (the rules as the makers' manuals state them):
// - Roland DT1 (command 12) and RQ1 (11): F0 41 <dev> <model…> <cmd> <address…> <data|size…>
//   <cs> F7. The checksum makes the sum of address, data/size and checksum bytes a multiple of
//   128 (cs = 128 − (sum mod 128), 0 when the sum is already a multiple). Model IDs are one byte,
//   or longer with leading 00 bytes (e.g. 00 00 3B).
// - Yamaha bulk dumps: F0 43 0n <format> <count MSB> <count LSB> <count data bytes> <cs> F7
//   (count = MSB × 128 + LSB). cs is the 7-bit two's complement of the data bytes' sum, so
//   (sum of data + cs) mod 128 = 0. Checked only when the byte count matches the length.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/manufacturer_ids.hpp"

namespace syx {

enum class ChecksumKind { roland, yamaha_bulk };

const char* to_string(ChecksumKind kind); // "roland" | "yamaha-bulk"

struct ChecksumCheck {
    ChecksumKind kind = ChecksumKind::roland;
    bool ok = false;
    std::uint8_t expected = 0;  // what the checksum byte should be
    std::uint8_t found = 0;     // what it is
    std::uint64_t position = 0; // index of the checksum byte in the message
};

struct MessageAnalysis {
    std::optional<ManufacturerId> manufacturer;
    const char* manufacturer_name = nullptr;   // registered name, when known
    std::optional<std::string> universal_kind; // e.g. "Identity Reply", when 7E/7F
    std::optional<ChecksumCheck> checksum;
};

[[nodiscard]] std::optional<ChecksumCheck>
check_roland_checksum(std::span<const std::uint8_t> message);
[[nodiscard]] std::optional<ChecksumCheck>
check_yamaha_bulk_checksum(std::span<const std::uint8_t> message);
// "Identity Request", "General MIDI System On", … or a generic "Universal Non-Real Time
// (sub-ID 0A 01)" for ones without a name here; nullopt when not a Universal SysEx.
[[nodiscard]] std::optional<std::string>
universal_sysex_kind(std::span<const std::uint8_t> message);

[[nodiscard]] MessageAnalysis analyze_message(std::span<const std::uint8_t> message);

} // namespace syx
