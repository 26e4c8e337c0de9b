#pragma once
// Fault specifications for the emulators (`--fault SPEC`, repeatable). Parsing is pure and total:
// any input yields either a FaultSpec or an Error that says what is wrong (fuzzed by
// fuzz/fault_spec_fuzz.cpp).
//
//   unplug-at=P%[,reappear-as=bootloader]  the port vanishes after P % of the transfer
//   unplug-at=N                            … after N bytes
//   power-loss-at=P% | N                   power lost and restored: the device restarts into
//                                          its recovery/bootloader state
//   drop-above-rate=B                      bytes arriving faster than B bytes/s are lost
//   corrupt-message=N                      one data byte of the N-th message (1-based) flipped
//   no-reply                               the device never answers
//   nak-message=N                          the N-th message is refused with a NAK
//   slow-reply=MS                          every answer comes MS milliseconds late
//   wrong-device                           another device model answers on this port
//   one-way-cable                          only the device's MIDI input is cabled: the host
//                                          sees an output port and no input port for it
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace syx::emu {

enum class FaultKind {
    unplug_at,
    power_loss_at,
    drop_above_rate,
    corrupt_message,
    no_reply,
    nak_message,
    slow_reply,
    wrong_device,
    one_way_cable,
};

const char* to_string(FaultKind kind); // "unplug-at", …

struct FaultSpec {
    FaultKind kind = FaultKind::no_reply;
    // unplug-at / power-loss-at: either a percentage (0–100] of the transfer or a byte count.
    bool is_percent = false;
    double percent = 0.0;
    std::uint64_t bytes = 0;
    // unplug-at: the port comes back with the device in its bootloader/recovery state.
    bool reappear_as_bootloader = false;
    // drop-above-rate: bytes per second; corrupt-message / nak-message: 1-based message number.
    std::uint64_t number = 0;
    // slow-reply
    std::chrono::milliseconds delay{0};
};

// Parses one SPEC as given to --fault.
[[nodiscard]] Result<FaultSpec> parse_fault_spec(std::string_view text);
// Parses every spec; the first bad one is the error (prefixed with its text).
[[nodiscard]] Result<std::vector<FaultSpec>>
parse_fault_specs(const std::vector<std::string>& texts);
// Canonical text (parse_fault_spec(to_string(spec)) gives spec back).
[[nodiscard]] std::string to_string(const FaultSpec& spec);
// One line per fault kind, for --help.
[[nodiscard]] std::string fault_spec_help();

} // namespace syx::emu
