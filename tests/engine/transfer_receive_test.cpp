#include <thread>

#include <gtest/gtest.h>

#include "engine/transfer_receive.hpp"

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

TEST(SysexAssembler, JoinsPiecesAndIgnoresRealtime) {
    syx::engine::SysexAssembler a;
    const auto now = syx::transport::Clock::now();
    a.feed(Bytes{0xF0, 0x01, 0xF8, 0x02}, now); // clock inside SysEx does not end it
    a.feed(Bytes{0x03, 0xFE, 0xF7}, now);
    ASSERT_EQ(a.complete.size(), 1u);
    EXPECT_EQ(a.complete[0].bytes, (Bytes{0xF0, 0x01, 0x02, 0x03, 0xF7}));
    EXPECT_TRUE(a.truncated.empty());
}

TEST(SysexAssembler, StatusByteInsideIsATruncation) {
    syx::engine::SysexAssembler a;
    const auto now = syx::transport::Clock::now();
    a.feed(Bytes{0xF0, 0x01, 0x02, 0x90, 0x40, 0x7F, 0xF0, 0x05, 0xF7}, now);
    ASSERT_EQ(a.truncated.size(), 1u);
    EXPECT_EQ(a.truncated[0].bytes_received, 3u);
    ASSERT_EQ(a.complete.size(), 1u);
    EXPECT_EQ(a.complete[0].bytes, (Bytes{0xF0, 0x05, 0xF7}));
    EXPECT_EQ(a.other_messages, 1u);
}

TEST(ReceiveUntilIdle, StopsAfterSilenceAndReportsAnUnfinishedMessage) {
    syx::transport::ReceiveQueue queue;
    std::thread device([&] {
        queue.push(Bytes{0xF0, 0x10, 0xF7}, syx::transport::Clock::now());
        std::this_thread::sleep_for(30ms);
        queue.push(Bytes{0xF0, 0x11, 0x12}, syx::transport::Clock::now()); // never finished
    });
    syx::engine::ReceiveOptions options;
    options.idle = 150ms;
    options.first_byte_timeout = 5s;
    const auto report = syx::engine::receive_until_idle(queue, options);
    device.join();
    ASSERT_EQ(report.messages.size(), 1u);
    ASSERT_EQ(report.truncated.size(), 1u);
    EXPECT_NE(report.truncated[0].reason.find("went quiet"), std::string::npos);
    EXPECT_FALSE(report.nothing_received);
}

TEST(ReceiveUntilIdle, NothingArrives) {
    syx::transport::ReceiveQueue queue;
    syx::engine::ReceiveOptions options;
    options.first_byte_timeout = 100ms;
    const auto report = syx::engine::receive_until_idle(queue, options);
    EXPECT_TRUE(report.nothing_received);
    EXPECT_TRUE(report.messages.empty());
}

TEST(ReceiveUntilIdle, VanishedPortEndsTheRecordingWithAnError) {
    syx::transport::ReceiveQueue queue;
    syx::engine::ReceiveOptions options;
    options.first_byte_timeout = 10s;
    options.port_poll_interval = 10ms;
    options.check_ports = [] {
        return syx::Status(syx::make_error(syx::ErrorCode::port_vanished, "input port gone"));
    };
    const auto start = std::chrono::steady_clock::now();
    const auto report = syx::engine::receive_until_idle(queue, options);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s); // not the 10 s timeout
    ASSERT_TRUE(report.error.has_value());
    EXPECT_EQ(report.error->code, syx::ErrorCode::port_vanished);
}
