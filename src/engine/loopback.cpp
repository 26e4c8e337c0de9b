#include "engine/loopback.hpp"

#include <algorithm>
#include <random>

#include <fmt/core.h>

#include "core/link.hpp"
#include "engine/transfer.hpp"

namespace syx::engine {

using Bytes = std::vector<std::uint8_t>;

std::vector<Bytes> loopback_messages(const LoopbackOptions& o) {
    std::mt19937_64 random(o.seed);
    std::uniform_int_distribution<unsigned> data(0x00, 0x7F);
    const std::size_t size = std::max<std::size_t>(o.message_bytes, 4);
    std::vector<Bytes> messages;
    for (std::size_t left = o.total_bytes; left >= 4;) {
        const std::size_t n = std::min(size, left);
        Bytes m{0xF0, 0x7D};
        while (m.size() + 1 < n) {
            m.push_back(static_cast<std::uint8_t>(data(random)));
        }
        m.push_back(0xF7);
        left -= m.size();
        messages.push_back(std::move(m));
    }
    return messages;
}

namespace {

// Splits a byte stream into SysEx messages (F0 … F7); anything else is dropped, as the
// interface would only echo what it got.
std::vector<Bytes> split_sysex(std::span<const std::uint8_t> stream) {
    std::vector<Bytes> out;
    bool inside = false;
    for (const std::uint8_t b : stream) {
        if (b == 0xF0) {
            out.emplace_back();
            inside = true;
        }
        if (inside) {
            out.back().push_back(b);
            if (b == 0xF7) {
                inside = false;
            }
        }
    }
    return out;
}

} // namespace

LoopbackReport compare_loopback(const std::vector<Bytes>& sent,
                                std::span<const std::uint8_t> received) {
    LoopbackReport r;
    r.messages_sent = sent.size();
    for (const auto& m : sent) {
        r.bytes_sent += m.size();
    }
    const auto back = split_sysex(received);
    r.messages_received = back.size();
    for (const auto& m : back) {
        r.bytes_received += m.size();
    }
    r.bytes_lost = r.bytes_sent > r.bytes_received ? r.bytes_sent - r.bytes_received : 0;
    for (std::size_t k = 0; k < std::max(sent.size(), back.size()) && !r.bad_message; ++k) {
        const Bytes empty;
        const Bytes& a = k < sent.size() ? sent[k] : empty;
        const Bytes& b = k < back.size() ? back[k] : empty;
        const std::size_t n = std::min(a.size(), b.size());
        std::size_t j = 0;
        while (j < n && a[j] == b[j]) {
            ++j;
        }
        if (j < n || a.size() != b.size()) {
            r.bad_message = k + 1;
            r.bad_byte = j + 1;
        }
    }
    r.passed = !r.bad_message;
    constexpr const char* kAdvice = "This interface is unreliable for firmware: use the "
                                    "instrument's USB port or another interface.";
    if (r.passed) {
        r.summary = fmt::format("Passed: all {} bytes in {} messages came back unchanged.",
                                r.bytes_sent, r.messages_sent);
    } else if (back.empty()) {
        r.summary = fmt::format("Nothing came back of the {} bytes sent. Check that a MIDI cable "
                                "goes from this interface's MIDI OUT to its MIDI IN, then test "
                                "again. If it is connected: {}",
                                r.bytes_sent, kAdvice);
    } else if (r.bytes_lost > 0) {
        r.summary = fmt::format("{} of {} bytes were lost (first difference in message {}, byte "
                                "{}). {}",
                                r.bytes_lost, r.bytes_sent, *r.bad_message, *r.bad_byte, kAdvice);
    } else {
        r.summary = fmt::format("Corrupted at message {} byte {}: what came back differs from "
                                "what was sent. {}",
                                *r.bad_message, *r.bad_byte, kAdvice);
    }
    return r;
}

Result<LoopbackReport> run_loopback_test(transport::MidiTransport& transport,
                                         transport::ReceiveQueue& queue,
                                         const LoopbackOptions& options) {
    const auto messages = loopback_messages(options);
    Bytes received;
    const auto drain = [&] {
        while (auto m = queue.try_pop()) {
            received.insert(received.end(), m->bytes.begin(), m->bytes.end());
        }
    };
    const auto started = transport::Clock::now();
    // Paced like any DIN transfer (engine/transfer): each message's wire time at 320 µs per byte
    // plus the gap, kept at the interface's input against absolute deadlines — not a
    // send-then-sleep loop, whose gaps land short on period-based backends such as JACK.
    TransferOptions transfer;
    transfer.pacer.link = Link::din;
    transfer.pacer.rules.gap_after_message = options.gap;
    const std::vector<std::span<const std::uint8_t>> views(messages.begin(), messages.end());
    auto sent = send_messages(transport, views, transfer);
    if (!sent) {
        return sent.error();
    }
    if (sent->error) {
        return *sent->error;
    }
    drain();
    std::size_t expected = 0;
    for (const auto& m : messages) {
        expected += m.size();
    }
    const auto deadline = transport::Clock::now() + options.settle;
    while (received.size() < expected) {
        auto m = queue.pop_until(deadline);
        if (!m) {
            break;
        }
        received.insert(received.end(), m->bytes.begin(), m->bytes.end());
    }
    auto report = compare_loopback(messages, received);
    report.took =
        std::chrono::duration_cast<std::chrono::milliseconds>(transport::Clock::now() - started);
    return report;
}

} // namespace syx::engine
