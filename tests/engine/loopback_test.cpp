#include "../transport/fake_transport.hpp"
#include <gtest/gtest.h>

#include "engine/loopback.hpp"

namespace syx::engine {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes joined(const std::vector<Bytes>& messages) {
    Bytes all;
    for (const auto& m : messages) {
        all.insert(all.end(), m.begin(), m.end());
    }
    return all;
}

TEST(Loopback, FourKilobytesOfSysexWithDataBytesOnly) {
    const auto messages = loopback_messages({});
    EXPECT_EQ(messages.size(), 16U);
    std::size_t total = 0;
    for (const auto& m : messages) {
        total += m.size();
        ASSERT_GE(m.size(), 3U);
        EXPECT_EQ(m.front(), 0xF0);
        EXPECT_EQ(m[1], 0x7D) << "the non-commercial manufacturer ID: no product acts on it";
        EXPECT_EQ(m.back(), 0xF7);
        for (std::size_t i = 1; i + 1 < m.size(); ++i) {
            ASSERT_LT(m[i], 0x80) << "data bytes only inside the message";
        }
    }
    EXPECT_EQ(total, 4096U);
    EXPECT_NE(messages[0], messages[1]) << "random data, not a repeated pattern";
}

TEST(Loopback, EverythingBackUnchangedPasses) {
    const auto sent = loopback_messages({});
    const auto r = compare_loopback(sent, joined(sent));
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.bytes_received, 4096U);
    EXPECT_EQ(r.bytes_lost, 0U);
    EXPECT_NE(r.summary.find("Passed"), std::string::npos);
}

TEST(Loopback, ACorruptedByteIsLocatedByMessageAndByte) {
    const auto sent = loopback_messages({});
    auto back = sent;
    back[2][10] ^= 0x01;
    const auto r = compare_loopback(sent, joined(back));
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.bad_message, 3U);
    EXPECT_EQ(r.bad_byte, 11U);
    EXPECT_EQ(r.bytes_lost, 0U);
    EXPECT_NE(r.summary.find("Corrupted at message 3 byte 11"), std::string::npos) << r.summary;
    EXPECT_NE(r.summary.find("unreliable for firmware"), std::string::npos);
}

TEST(Loopback, LostBytesAreCounted) {
    const auto sent = loopback_messages({});
    auto back = sent;
    back[5].erase(back[5].begin() + 100, back[5].begin() + 130); // a buffer overflow drops 30
    const auto r = compare_loopback(sent, joined(back));
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.bytes_lost, 30U);
    EXPECT_EQ(r.bad_message, 6U);
    EXPECT_NE(r.summary.find("30 of 4096 bytes were lost"), std::string::npos) << r.summary;
}

TEST(Loopback, NothingBackTellsToCheckTheCable) {
    const auto r = compare_loopback(loopback_messages({}), {});
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.bytes_lost, 4096U);
    EXPECT_NE(r.summary.find("MIDI OUT to its MIDI IN"), std::string::npos) << r.summary;
}

TEST(Loopback, SysexDeliveredInPiecesIsJoinedBeforeComparing) {
    const auto sent = loopback_messages({});
    const auto all = joined(sent);
    // Any split points: what counts is the byte stream.
    const Bytes stream(all.begin(), all.end());
    EXPECT_TRUE(compare_loopback(sent, stream).passed);
}

TEST(Loopback, RunSendsPacedForDinAndReadsTheEchoBack) {
    test::FakeTransport fake;
    transport::ReceiveQueue queue;
    fake.set_receive_callback(queue.callback());
    LoopbackOptions o;
    o.total_bytes = 1024; // 4 messages of 256 bytes
    o.settle = std::chrono::milliseconds{50};
    auto report = run_loopback_test(fake, queue, o);
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->passed) << "the fake does not echo";
    // The pacer may send a DIN message in byte-rate chunks: what matters is where each message
    // starts (its F0) and that the stream is the four messages whole.
    const auto sent = fake.sent();
    std::vector<transport::TimePoint> starts;
    Bytes stream;
    for (const auto& piece : sent) {
        if (!piece.bytes.empty() && piece.bytes.front() == 0xF0) {
            starts.push_back(piece.time);
        }
        stream.insert(stream.end(), piece.bytes.begin(), piece.bytes.end());
    }
    ASSERT_EQ(starts.size(), 4U);
    EXPECT_EQ(stream.size(), 1024U);
    EXPECT_TRUE(compare_loopback(loopback_messages(o), stream).passed);
    for (std::size_t i = 1; i < starts.size(); ++i) {
        // 256 bytes at 320 µs each on the wire, then the 20 ms gap.
        EXPECT_GE(starts[i] - starts[i - 1], std::chrono::microseconds(256 * 320 + 20000));
    }
}

} // namespace
} // namespace syx::engine
