#pragma once
// The transfer worker: pumps a pacing plan (core/pacer.hpp) over a MidiTransport. It owns the
// sleeping: absolute deadlines on the steady clock (sleep_until, no drift), never closer to the
// previous send than planned (a late wake-up pushes the rest back instead of squeezing a gap),
// cancellation between messages and progress. Each send, the port polling and the spacing from
// a message's actual departure are the one paced sender's (engine/paced_sender.hpp), which the
// session runner (firmware, restores) uses too.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/pacer.hpp"
#include "core/result.hpp"
#include "transport/midi_transport.hpp"

namespace syx::engine {

struct TransferProgress {
    std::size_t messages_done = 0;
    std::size_t message_count = 0;
    std::uint64_t bytes_done = 0;
    std::uint64_t total_bytes = 0;
    std::chrono::nanoseconds elapsed{0};
    std::chrono::nanoseconds eta{0}; // remaining, from the plan
};

struct TransferOptions {
    // Link, rules and SMF choice. backend_max_message_bytes and delivery_jitter are filled in
    // from the transport when left empty/zero.
    PacerConfig pacer;
    // Extra margin on top of the transport's delivery jitter (scheduler wake-up latency).
    std::chrono::microseconds extra_margin{1000};
    // How often the port list is polled during a transfer.
    std::chrono::milliseconds port_poll_interval{500};
    // How long the transport may take to hand its queued sends on after the last one.
    std::chrono::milliseconds drain_timeout{2000};
    // Set from another thread or a signal handler to stop between messages.
    const std::atomic<bool>* cancel = nullptr;
    // Called on the worker thread after every complete message (and once at the start).
    std::function<void(const TransferProgress&)> on_progress;
};

struct TransferReport {
    PacingPlan plan;
    std::size_t messages_sent = 0; // complete messages
    std::uint64_t bytes_sent = 0;
    bool cancelled = false;
    std::optional<Error>
        error; // set when it failed part-way (nothing after messages_sent was sent)
    std::chrono::nanoseconds elapsed{0};
    // When each complete message's first byte was handed to the transport.
    std::vector<transport::TimePoint> message_starts;
    transport::TimePoint started;
    [[nodiscard]] bool ok() const { return !cancelled && !error; }
};

// Plans without sending (for ETA display and for `--dry-run`-style checks). Fills the
// transport-dependent fields of the pacer config as send_messages would.
[[nodiscard]] PacerConfig effective_pacer_config(const transport::MidiTransport& transport,
                                                 const TransferOptions& options);

// Sends every message (each a complete F0…F7) paced by the plan. `smf_seconds` is optional.
// Returns a report; a plan the backend cannot carry is returned as an error before anything is
// sent.
[[nodiscard]] Result<TransferReport> send_messages(
    transport::MidiTransport& transport, const std::vector<std::span<const std::uint8_t>>& messages,
    const TransferOptions& options, std::span<const std::optional<double>> smf_seconds = {});

} // namespace syx::engine
