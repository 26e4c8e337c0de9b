// The transfer worker over an in-memory transport, in real (short) time.
#include "../transport/fake_transport.hpp"
#include <gtest/gtest.h>

#include "engine/transfer.hpp"

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

namespace {

std::vector<Bytes> messages(std::size_t count, std::size_t length) {
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < count; ++i) {
        Bytes m(length, static_cast<std::uint8_t>(i & 0x7F));
        m.front() = 0xF0;
        m.back() = 0xF7;
        out.push_back(m);
    }
    return out;
}

std::vector<std::span<const std::uint8_t>> views(const std::vector<Bytes>& ms) {
    return {ms.begin(), ms.end()};
}

} // namespace

TEST(Transfer, SendsEveryMessageInOrderWithTheGapBetweenSendCalls) {
    syx::test::FakeTransport t;
    const auto ms = messages(5, 10);
    syx::engine::TransferOptions options;
    options.pacer.rules.gap_after_message = 20ms;
    options.extra_margin = 0us;
    std::vector<std::size_t> progress;
    options.on_progress = [&](const syx::engine::TransferProgress& p) {
        progress.push_back(p.messages_done);
    };
    auto report = syx::engine::send_messages(t, views(ms), options);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok());
    EXPECT_EQ(report->messages_sent, 5u);
    const auto sent = t.sent();
    ASSERT_EQ(sent.size(), 5u);
    for (std::size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(sent[i].bytes, ms[i]);
        if (i > 0) {
            EXPECT_GE(sent[i].time - sent[i - 1].time, 20ms);
        }
    }
    EXPECT_EQ(progress, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
}

TEST(Transfer, ChunksBelowTheBackendLimitAndReassemblesToTheSameBytes) {
    syx::test::FakeTransport t;
    t.max_send = 100;
    const auto ms = messages(2, 350);
    syx::engine::TransferOptions options;
    auto report = syx::engine::send_messages(t, views(ms), options);
    ASSERT_TRUE(report.ok());
    Bytes joined;
    for (const auto& s : t.sent()) {
        EXPECT_LE(s.bytes.size(), 100u);
        joined.insert(joined.end(), s.bytes.begin(), s.bytes.end());
    }
    Bytes expected = ms[0];
    expected.insert(expected.end(), ms[1].begin(), ms[1].end());
    EXPECT_EQ(joined, expected);
}

TEST(Transfer, CancelStopsBetweenMessagesAndSaysWhatWasSent) {
    syx::test::FakeTransport t;
    t.max_send = 30; // several chunks per message: cancel never splits one
    const auto ms = messages(5, 100);
    std::atomic<bool> cancel{false};
    syx::engine::TransferOptions options;
    options.cancel = &cancel;
    options.pacer.rules.gap_after_message = 5ms;
    options.on_progress = [&](const syx::engine::TransferProgress& p) {
        if (p.messages_done == 2) {
            cancel = true;
        }
    };
    auto report = syx::engine::send_messages(t, views(ms), options);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->cancelled);
    EXPECT_EQ(report->messages_sent, 2u);
    std::size_t bytes = 0;
    for (const auto& s : t.sent()) {
        bytes += s.bytes.size();
    }
    EXPECT_EQ(bytes, 200u); // exactly two whole messages
}

TEST(Transfer, VanishedPortIsReportedNotWaitedOn) {
    syx::test::FakeTransport t;
    t.vanish_after_sends = 2;
    const auto ms = messages(5, 10);
    syx::engine::TransferOptions options;
    options.pacer.rules.gap_after_message = 10ms;
    options.port_poll_interval = 0ms;
    auto report = syx::engine::send_messages(t, views(ms), options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->error.has_value());
    EXPECT_EQ(report->error->code, syx::ErrorCode::port_vanished);
    EXPECT_NE(report->error->message.find("before message 3 of 5"), std::string::npos);
    EXPECT_EQ(report->messages_sent, 2u);
}

TEST(Transfer, SendFailureCarriesTheMessageNumber) {
    syx::test::FakeTransport t;
    t.fail_send_at = 1;
    const auto ms = messages(3, 10);
    auto report = syx::engine::send_messages(t, views(ms), {});
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->error.has_value());
    EXPECT_NE(report->error->message.find("message 2 of 3"), std::string::npos);
    EXPECT_EQ(report->messages_sent, 1u);
}

TEST(Transfer, JitterOfTheTransportBecomesMargin) {
    syx::test::FakeTransport t;
    t.jitter = 5333us;
    syx::engine::TransferOptions options;
    options.extra_margin = 1000us;
    const auto config = syx::engine::effective_pacer_config(t, options);
    EXPECT_EQ(config.delivery_jitter, 6333us);
}

// A DIN device behind a synchronous backend (ALSA): each piece reaches the wire no sooner than
// send() returned, and the wire carries 3125 B/s, so a piece waits for the one before it to have
// left. When one chunk's send() is slow to hand its bytes on (the VM test measured up to 9 ms
// for 255 bytes under load), the rest of that message leaves the wire that much later; the gap
// after it must still be whole at the device: the silence from each message's F7 to the next
// message's first byte.
TEST(Transfer, AGapHoldsAtADinDeviceWhenAChunkIsHandedOnLate) {
    syx::test::FakeTransport t;
    // Send 2 is message 2's first chunk (messages of 2 chunks of 30 bytes).
    t.hand_over_time = [](std::size_t n) { return n == 2 ? 20ms : 0ms; };
    const auto ms = messages(3, 60);
    syx::engine::TransferOptions options;
    options.pacer.link = syx::Link::din;
    options.pacer.rules.chunk_bytes = 30;
    options.pacer.rules.gap_after_message = 40ms;
    auto report = syx::engine::send_messages(t, views(ms), options);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->ok());
    const auto sent = t.sent();
    ASSERT_EQ(sent.size(), 6u);
    // The wire: each piece starts when it was handed on or when the one before has left it.
    syx::transport::TimePoint wire_free{};
    std::vector<syx::transport::TimePoint> first_byte;
    std::vector<syx::transport::TimePoint> last_byte;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const auto start = std::max(wire_free, sent[i].returned);
        wire_free = start + sent[i].bytes.size() * 320us;
        if (i % 2 == 0) {
            first_byte.push_back(start);
        } else {
            last_byte.push_back(wire_free);
        }
    }
    for (std::size_t m = 1; m < first_byte.size(); ++m) {
        const auto silence = first_byte[m] - last_byte[m - 1];
        EXPECT_GE(silence, 40ms) << "after message " << m << ": "
                                 << std::chrono::duration<double, std::milli>(silence).count()
                                 << " ms";
    }
}
