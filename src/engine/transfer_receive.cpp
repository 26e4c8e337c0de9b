#include "engine/transfer_receive.hpp"

#include <fmt/core.h>

namespace syx::engine {

using transport::Clock;

void SysexAssembler::feed(std::span<const std::uint8_t> bytes, transport::TimePoint arrival) {
    bool counted_other = false;
    for (std::uint8_t b : bytes) {
        if (b >= 0xF8) {
            continue; // realtime: never part of, never ending, a SysEx message
        }
        if (b == 0xF0) {
            if (m_in_sysex) {
                truncated.push_back({m_current.size(), "a new F0 arrived before its F7"});
            }
            m_in_sysex = true;
            m_current.assign(1, b);
            m_first = arrival;
            continue;
        }
        if (!m_in_sysex) {
            if (b >= 0x80 && !counted_other) {
                ++other_messages;
                counted_other = true;
            }
            continue;
        }
        if (b == 0xF7) {
            m_current.push_back(b);
            complete.push_back(ReceivedSysex{std::move(m_current), m_first, arrival});
            m_current.clear();
            m_in_sysex = false;
            continue;
        }
        if (b >= 0x80) {
            truncated.push_back(
                {m_current.size(), fmt::format("status byte {:02X} arrived before its F7", b)});
            m_current.clear();
            m_in_sysex = false;
            ++other_messages;
            continue;
        }
        m_current.push_back(b);
    }
}

void SysexAssembler::finish(const std::string& why) {
    if (m_in_sysex) {
        truncated.push_back({m_current.size(), why});
        m_current.clear();
        m_in_sysex = false;
    }
}

ReceiveReport receive_until_idle(transport::ReceiveQueue& queue, const ReceiveOptions& options) {
    ReceiveReport report;
    SysexAssembler assembler;
    const auto start = Clock::now();
    std::optional<Clock::time_point> last_arrival;
    constexpr auto kSlice = std::chrono::milliseconds(50);
    std::size_t reported = 0;
    auto last_poll = start;
    while (true) {
        if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
            report.cancelled = true;
            break;
        }
        const auto now = Clock::now();
        if (options.check_ports && now - last_poll >= options.port_poll_interval) {
            last_poll = now;
            if (auto present = options.check_ports(); !present) {
                report.error = present.error();
                break;
            }
        }
        const auto limit =
            last_arrival ? *last_arrival + options.idle : start + options.first_byte_timeout;
        if (now >= limit) {
            break;
        }
        auto item = queue.pop_until(std::min(limit, now + kSlice));
        if (!item) {
            continue;
        }
        // Idle counts from when the bytes arrived, not from when we looked at them.
        last_arrival = std::max(last_arrival.value_or(item->arrival), item->arrival);
        assembler.feed(item->bytes, item->arrival);
        while (reported < assembler.complete.size()) {
            const auto& m = assembler.complete[reported++];
            report.total_bytes += m.bytes.size();
            if (options.on_message) {
                options.on_message(m, reported, report.total_bytes);
            }
        }
    }
    assembler.finish(report.error ? "the port vanished before its F7 arrived"
                     : report.cancelled
                         ? "cancelled before its F7 arrived"
                         : fmt::format("the line went quiet for {} ms before its F7 arrived",
                                       options.idle.count()));
    report.messages = std::move(assembler.complete);
    report.truncated = std::move(assembler.truncated);
    report.other_messages = assembler.other_messages;
    report.nothing_received = !last_arrival.has_value();
    return report;
}

} // namespace syx::engine
