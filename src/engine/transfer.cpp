#include "engine/transfer.hpp"

#include <algorithm>
#include <thread>

#include <fmt/core.h>

#include "engine/paced_sender.hpp"

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

namespace {

// A message's last chunk has left: the counts, and a progress report.
void count_sent_message(TransferReport& report, TransferProgress& progress,
                        const PlannedSend& planned, std::size_t message_bytes,
                        Clock::time_point start, const TransferOptions& options) {
    report.messages_sent = planned.message_index + 1;
    report.bytes_sent += message_bytes;
    progress.messages_done = report.messages_sent;
    progress.bytes_done = report.bytes_sent;
    progress.elapsed = Clock::now() - start;
    progress.eta = std::max(PacerDuration{0}, report.plan.duration - planned.start);
    if (options.on_progress) {
        options.on_progress(progress);
    }
}

void finish_transfer(TransferReport& report, PacedSender& sender, Clock::time_point start,
                     std::optional<PacerDuration> previous_actual, const TransferOptions& options) {
    // What was handed to the transport must leave this process before we call it sent (JACK
    // queues sends for its process callback); a cancelled transfer waits too, so "sent" in its
    // report stays true.
    if (auto drained = sender.drain(); !drained && !report.error) {
        report.error = drained.error().with_context("finishing the transfer");
    }
    // The transfer is over when the last byte has left the wire and the device's settle time has
    // passed: wait for the rest of the planned duration (not cancellable: it only waits).
    const auto& sends = report.plan.sends;
    if (report.ok() && !sends.empty() && previous_actual) {
        const auto end_offset = std::max<PacerDuration>(
            report.plan.duration, *previous_actual + (report.plan.duration - sends.back().start));
        sleep_until_or_cancel(start + std::chrono::duration_cast<Clock::duration>(end_offset),
                              options, false);
    }
    report.elapsed = Clock::now() - start;
}

} // namespace

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

    PacedSender sender(transport, config.delivery_jitter, options.port_poll_interval,
                       options.drain_timeout);
    const auto start = Clock::now();
    report.started = start;
    std::optional<PacerDuration> previous_actual;
    auto where = [&](const PlannedSend& planned) {
        return planned.chunk_count > 1
                   ? fmt::format("message {} of {} (chunk {} of {})", planned.message_index + 1,
                                 messages.size(), planned.chunk_index + 1, planned.chunk_count)
                   : fmt::format("message {} of {}", planned.message_index + 1, messages.size());
    };

    for (std::size_t i = 0; i < sends.size(); ++i) {
        const PlannedSend& planned = sends[i];
        const bool message_begins = planned.chunk_index == 0;
        // Cancel only between messages: stopping inside one would leave the device holding half
        // a SysEx message.
        if (message_begins && cancelled(options)) {
            report.cancelled = true;
            break;
        }
        if (auto present = sender.check_port(); !present) {
            report.error = present.error().with_context(
                fmt::format("before message {} of {}", planned.message_index + 1, messages.size()));
            break;
        }
        const PacerDuration offset = next_start(report.plan, i, previous_actual);
        if (!sleep_until_or_cancel(start + std::chrono::duration_cast<Clock::duration>(offset),
                                   options, message_begins)) {
            report.cancelled = true;
            break;
        }
        const auto bytes = messages[planned.message_index].subspan(
            static_cast<std::size_t>(planned.offset), static_cast<std::size_t>(planned.length));
        auto sent =
            sender.send(bytes, space_from_departure(report.plan, i, config.delivery_jitter));
        if (!sent) {
            report.error = sent.error().with_context(where(planned));
            break;
        }
        previous_actual = std::chrono::duration_cast<PacerDuration>(sent->space_from - start);
        if (message_begins) {
            report.message_starts.push_back(sent->called);
        }
        if (planned.last_chunk()) {
            count_sent_message(report, progress, planned, messages[planned.message_index].size(),
                               start, options);
        }
    }
    finish_transfer(report, sender, start, previous_actual, options);
    return report;
}

} // namespace syx::engine
