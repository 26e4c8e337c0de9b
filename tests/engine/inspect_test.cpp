#include <cstdint>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/sysex_file.hpp"
#include "engine/inspect.hpp"

namespace syx::engine {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A firmware-like file: `count` messages of 333 bytes (F0 00 61 16 …data… F7).
Bytes firmware(std::size_t count) {
    Bytes bytes;
    std::uint8_t value = 0;
    for (std::size_t m = 0; m < count; ++m) {
        bytes.insert(bytes.end(), {0xF0, 0x00, 0x61, 0x16});
        for (int i = 0; i < 328; ++i) {
            bytes.push_back(value);
            value = static_cast<std::uint8_t>((value + 13) & 0x7F);
        }
        bytes.push_back(0xF7);
    }
    return bytes;
}

// The two-thread inspection must report exactly what the one-thread reader does.
void expect_same_as_reader(const std::filesystem::path& path, const Bytes& content) {
    InspectOptions options;
    options.message_hashes = true;
    const auto inspected = inspect_file(path, options);
    ASSERT_TRUE(inspected.ok()) << inspected.error().message;
    const auto read = read_sysex_file(path);
    ASSERT_TRUE(read.ok());
    const SysexFile& file = inspected->file;
    EXPECT_EQ(file.format, read->format);
    EXPECT_EQ(file.compressed, read->compressed);
    EXPECT_EQ(file.file_bytes, content.size());
    EXPECT_EQ(file.sha256, sha256(content));
    EXPECT_EQ(file.crc32, crc32(content));
    EXPECT_EQ(file.sha256, read->sha256);
    EXPECT_EQ(file.crc32, read->crc32);
    ASSERT_EQ(file.findings.size(), read->findings.size());
    for (std::size_t i = 0; i < file.findings.size(); ++i) {
        EXPECT_EQ(file.findings[i].code, read->findings[i].code);
        EXPECT_EQ(file.findings[i].offset, read->findings[i].offset);
    }
    ASSERT_EQ(file.messages.size(), read->messages.size());
    ASSERT_EQ(inspected->message_sha256.size(), file.messages.size());
    for (std::size_t i = 0; i < file.messages.size(); ++i) {
        EXPECT_EQ(file.messages[i].offset, read->messages[i].offset);
        const auto bytes = file.bytes_of(i);
        const auto expected = read->bytes_of(i);
        ASSERT_EQ(Bytes(bytes.begin(), bytes.end()), Bytes(expected.begin(), expected.end()));
        EXPECT_EQ(inspected->message_sha256[i], sha256(expected)) << "message " << i;
    }
}

TEST(InspectFile, MatchesTheReaderOnAFirmwareFile) {
    test::TempDir dir;
    const Bytes content = firmware(1001); // odd count: the two halves differ in size
    test::write_file_bytes(dir / "fw.syx", content);
    expect_same_as_reader(dir / "fw.syx", content);
}

TEST(InspectFile, MatchesTheReaderOnDamagedAndSpecialFiles) {
    test::TempDir dir;
    const std::vector<Bytes> cases = {
        {},                                               // empty
        {0xF0, 0x7E, 0x7F, 0xF8, 0x06, 0x01, 0xF7},       // realtime byte inside
        {0x00, 0xF0, 0x43, 0x10, 0x7F, 0x12, 0xF0, 0x41}, // stray, cut off, truncated
        {0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x42, 0xF7}, // bad Roland sum
        {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}, // one message: halves 0 and 1
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE(i);
        const auto path = dir / ("case" + std::to_string(i) + ".syx");
        test::write_file_bytes(path, cases[i]);
        expect_same_as_reader(path, cases[i]);
    }
}

TEST(InspectFile, MessageHashesOnlyWhenAsked) {
    test::TempDir dir;
    test::write_file_bytes(dir / "fw.syx", firmware(3));
    const auto inspected = inspect_file(dir / "fw.syx");
    ASSERT_TRUE(inspected.ok());
    EXPECT_EQ(inspected->file.messages.size(), 3U);
    EXPECT_TRUE(inspected->message_sha256.empty());
}

TEST(InspectFile, OverTheCapIsRefusedUnreadAndUnhashed) {
    test::TempDir dir;
    test::write_file_bytes(dir / "fw.syx", firmware(4));
    InspectOptions options;
    options.read.max_file_bytes = 1000;
    options.message_hashes = true;
    const auto inspected = inspect_file(dir / "fw.syx", options);
    ASSERT_TRUE(inspected.ok());
    EXPECT_FALSE(inspected->file.read_complete);
    EXPECT_TRUE(inspected->file.has_errors());
    EXPECT_EQ(inspected->file.findings.at(0).code, "file-too-large");
    EXPECT_TRUE(inspected->file.messages.empty());
    EXPECT_TRUE(inspected->message_sha256.empty());
}

TEST(InspectFile, MissingFileIsAnError) {
    const auto inspected = inspect_file("/nonexistent/dir/none.syx");
    ASSERT_FALSE(inspected.ok());
    EXPECT_EQ(inspected.error().code, ErrorCode::not_found);
}

} // namespace
} // namespace syx::engine
