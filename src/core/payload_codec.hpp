#pragma once
// Payload encodings of SysEx firmware loaders (firmware-manifests/README.md "Firmware grammar"):
// how 8-bit data travels in 7-bit SysEx data bytes. Pure functions, both directions, so the
// validator decodes with the same rules a test or the emulator encodes with.
//
//   raw7       one data byte per wire byte (the data must already be 7-bit)
//   nibbles    two wire bytes per data byte, 00–0F each, high nibble first or low nibble first
//              (Mutable Instruments bootloaders: high first)
//   groups     N data bytes → their N low-7-bit parts and one byte of their high bits, the high-bit
//              byte before or after the group, data byte 0's bit in bit 0 or in bit N-1
//              (GliGli Prophet-600: 4 in 5, after, bit 0; the common "7 in 8": 7, before, bit 0)
//   bitstream7 the data as one MSB-first bit stream cut into 7-bit bytes; the unused low bits of
//              the last wire byte are padding, not data (Novation Launchpad, MIDIbox MIOS8)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace syx {

enum class PayloadEncoding { raw7, nibbles, groups, bitstream7 };

struct PayloadCodec {
    PayloadEncoding encoding = PayloadEncoding::raw7;
    bool high_nibble_first = true;     // nibbles
    std::size_t group_bytes = 7;       // groups: data bytes per group (1..7)
    bool high_bits_before = true;      // groups: the high-bit byte precedes its group
    bool first_byte_in_low_bit = true; // groups: data byte 0's MSB is bit 0 (else bit N-1)

    // Wire bytes that carry `data_bytes` data bytes.
    [[nodiscard]] std::size_t wire_size(std::size_t data_bytes) const;
    // Data bytes carried by `wire_bytes` wire bytes, nullopt when no data length encodes to
    // exactly that many (e.g. an odd count of nibbles).
    [[nodiscard]] std::optional<std::size_t> data_size(std::size_t wire_bytes) const;
    [[nodiscard]] std::vector<std::uint8_t> encode(std::span<const std::uint8_t> data) const;
    // "raw 7-bit", "nibbles, high first", "4 in 5 (high bits after, byte 0 in bit 0)", …
    [[nodiscard]] std::string describe() const;
};

struct DecodeProblem {
    std::size_t wire_index = 0; // first wire byte concerned, within the encoded payload
    std::string text;
};

struct Decoded {
    std::vector<std::uint8_t> data;
    std::optional<DecodeProblem> problem; // set: `data` is what could be decoded up to it
};

// Decodes `wire` (whole encoded payload). Problems: a byte ≥ 0x80, a nibble byte above 0F, a
// raw7 byte that is a data byte ≥ 0x80 cannot happen, a length no data length encodes to.
[[nodiscard]] Decoded decode_payload(const PayloadCodec& codec, std::span<const std::uint8_t> wire);

std::optional<PayloadEncoding> parse_payload_encoding(std::string_view text);
const char* to_string(PayloadEncoding encoding); // "raw7" | "nibbles" | "groups" | "bitstream7"

} // namespace syx
