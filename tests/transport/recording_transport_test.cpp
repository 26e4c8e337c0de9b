#include <sstream>

#include "fake_transport.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "transport/receive_queue.hpp"
#include "transport/recording_transport.hpp"

using Bytes = std::vector<std::uint8_t>;

TEST(RecordingTransport, TracesEverythingSentAndReceivedAsJsonLines) {
    syx::test::TempDir dir;
    auto fake = std::make_unique<syx::test::FakeTransport>();
    auto* raw = fake.get();
    auto rec =
        syx::transport::RecordingTransport::create(std::move(fake), (dir / "trace.jsonl").string());
    ASSERT_TRUE(rec.ok());
    syx::transport::ReceiveQueue queue;
    (*rec)->set_receive_callback(queue.callback());
    ASSERT_TRUE((*rec)->open({}).ok());
    ASSERT_TRUE((*rec)->send(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}).ok());
    raw->deliver(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0xF7});
    (*rec)->close();
    // The user's callback still gets what arrived.
    ASSERT_EQ(queue.size(), 1u);

    const auto text = syx::test::read_file_bytes(dir / "trace.jsonl");
    std::istringstream lines(std::string(text.begin(), text.end()));
    std::vector<nlohmann::json> entries;
    for (std::string line; std::getline(lines, line);) {
        entries.push_back(nlohmann::json::parse(line));
    }
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0]["dir"], "out");
    EXPECT_EQ(entries[0]["bytes"], "F0 7E 7F 06 01 F7");
    EXPECT_EQ(entries[0]["len"], 6);
    EXPECT_EQ(entries[1]["dir"], "in");
    EXPECT_EQ(entries[1]["bytes"], "F0 7E 7F 06 02 04 F7");
    EXPECT_GE(entries[1]["t_ms"].get<double>(), 0.0);
}

TEST(RecordingTransport, UnwritableTraceIsAnError) {
    auto rec = syx::transport::RecordingTransport::create(
        std::make_unique<syx::test::FakeTransport>(), "/nonexistent-dir/trace.jsonl");
    ASSERT_FALSE(rec.ok());
    EXPECT_EQ(rec.error().code, syx::ErrorCode::io);
}
