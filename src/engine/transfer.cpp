#include "engine/transfer.hpp"

#include <algorithm>
#include <thread>

#include <fmt/core.h>

namespace syx::engine {

using transport::Clock;

namespace {

bool cancelled(const TransferOptions& options) {
    return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
}

// Sleeps until the deadline in slices, so a cancel request is seen within ~20 ms.
// Returns false when cancelled.
bool sleep_until_or_cancel(Clock::time_point deadline, const TransferOptions& options,
                           bool cancellable) {
    constexpr auto kSlice = std::chrono::milliseconds(20);
    while (true) {
        const auto now = Clock::now();
        if (now >= deadline) {
            return true;
        }
        if (cancellable && cancelled(options)) {
            return false;
        }
        std::this_thread::sleep_until(std::min(deadline, now + kSlice));
    }
}

} // namespace

PacerConfig effective_pacer_config(const transport::MidiTransport& transport,
                                   const TransferOptions& options) {
    PacerConfig config = options.pacer;
    if (const auto max = transport.max_send_bytes()) {
        config.backend_max_message_bytes = config.backend_max_message_bytes
                                               ? std::min(*config.backend_max_message_bytes, *max)
                                               : *max;
    }
    if (config.delivery_jitter == PacerDuration{0}) {
        config.delivery_jitter = transport.delivery_jitter() + options.extra_margin;
    }
    return config;
}

Result<TransferReport> send_messages(transport::MidiTransport& transport,
                                     const std::vector<std::span<const std::uint8_t>>& messages,
                                     const TransferOptions& options,
                                     std::span<const std::optional<double>> smf_seconds) {
    std::vector<std::uint64_t> lengths;
    lengths.reserve(messages.size());
    for (const auto& m : messages) {
        lengths.push_back(m.size());
    }
    const PacerConfig config = effective_pacer_config(transport, options);
    auto plan = make_pacing_plan(lengths, config, smf_seconds);
    if (!plan) {
        return plan.error();
    }

    TransferReport report;
    report.plan = std::move(*plan);
    const auto& sends = report.plan.sends;
    TransferProgress progress;
    progress.message_count = messages.size();
    progress.total_bytes = report.plan.total_bytes;
    progress.eta = report.plan.duration;
    if (options.on_progress) {
        options.on_progress(progress);
    }

    const auto start = Clock::now();
    report.started = start;
    auto last_poll = start;
    std::optional<PacerDuration> previous_actual;

    for (std::size_t i = 0; i < sends.size(); ++i) {
        const PlannedSend& planned = sends[i];
        const bool message_begins = planned.chunk_index == 0;
        // Cancel only between messages: stopping inside one would leave the device holding half
        // a SysEx message.
        if (message_begins && cancelled(options)) {
            report.cancelled = true;
            break;
        }
        const PacerDuration offset = next_start(report.plan, i, previous_actual);
        const auto deadline = start + std::chrono::duration_cast<Clock::duration>(offset);
        // Poll the port list while we have time to spare before the deadline.
        if (Clock::now() - last_poll >= options.port_poll_interval) {
            last_poll = Clock::now();
            if (auto present = transport.ports_still_present(); !present) {
                report.error = present.error().with_context(fmt::format(
                    "before message {} of {}", planned.message_index + 1, messages.size()));
                break;
            }
        }
        if (!sleep_until_or_cancel(deadline, options, message_begins)) {
            report.cancelled = true;
            break;
        }
        const auto actual = Clock::now();
        previous_actual = std::chrono::duration_cast<PacerDuration>(actual - start);
        const auto bytes = messages[planned.message_index].subspan(
            static_cast<std::size_t>(planned.offset), static_cast<std::size_t>(planned.length));
        if (auto sent = transport.send(bytes); !sent) {
            report.error = sent.error().with_context(
                planned.chunk_count > 1
                    ? fmt::format("message {} of {} (chunk {} of {})", planned.message_index + 1,
                                  messages.size(), planned.chunk_index + 1, planned.chunk_count)
                    : fmt::format("message {} of {}", planned.message_index + 1, messages.size()));
            break;
        }
        if (message_begins) {
            report.message_starts.push_back(actual);
        }
        // Where the next message is spaced from this one, see when this one actually left: a
        // backend thread that ran late (a JACK client starved of CPU) delivers it late, and the
        // next message must keep its gap from that delivery, not from our send call. A departure
        // within the transport's jitter is already covered by the pacer's margin.
        if (planned.last_chunk() && i + 1 < sends.size() &&
            sends[i + 1].start - planned.start > 2 * config.delivery_jitter) {
            auto departed = transport.wait_until_sent(options.drain_timeout);
            if (!departed) {
                report.error = departed.error().with_context(
                    fmt::format("message {} of {}", planned.message_index + 1, messages.size()));
                break;
            }
            const auto late = std::chrono::duration_cast<PacerDuration>(
                *departed - start -
                std::chrono::duration_cast<Clock::duration>(config.delivery_jitter));
            previous_actual = std::max(*previous_actual, late);
        }
        if (planned.last_chunk()) {
            report.messages_sent = planned.message_index + 1;
            report.bytes_sent += messages[planned.message_index].size();
            progress.messages_done = report.messages_sent;
            progress.bytes_done = report.bytes_sent;
            progress.elapsed = Clock::now() - start;
            progress.eta = std::max(PacerDuration{0}, report.plan.duration - planned.start);
            if (options.on_progress) {
                options.on_progress(progress);
            }
        }
    }
    // What was handed to the transport must leave this process before we call it sent (JACK
    // queues sends for its process callback); a cancelled transfer waits too, so "sent" in its
    // report stays true.
    if (!report.message_starts.empty()) {
        if (auto departed = transport.wait_until_sent(options.drain_timeout);
            !departed && !report.error) {
            report.error = departed.error().with_context("finishing the transfer");
        }
    }
    // The transfer is over when the last byte has left the wire and the device's settle time has
    // passed: wait for the rest of the planned duration (not cancellable: it only waits).
    if (report.ok() && !sends.empty()) {
        const auto end_offset = std::max<PacerDuration>(
            report.plan.duration, *previous_actual + (report.plan.duration - sends.back().start));
        sleep_until_or_cancel(start + std::chrono::duration_cast<Clock::duration>(end_offset),
                              options, false);
    }
    report.elapsed = Clock::now() - start;
    return report;
}

} // namespace syx::engine
