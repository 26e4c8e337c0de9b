#pragma once
// The MODELLED firmware message layout [M].
//
// For the Little Phatty, MIDIFly and Octatrack the real firmware file layout is unknown
// (DEVICES.md: "Firmware file size and message layout: unknown [M]"). The emulators therefore
// accept firmware in this layout, which our test-firmware generator produces. It is an
// invention of ours, labelled so everywhere; it only borrows each vendor's SysEx prefix:
//
//   F0 <prefix…> 7E <index: 2 bytes MSB first> <count: 2 bytes> <version: 4 bytes>
//      <data length: 3 bytes MSB first, 7 bits each> <data…> <checksum> F7
//
// checksum = sum of the data bytes & 0x7F. Index counts 0…count-1. All bytes are 7-bit.
//
// The Prophet-600 is different: its real layout (GliGli firmware) is known, see
// make_prophet600_test_firmware().
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "emulator/device_model.hpp"

namespace syx::emu {

inline constexpr std::uint8_t kModelledFirmwareKind = 0x7E;

struct FirmwareBlock {
    std::uint16_t index = 0;
    std::uint16_t count = 0;
    std::array<std::uint8_t, 4> version{};
    std::span<const std::uint8_t> data;
    bool checksum_ok = false;
};

// Number of bytes before the data: F0 + prefix + kind + 2 + 2 + 4 + 3.
std::size_t modelled_firmware_header_size(std::size_t prefix_size);

Bytes encode_firmware_block(std::span<const std::uint8_t> prefix, std::uint16_t index,
                            std::uint16_t count, const std::array<std::uint8_t, 4>& version,
                            std::span<const std::uint8_t> data);

// nullopt when `message` (F0…F7) is not a modelled firmware block with this prefix, or its
// declared length does not match its size.
std::optional<FirmwareBlock> decode_firmware_block(std::span<const std::uint8_t> message,
                                                   std::span<const std::uint8_t> prefix);

// From the first bytes of a block (header received so far): its total size in bytes, if the
// header is complete and carries this prefix.
std::optional<std::size_t> declared_block_size(std::span<const std::uint8_t> partial,
                                               std::span<const std::uint8_t> prefix);

// Firmware files the emulators accept, for tests, demos and the GUI's simulated mode.
// Unknown device ids give an empty list. Data is a deterministic pseudo-random 7-bit pattern.
std::vector<Bytes> make_test_firmware(std::string_view device_id,
                                      const std::array<std::uint8_t, 4>& version);

// Prophet-600 (GliGli) firmware in its real shape [C: the 2.0992 release file]: `blocks`
// messages of 333 bytes `F0 00 61 16 6B 02 …` and the 8-byte end `F0 00 61 16 6B 00 00 F7`.
std::vector<Bytes> make_prophet600_test_firmware(std::size_t blocks);

} // namespace syx::emu
