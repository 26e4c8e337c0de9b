#include "core/pacer.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/core.h>

namespace syx {

namespace {

// When a rate is known but neither the manifest nor the backend asks for a chunk size, long
// messages still go out in pieces paced at the rate, so a USB-MIDI interface's small buffer
// (often a few hundred bytes on cheap cables) is never handed kilobytes at once. 255 bytes is
// 85 full USB-MIDI SysEx packets and ~82 ms of DIN wire time.
constexpr std::size_t kRateChunkBytes = 255;

std::size_t round_down_to_packets(std::size_t bytes) {
    const std::size_t packets = bytes / kUsbMidiSysexBytesPerPacket;
    return std::max<std::size_t>(packets, 1) * kUsbMidiSysexBytesPerPacket;
}

} // namespace

std::optional<std::uint32_t> effective_bytes_per_second(Link link, const PacingRules& rules) {
    std::optional<std::uint32_t> rate = rules.max_bytes_per_second;
    if (rate && *rate == 0) {
        rate.reset();
    }
    if (link == Link::din) {
        rate = rate ? std::min(*rate, kDinBytesPerSecond) : kDinBytesPerSecond;
    }
    return rate;
}

PacerDuration wire_time(std::uint64_t bytes, std::optional<std::uint32_t> rate) {
    if (!rate || *rate == 0) {
        return PacerDuration{0};
    }
    if (*rate == kDinBytesPerSecond) {
        // Exact: 320 µs per byte.
        return std::chrono::microseconds{bytes * kDinMicrosecondsPerByte};
    }
    // Round up so we never assume the link is faster than it is.
    const std::uint64_t ns = (bytes * 1'000'000'000ULL + *rate - 1) / *rate;
    return PacerDuration{static_cast<PacerDuration::rep>(ns)};
}

PacerDuration usb_delivery_time(std::uint64_t bytes) {
    return wire_time(bytes, kUsbFullSpeedMidiSysexBytesPerSecond); // rounded up
}

PacerDuration wire_time(std::uint64_t bytes, Link link, const PacingRules& rules) {
    return wire_time(bytes, effective_bytes_per_second(link, rules));
}

std::size_t chunk_size_for(const PacerConfig& config) {
    // The manifest's chunk size knows the device best; otherwise, with a rate to respect, small
    // pieces paced at that rate; and never more than the backend carries.
    std::optional<std::size_t> limit;
    if (config.rules.chunk_bytes > 0) {
        limit = config.rules.chunk_bytes;
    } else if (effective_bytes_per_second(config.link, config.rules)) {
        limit = kRateChunkBytes;
    }
    if (config.backend_max_message_bytes) {
        limit = limit ? std::min(*limit, *config.backend_max_message_bytes)
                      : *config.backend_max_message_bytes;
    }
    if (!limit) {
        return 0;
    }
    return round_down_to_packets(*limit);
}

Result<PacingPlan> make_pacing_plan(std::span<const std::uint64_t> message_lengths,
                                    const PacerConfig& config,
                                    std::span<const std::optional<double>> smf_seconds) {
    if (config.use_smf_times && !smf_seconds.empty() &&
        smf_seconds.size() != message_lengths.size()) {
        return make_error(ErrorCode::internal, "pacing plan: SMF times do not match the messages");
    }
    const auto rate = effective_bytes_per_second(config.link, config.rules);
    const std::size_t chunk = chunk_size_for(config);
    const PacerDuration gap = config.rules.gap_after_message;
    const PacerDuration margin = config.delivery_jitter;
    // Chunks of one message follow each other at the byte rate; with no rate they are spaced by
    // the delivery jitter so the backend's buffer (JACK: drained once per period) empties between
    // them.
    const PacerDuration chunk_spacing_without_rate = config.delivery_jitter;

    PacingPlan plan;
    plan.message_count = message_lengths.size();
    const PacerDuration settle_before = config.rules.settle_before_first;
    PacerDuration next_earliest = settle_before;
    plan.floor = settle_before;
    // The previous message that carried an SMF time: its time and its planned start.
    std::optional<std::pair<double, PacerDuration>> previous_smf;
    bool split_any = false;

    for (std::size_t i = 0; i < message_lengths.size(); ++i) {
        const std::uint64_t length = message_lengths[i];
        plan.total_bytes += length;
        PacerDuration start = next_earliest;
        if (config.use_smf_times && i < smf_seconds.size() && smf_seconds[i]) {
            // Never closer to the previous timed message than the file spaces them, even when
            // the gap rule pushed that one later than its own time (a shifted timeline would
            // squeeze the file's next interval).
            if (previous_smf) {
                const double interval_s = std::max(0.0, *smf_seconds[i] - previous_smf->first);
                start = std::max(start, previous_smf->second +
                                            PacerDuration{static_cast<PacerDuration::rep>(
                                                std::llround(interval_s * 1e9))});
            }
            previous_smf = std::make_pair(*smf_seconds[i], start);
        }

        const bool too_big_for_backend =
            config.backend_max_message_bytes && length > *config.backend_max_message_bytes;
        const bool split = chunk > 0 && length > chunk;
        if (too_big_for_backend && (!config.allow_chunking || chunk == 0)) {
            return make_error(
                ErrorCode::refused,
                fmt::format("message {} of {} is {} bytes but this MIDI backend carries at most {} "
                            "bytes per message and the device must receive it in one piece; use "
                            "another --api (e.g. alsa) or a port without that limit",
                            i + 1, message_lengths.size(), length,
                            *config.backend_max_message_bytes));
        }
        if (split && config.allow_chunking) {
            split_any = true;
            const std::size_t count = static_cast<std::size_t>((length + chunk - 1) / chunk);
            for (std::size_t c = 0; c < count; ++c) {
                PlannedSend send;
                send.message_index = i;
                send.chunk_index = c;
                send.chunk_count = count;
                send.offset = static_cast<std::uint64_t>(c) * chunk;
                send.length = std::min<std::uint64_t>(chunk, length - send.offset);
                send.start =
                    rate ? start + wire_time(send.offset, rate)
                         : start + chunk_spacing_without_rate * static_cast<PacerDuration::rep>(c);
                plan.sends.push_back(send);
            }
        } else {
            PlannedSend send;
            send.message_index = i;
            send.length = length;
            send.start = start;
            plan.sends.push_back(send);
        }

        // On USB without a cap the message still takes its delivery time to reach the device's
        // input.
        const PacerDuration wire =
            rate || config.link != Link::usb ? wire_time(length, rate) : usb_delivery_time(length);
        const PacerDuration occupied = std::max(wire, plan.sends.back().start - start);
        plan.floor += wire;
        if (i + 1 < message_lengths.size()) {
            plan.floor += gap;
            next_earliest = start + occupied + gap + margin;
        } else {
            plan.duration = start + occupied;
        }
    }
    if (!message_lengths.empty()) {
        plan.duration += config.rules.settle_after_last;
    }
    plan.floor +=
        message_lengths.empty() ? PacerDuration{0} : PacerDuration{config.rules.settle_after_last};
    plan.chunk_size = split_any ? chunk : 0;
    return plan;
}

PacerDuration next_start(const PacingPlan& plan, std::size_t index,
                         std::optional<PacerDuration> actual_previous_start) {
    const PacerDuration planned = plan.sends.at(index).start;
    if (index == 0 || !actual_previous_start) {
        return planned;
    }
    const PacerDuration spacing = planned - plan.sends[index - 1].start;
    return std::max(planned, *actual_previous_start + spacing);
}

bool space_from_departure(const PacingPlan& plan, std::size_t index,
                          PacerDuration delivery_jitter) {
    const PlannedSend& planned = plan.sends.at(index);
    if (!planned.last_chunk()) {
        return false;
    }
    if (index + 1 == plan.sends.size()) {
        return true;
    }
    return plan.sends[index + 1].start - planned.start > 2 * delivery_jitter;
}

} // namespace syx
