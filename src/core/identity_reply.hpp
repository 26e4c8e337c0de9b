#pragma once
// MIDI Universal Identity Request / Reply (MIDI 1.0 Detailed Specification, General Information
// sub-IDs 06 01 / 06 02) [confirmed]:
//   request  F0 7E <dev> 06 01 F7            (dev 7F = "all call")
//   reply    F0 7E <dev> 06 02 <manufacturer: 1 byte, or 00 + 2 bytes> <family LSB MSB>
//            <member LSB MSB> <version: 4 bytes> F7
// Devices deviate: the M-Audio Code sends a 15-byte reply with a 3-byte manufacturer ID, two bytes
// shorter than the standard layout [reported: DEVICES.md]. We parse tolerantly — fields present
// are filled in order, fields missing stay empty — and never invent the missing bytes.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace syx {

inline constexpr std::uint8_t kIdentityAllCall = 0x7F;

// F0 7E <device_id> 06 01 F7
[[nodiscard]] std::array<std::uint8_t, 6>
identity_request(std::uint8_t device_id = kIdentityAllCall);

struct IdentityReply {
    std::uint8_t device_id = 0;
    std::vector<std::uint8_t> manufacturer;            // 1 byte, or 3 bytes starting with 00
    std::optional<std::array<std::uint8_t, 2>> family; // LSB, MSB as sent
    std::optional<std::array<std::uint8_t, 2>> member; // LSB, MSB as sent
    std::vector<std::uint8_t> version;                 // as many of the 4 bytes as were sent
    std::vector<std::uint8_t> extra;                   // bytes after the standard layout, if any
    std::vector<std::uint8_t> raw;                     // the whole reply, F0…F7
    bool standard_layout = false;                      // exactly the length the spec's layout needs
    std::string note;                                  // why it is not standard, for the user

    // 14-bit values (LSB + MSB·128), when present.
    [[nodiscard]] std::optional<std::uint16_t> family_code() const;
    [[nodiscard]] std::optional<std::uint16_t> member_code() const;
};

// True for F0 7E xx 06 02 … F7 (any length), i.e. something worth handing to the parser.
[[nodiscard]] bool is_identity_reply(std::span<const std::uint8_t> message);

// Parses a reply. Errors only when the bytes are not an identity reply at all (wrong header, no
// F7, too short to hold a manufacturer ID, a data byte ≥ 0x80).
[[nodiscard]] Result<IdentityReply> parse_identity_reply(std::span<const std::uint8_t> message);

// "04" or "00 01 05"

} // namespace syx
