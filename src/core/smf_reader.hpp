#pragma once
// Standard MIDI Files (SMF 1.0, format 0/1/2): every SysEx event becomes one message holding its
// complete F0…F7 bytes, so a .mid and its .syx twin give the same messages and hashes.
//
// From the SMF 1.0 specification:
// - delta-times and lengths are variable-length quantities (7 bits per byte, MSB = "more",
//   at most 4 bytes);
// - "F0 <len> <bytes>" is a SysEx event (the bytes follow the F0 and normally end with F7);
//   a SysEx sent in packets is "F0 <len> <first part>" followed by "F7 <len> <more>" events,
//   the last ending with F7; the message's time is that of its first packet;
// - "F7 <len> <bytes>" outside such a packet sequence is an escape: any bytes sent as they are;
// - "FF <type> <len> <data>" is a meta event (FF 51 03 tttttt sets the tempo in µs per
//   quarter note; FF 2F 00 ends the track); SysEx and meta events cancel running status;
// - channel messages may use running status (status byte omitted when it repeats).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/sysex_file.hpp"

namespace syx {

[[nodiscard]] bool is_standard_midi_file(std::span<const std::uint8_t> bytes); // "MThd"

// Reads a variable-length quantity at `pos` (advanced past it); nullopt when it runs past the
// end or is longer than the 4 bytes the specification allows.
[[nodiscard]] std::optional<std::uint32_t> read_variable_length(std::span<const std::uint8_t> bytes,
                                                                std::size_t& pos);

// Parses `bytes` (an SMF) into `file`: storage, messages (with tick and seconds), findings,
// smf_division. Sets file.format.
void read_standard_midi_file(std::span<const std::uint8_t> bytes, SysexFile& file);

} // namespace syx
