#pragma once
// Loopback self-test for a MIDI interface: the user plugs the interface's MIDI OUT into its own
// MIDI IN; we send SysEx messages of random data bytes (00-7F) out, paced as DIN needs, and
// compare what comes back. Cheap interfaces that lose or corrupt long SysEx fail here instead of
// in the middle of a firmware update.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "transport/midi_transport.hpp"
#include "transport/receive_queue.hpp"

namespace syx::engine {

struct LoopbackOptions {
    // 4 KiB in 16 messages of 256 bytes: longer than most settings messages, short enough to
    // finish in about 2 s at DIN speed (4096 × 320 µs = 1.3 s of wire time plus the gaps).
    std::size_t total_bytes = 4096;
    std::size_t message_bytes = 256;
    // Silence after each message's wire time (the interface's buffers may need it).
    std::chrono::milliseconds gap{20};
    // How long to wait for stragglers after the last message's wire time.
    std::chrono::milliseconds settle{1000};
    std::uint64_t seed = 0x5359584600000001ULL;
};

// F0 7D <random 00-7F> F7 messages, total_bytes in all (the last one may be shorter). 7D is the
// "non-commercial / educational" manufacturer ID [confirmed: MIDI 1.0]: no product acts on it.
[[nodiscard]] std::vector<std::vector<std::uint8_t>> loopback_messages(const LoopbackOptions& o);

struct LoopbackReport {
    bool passed = false;
    std::size_t messages_sent = 0;
    std::size_t bytes_sent = 0;
    std::size_t messages_received = 0;
    std::size_t bytes_received = 0;
    std::size_t bytes_lost = 0; // sent but never came back (0 when more came back)
    // The first difference: message k (1-based) and byte j (1-based within that message).
    std::optional<std::size_t> bad_message;
    std::optional<std::size_t> bad_byte;
    std::string summary; // one plain sentence for the user
    std::chrono::milliseconds took{0};
};

// Compares what was sent with the bytes that came back, in arrival order (the backend may have
// delivered a SysEx message in pieces, so `received` is the concatenated stream).
[[nodiscard]] LoopbackReport compare_loopback(const std::vector<std::vector<std::uint8_t>>& sent,
                                              std::span<const std::uint8_t> received);

// Runs the test on a transport opened on the interface's output and input, whose receive
// callback feeds `queue`. Errors only when a send fails.
[[nodiscard]] Result<LoopbackReport> run_loopback_test(transport::MidiTransport& transport,
                                                       transport::ReceiveQueue& queue,
                                                       const LoopbackOptions& options = {});

} // namespace syx::engine
