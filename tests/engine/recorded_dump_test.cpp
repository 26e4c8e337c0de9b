#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "engine/recorded_dump.hpp"

namespace syx::engine {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

ReceivedSysex message(Bytes bytes) {
    return ReceivedSysex{std::move(bytes), {}, {}};
}

TEST(RecordedDump, CompleteMessagesAreJoinedInArrivalOrder) {
    ReceiveReport report;
    report.messages = {message({0xF0, 0x01, 0xF7}), message({0xF0, 0x02, 0x03, 0xF7})};
    const auto j = judge_recording(report);
    EXPECT_EQ(j.verdict, RecordingVerdict::complete);
    EXPECT_TRUE(j.problem.empty());
    EXPECT_EQ(j.bytes, (Bytes{0xF0, 0x01, 0xF7, 0xF0, 0x02, 0x03, 0xF7}));
    EXPECT_EQ(j.messages, 2U);
}

TEST(RecordedDump, AMessageCutShortMeansNothingToSaveAndSaysSo) {
    ReceiveReport report;
    report.messages = {message({0xF0, 0x01, 0xF7})};
    report.truncated = {
        TruncatedSysex{120, "the line went quiet for 2000 ms before its F7 arrived"}};
    const auto j = judge_recording(report);
    EXPECT_EQ(j.verdict, RecordingVerdict::truncated);
    EXPECT_TRUE(j.bytes.empty()) << "no partial dump passes for a complete one";
    EXPECT_NE(j.problem.find("cut short"), std::string::npos) << j.problem;
    EXPECT_NE(j.problem.find("after 120 bytes"), std::string::npos) << j.problem;
}

TEST(RecordedDump, CancelledPortLostAndSilentRecordingsAreNotComplete) {
    ReceiveReport cancelled;
    cancelled.cancelled = true;
    cancelled.messages = {message({0xF0, 0x01, 0xF7})};
    EXPECT_EQ(judge_recording(cancelled).verdict, RecordingVerdict::cancelled);
    EXPECT_TRUE(judge_recording(cancelled).bytes.empty());
    ReceiveReport lost;
    lost.error = Error{ErrorCode::port_vanished, "port vanished"};
    EXPECT_EQ(judge_recording(lost).verdict, RecordingVerdict::port_failed);
    ReceiveReport silent;
    silent.nothing_received = true;
    EXPECT_EQ(judge_recording(silent).verdict, RecordingVerdict::nothing);
    ReceiveReport notes_only;
    notes_only.other_messages = 3;
    EXPECT_NE(judge_recording(notes_only).problem.find("3 other"), std::string::npos);
}

TEST(RecordedDump, NewFilesNeverOverwriteAnEarlierOne) {
    const fs::path dir = syx::test::process_temp_path("syxflash-recorded-dump-test");
    fs::remove_all(dir);
    const Bytes first{0xF0, 0x01, 0xF7};
    const Bytes second{0xF0, 0x02, 0xF7};
    auto a = write_new_file(dir / "sub", "dump", ".syx", first);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(*a, dir / "sub" / "dump.syx");
    auto b = write_new_file(dir / "sub", "dump", ".syx", second);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(*b, dir / "sub" / "dump-2.syx");
    EXPECT_EQ(syx::test::read_file_bytes(*a), first) << "the first file is untouched";
    EXPECT_EQ(syx::test::read_file_bytes(*b), second);
    fs::remove_all(dir);
}

} // namespace
} // namespace syx::engine
