#pragma once
// The pacer (DESIGN.md §6): pure arithmetic that turns message sizes and a device's pacing rules
// into a plan of sends at offsets from the transfer's start. No clocks here: the engine maps
// offsets onto absolute deadlines and sleeps; tests run it in virtual time.
//
// The device needs its gap *at its input*, not at our send() call, so
//   start(next) = max(start(prev) + wire_time(prev) + gap + margin,   // the gap rule
//                     byte-rate budget,                                 // never above the rate
//                     SMF time of next, when asked)                     // the file's own timing
// with wire_time = bytes × 320 µs on DIN (31 250 baud, 10 bits per byte), bytes / rate on USB
// when the manifest caps the rate, and otherwise on USB the message's delivery time
// (usb_delivery_time). The margin is the backend's delivery jitter: a JACK server delivers MIDI
// once per period (256 frames at 48 kHz ≈ 5.33 ms), so a message may land up to one period later
// than sent; without the margin the gap seen by the receiver can shrink by that much.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/link.hpp"
#include "core/pacing_rules.hpp"
#include "core/result.hpp"

namespace syx {

// Offsets from the start of a transfer (virtual time).
using PacerDuration = std::chrono::nanoseconds;

struct PacerConfig {
    Link link = Link::usb;
    PacingRules rules;
    // Largest buffer the backend carries in one send (the JACK backend: under 16 KiB); nullopt =
    // none.
    std::optional<std::size_t> backend_max_message_bytes;
    // The backend's delivery jitter, added to every inter-message gap as margin.
    PacerDuration delivery_jitter{0};
    // When false, a message larger than the backend limit is refused instead of chunked
    // (for devices that must receive each message in one piece). Chunks of a SysEx message are
    // still one message on the wire, so chunking is the default.
    bool allow_chunking = true;
    // Keep the SMF timing (SysexMessage::seconds): each message starts no sooner after the
    // previous timed one than the file's interval between them. Firmware sessions always do
    // (a .mid firmware keeps its timing); `send` when the user asks. The pacing rules still
    // apply: the file can slow a transfer down, never speed it up.
    bool use_smf_times = false;
};

// One call to send(): a whole message or a chunk of one.
struct PlannedSend {
    std::size_t message_index = 0;
    std::size_t chunk_index = 0;
    std::size_t chunk_count = 1;
    std::uint64_t offset = 0; // within the message
    std::uint64_t length = 0;
    PacerDuration start{0}; // earliest start, from the transfer's start
    [[nodiscard]] bool last_chunk() const { return chunk_index + 1 == chunk_count; }
};

struct PacingPlan {
    std::vector<PlannedSend> sends;
    // When the last byte has reached the device plus settle_after_last: the ETA of the transfer.
    PacerDuration duration{0};
    // The floor: the sum of the required gaps, settle times and wire times with no margin — what
    // a perfect transport would need. duration / floor is the pacing cost (target ≤ 1.05).
    PacerDuration floor{0};
    std::uint64_t total_bytes = 0;
    std::size_t message_count = 0;
    std::size_t chunk_size = 0; // 0 = no message was split
};

// Bytes per second the link carries for these rules (DIN: at most 3125); nullopt = not limited.
[[nodiscard]] std::optional<std::uint32_t> effective_bytes_per_second(Link link,
                                                                      const PacingRules& rules);
// How long `bytes` occupy the link at that rate (0 when not limited).
[[nodiscard]] PacerDuration wire_time(std::uint64_t bytes, std::optional<std::uint32_t> rate);
[[nodiscard]] PacerDuration wire_time(std::uint64_t bytes, Link link, const PacingRules& rules);
// How long a message of `bytes` takes at least to reach a full-speed USB-MIDI device: the bus's
// most SysEx bytes per second (kUsbFullSpeedMidiSysexBytesPerSecond); a 44-byte Launchpad block
// takes 48.2 µs. The device's input sees the F7 only then, so on USB without a byte-rate cap the
// pacer counts this before the gap (otherwise a 1 ms gap is about 1 ms minus this at the device).
[[nodiscard]] PacerDuration usb_delivery_time(std::uint64_t bytes);

// The chunk size used for long messages, or 0 when no message needs splitting for this config.
// A multiple of 3 so each chunk fills whole USB-MIDI SysEx packets.
[[nodiscard]] std::size_t chunk_size_for(const PacerConfig& config);

// Plans the transfer of messages with these lengths. `smf_seconds` (optional, same length as
// `message_lengths`) carries SysexMessage::seconds. Errors: a message the backend cannot carry
// while chunking is not allowed, or mismatched inputs — never a silently dropped message.
[[nodiscard]] Result<PacingPlan>
make_pacing_plan(std::span<const std::uint64_t> message_lengths, const PacerConfig& config,
                 std::span<const std::optional<double>> smf_seconds = {});

// Where send `index` may start given when the previous send actually started: the planned offset
// (absolute deadlines, no drift), but never closer to the previous send than planned, so a late
// send (scheduler hiccup) pushes the rest back instead of squeezing a gap.
[[nodiscard]] PacerDuration next_start(const PacingPlan& plan, std::size_t index,
                                       std::optional<PacerDuration> actual_previous_start);

// Whether the engine must learn when send `index` actually left (MidiTransport::wait_until_sent)
// before it spaces the next send from it: at the end of a message followed by a planned spacing
// longer than twice the delivery jitter (a shorter spacing is already covered by the pacer's
// margin; waiting would only slow a dense transfer), and at the end of the last message (the
// settle time, and the "sent" count, start when it has left). The engine's paced sender applies it.
[[nodiscard]] bool space_from_departure(const PacingPlan& plan, std::size_t index,
                                        PacerDuration delivery_jitter);

} // namespace syx
