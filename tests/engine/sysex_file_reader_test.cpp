// Reading SysEx files from disk (engine/sysex_file_reader.hpp): what load_file and
// read_sysex_file add to core's parsing — sizes, caps, mapping, private copies, and refusing
// whatever is not a regular file.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "engine/sysex_file_reader.hpp"

namespace syx {
namespace {

using Bytes = std::vector<std::uint8_t>;

using syx::test::has_finding;

// Identity Request and a Roland DT1 (see sysex_analysis_test for its checksum).
const Bytes kSyx = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7, 0xF0, 0x41, 0x10,
                    0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7};

TEST(ReadSysex, FileOverTheCapIsRefusedFromItsSize) {
    test::TempDir dir;
    test::write_file_bytes(dir / "big.syx", Bytes(4096, 0x00));
    ReadOptions options;
    options.max_file_bytes = 1000;
    const auto file = read_sysex_file(dir / "big.syx", options);
    ASSERT_TRUE(file.ok());
    EXPECT_FALSE(file->read_complete);
    EXPECT_EQ(file->file_bytes, 4096U);
    EXPECT_TRUE(has_finding(*file, "file-too-large"));
}

TEST(ReadSysex, MissingFileIsANotFoundError) {
    const auto file = read_sysex_file("/nonexistent/dir/none.syx");
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::not_found);
}

TEST(ReadSysex, ReadsAFileFromDisk) {
    test::TempDir dir;
    test::write_file_bytes(dir / "two.bin", kSyx);
    const auto file = read_sysex_file(dir / "two.bin");
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(file->format, FileFormat::raw_syx);
    EXPECT_EQ(file->messages.size(), 2U);
}

TEST(ReadSysex, ReadsAFileThatIsExactlyAtTheCap) {
    test::TempDir dir;
    test::write_file_bytes(dir / "cap.syx", kSyx);
    ReadOptions options;
    options.max_file_bytes = kSyx.size();
    const auto file = read_sysex_file(dir / "cap.syx", options);
    ASSERT_TRUE(file.ok());
    EXPECT_TRUE(file->read_complete);
    EXPECT_EQ(file->messages.size(), 2U);
    EXPECT_EQ(file->sha256, sha256(kSyx));
    EXPECT_EQ(file->crc32, crc32(kSyx));
}

TEST(ReadSysex, FolderIsNotAFile) {
    test::TempDir dir;
    const auto file = read_sysex_file(dir.path());
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::usage);
}

TEST(ReadSysex, LargeFileHashesMatchAcrossReadSlices) {
    // 3.5 MiB: several read slices, and a message straddling each slice boundary.
    Bytes big;
    std::uint8_t value = 0;
    while (big.size() < 3 * 1024 * 1024 + 512 * 1024) {
        big.push_back(0xF0);
        for (int i = 0; i < 331; ++i) {
            big.push_back(value);
            value = static_cast<std::uint8_t>((value + 7) & 0x7F);
        }
        big.push_back(0xF7);
    }
    test::TempDir dir;
    test::write_file_bytes(dir / "big.syx", big);
    const auto file = read_sysex_file(dir / "big.syx");
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(file->sha256, sha256(big));
    EXPECT_EQ(file->crc32, crc32(big));
    EXPECT_EQ(file->messages.size(), big.size() / 333);
    EXPECT_TRUE(file->findings.empty());
}

TEST(ReadSysex, RealtimeBytesInAFileOnDiskAreLeftOutToo) {
    // The file's bytes are not edited in place (they may be mapped): the reader copies the
    // messages to drop the F8 (the view would otherwise include it).
    const Bytes recorded = {0x00, 0xF0, 0x7E, 0x7F, 0xF8, 0x06, 0x01, 0xF7, 0xF0, 0x43, 0xF7};
    test::TempDir dir;
    test::write_file_bytes(dir / "live.syx", recorded);
    const auto file = read_sysex_file(dir / "live.syx");
    ASSERT_TRUE(file.ok());
    ASSERT_EQ(file->messages.size(), 2U);
    const auto first = file->bytes_of(0);
    EXPECT_EQ(Bytes(first.begin(), first.end()), (Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
    const auto second = file->bytes_of(1);
    EXPECT_EQ(Bytes(second.begin(), second.end()), (Bytes{0xF0, 0x43, 0xF7}));
    EXPECT_EQ(file->messages[1].offset, 8U);
    EXPECT_TRUE(has_finding(*file, "realtime-in-message"));
    EXPECT_TRUE(has_finding(*file, "bytes-outside-messages"));
    EXPECT_EQ(file->sha256, sha256(recorded));
}

TEST(ReadSysex, ACopyOfTheReportOutlivesTheOriginal) {
    // Messages of a raw file are views of the loaded file; copies share it.
    test::TempDir dir;
    test::write_file_bytes(dir / "two.syx", kSyx);
    std::optional<SysexFile> copy;
    {
        const auto file = read_sysex_file(dir / "two.syx");
        ASSERT_TRUE(file.ok());
        copy = *file;
    }
    std::filesystem::remove(dir / "two.syx");
    ASSERT_EQ(copy->messages.size(), 2U);
    const auto second = copy->bytes_of(1);
    EXPECT_EQ(Bytes(second.begin(), second.end()), Bytes(kSyx.begin() + 6, kSyx.end()));
}

TEST(ReadSysex, LoadAndParseSeparatelyIsTheSameAsReadingAndHashingIsOptional) {
    test::TempDir dir;
    test::write_file_bytes(dir / "two.syx", kSyx);
    auto loaded = load_file(dir / "two.syx");
    ASSERT_TRUE(loaded.ok());
    EXPECT_FALSE(loaded->refused);
    EXPECT_EQ(Bytes(loaded->content.bytes.begin(), loaded->content.bytes.end()), kSyx);
    ReadOptions options;
    options.hash_file = false;
    const SysexFile unhashed = read_loaded_file(std::move(*loaded), options);
    EXPECT_EQ(unhashed.sha256, Sha256Digest{});
    EXPECT_EQ(unhashed.crc32, 0U);
    const auto read = read_sysex_file(dir / "two.syx");
    ASSERT_TRUE(read.ok());
    ASSERT_EQ(unhashed.messages.size(), read->messages.size());
    for (std::size_t i = 0; i < read->messages.size(); ++i) {
        const auto a = unhashed.bytes_of(i);
        const auto b = read->bytes_of(i);
        EXPECT_EQ(Bytes(a.begin(), a.end()), Bytes(b.begin(), b.end()));
    }
}

TEST(ReadSysex, AFileCutShortOnDiskAfterReadingLeavesTheMessagesWhole) {
    // An upload holds these bytes for minutes. Another program truncating the file meanwhile
    // (a browser re-downloading over it) must not take them away: with the file mapped, the next
    // message sent would have killed the process with SIGBUS, half way through a flash.
    Bytes big;
    for (int i = 0; i < 5000; ++i) {
        big.insert(big.end(), kSyx.begin(), kSyx.end());
    }
    test::TempDir dir;
    test::write_file_bytes(dir / "firmware.syx", big);
    const auto file = read_sysex_file(dir / "firmware.syx");
    ASSERT_TRUE(file.ok());
    std::filesystem::resize_file(dir / "firmware.syx", 0);
    ASSERT_EQ(file->messages.size(), 10000U);
    const auto last = file->bytes_of(9999);
    EXPECT_EQ(Bytes(last.begin(), last.end()), Bytes(kSyx.begin() + 6, kSyx.end()));
}

TEST(ReadSysex, MappingOnRequestGivesTheSameMessages) {
    test::TempDir dir;
    test::write_file_bytes(dir / "two.syx", kSyx);
    ReadOptions mapped;
    mapped.map_regular_files = true;
    const auto a = read_sysex_file(dir / "two.syx", mapped);
    const auto b = read_sysex_file(dir / "two.syx");
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->messages.size(), 2U);
    EXPECT_EQ(a->sha256, b->sha256);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto x = a->bytes_of(i);
        const auto y = b->bytes_of(i);
        EXPECT_EQ(Bytes(x.begin(), x.end()), Bytes(y.begin(), y.end()));
    }
}

TEST(ReadSysex, ReadsAFileWhoseSizeIsNotKnownInAdvance) {
    // /proc files say they are 0 bytes long; the reader reads them as a stream instead of
    // mapping them (a pipe takes the same path).
    const std::filesystem::path cmdline = "/proc/self/cmdline";
    if (!std::filesystem::exists(cmdline)) {
        GTEST_SKIP() << "no /proc";
    }
    const auto file = read_sysex_file(cmdline);
    ASSERT_TRUE(file.ok());
    EXPECT_GT(file->file_bytes, 0U);
    EXPECT_TRUE(file->read_complete);
}

TEST(ReadSysex, LoadRefusesAFileOverTheCapWithoutReadingIt) {
    test::TempDir dir;
    test::write_file_bytes(dir / "big.syx", Bytes(100, 0x10));
    ReadOptions options;
    options.max_file_bytes = 99;
    const auto loaded = load_file(dir / "big.syx", options);
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->refused);
    EXPECT_EQ(loaded->size, 100U);
    EXPECT_TRUE(loaded->content.bytes.empty());
}

} // namespace
} // namespace syx
