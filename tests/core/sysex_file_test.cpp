#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <zlib.h>

#include "core/gzip.hpp"
#include "core/hash.hpp"
#include "core/sysex_file.hpp"

namespace syx {
namespace {

using Bytes = std::vector<std::uint8_t>;

using syx::test::has_finding;

const Finding* find(const SysexFile& file, const std::string& code) {
    for (const auto& f : file.findings) {
        if (f.code == code) {
            return &f;
        }
    }
    return nullptr;
}

Bytes gzip_bytes(const Bytes& input) {
    z_stream stream{};
    EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    Bytes out(deflateBound(&stream, static_cast<uLong>(input.size())) + 64);
    stream.next_in = const_cast<Bytef*>(input.data()); // NOLINT: zlib is not const-correct
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

// Identity Request and a Roland DT1 (see sysex_analysis_test for its checksum).
const Bytes kSyx = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7, 0xF0, 0x41, 0x10,
                    0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7};

TEST(ReadSysex, RawSyxMessagesAreViewsOfTheirExactBytes) {
    const SysexFile file = read_sysex_bytes(kSyx);
    EXPECT_EQ(file.format, FileFormat::raw_syx);
    EXPECT_FALSE(file.compressed);
    EXPECT_EQ(file.file_bytes, kSyx.size());
    EXPECT_TRUE(file.findings.empty()) << file.findings.front().text;
    ASSERT_EQ(file.messages.size(), 2U);
    EXPECT_EQ(file.messages[1].index, 1U);
    EXPECT_EQ(file.messages[1].offset, 6U);
    EXPECT_EQ(file.messages[1].length, 11U);
    const auto second = file.bytes_of(1);
    EXPECT_EQ(Bytes(second.begin(), second.end()), Bytes(kSyx.begin() + 6, kSyx.end()));
    EXPECT_EQ(file.sha256, sha256(kSyx));
    EXPECT_EQ(file.crc32, crc32(kSyx));
}

TEST(ReadSysex, EmptyInputIsAnError) {
    const SysexFile file = read_sysex_bytes({});
    EXPECT_EQ(file.format, FileFormat::empty);
    EXPECT_TRUE(has_finding(file, "empty-file"));
    EXPECT_TRUE(file.has_errors());
}

TEST(ReadSysex, PayloadWithoutFramingIsRefusedAsRawPayload) {
    const Bytes payload = {0x04, 0x05, 0x04, 0x03, 0x01, 0x00, 0x10, 0x7F};
    const SysexFile file = read_sysex_bytes(payload);
    EXPECT_TRUE(file.messages.empty());
    ASSERT_TRUE(has_finding(file, "raw-payload"));
    EXPECT_FALSE(has_finding(file, "bytes-outside-messages"));
    EXPECT_FALSE(has_finding(file, "no-messages"));
}

TEST(ReadSysex, StrayF7WithoutAnyMessageStillSaysNoMessages) {
    const Bytes bytes = {0x01, 0x02, 0xF7};
    const SysexFile file = read_sysex_bytes(bytes);
    EXPECT_TRUE(has_finding(file, "bytes-outside-messages"));
    EXPECT_TRUE(has_finding(file, "no-messages"));
}

TEST(ReadSysex, OverTheCapIsRefused) {
    ReadOptions options;
    options.max_file_bytes = 10;
    const SysexFile file = read_sysex_bytes(kSyx, options);
    EXPECT_TRUE(file.messages.empty());
    EXPECT_TRUE(has_finding(file, "file-too-large"));
}

TEST(ReadSysex, GzipOfASyxGivesTheSameMessages) {
    const Bytes packed = gzip_bytes(kSyx);
    const SysexFile file = read_sysex_bytes(packed);
    EXPECT_TRUE(file.compressed);
    EXPECT_EQ(file.format, FileFormat::raw_syx);
    EXPECT_EQ(file.file_bytes, packed.size());
    EXPECT_EQ(file.decoded_bytes, kSyx.size());
    EXPECT_EQ(file.sha256, sha256(packed)); // the file as given
    ASSERT_EQ(file.messages.size(), 2U);
    const auto second = file.bytes_of(1);
    EXPECT_EQ(Bytes(second.begin(), second.end()), Bytes(kSyx.begin() + 6, kSyx.end()));
}

TEST(ReadSysex, GzipBombIsCappedAtTheSizeLimit) {
    const Bytes zeros(1 << 20, 0x00); // compresses to about 1 KB
    const Bytes packed = gzip_bytes(zeros);
    ReadOptions options;
    options.max_file_bytes = 64 * 1024;
    const SysexFile file = read_sysex_bytes(packed, options);
    EXPECT_TRUE(has_finding(file, "gzip-too-large"));
    EXPECT_LE(file.decoded_bytes, options.max_file_bytes);
    EXPECT_TRUE(file.messages.empty());
}

TEST(Gunzip, AStreamOneByteOverTheCapIsTooLargeAndCutToTheCap) {
    // Found by the read_sysex_bytes fuzzer: output that ends exactly on the byte kept to notice
    // an overflow came back as "ok" with cap + 1 bytes.
    const Bytes data(4097, 0x42);
    const GunzipResult over = gunzip(gzip_bytes(data), 4096);
    EXPECT_EQ(over.status, GunzipStatus::too_large);
    EXPECT_EQ(over.bytes.size(), 4096U);

    const GunzipResult exact = gunzip(gzip_bytes(Bytes(4096, 0x42)), 4096);
    EXPECT_EQ(exact.status, GunzipStatus::ok);
    EXPECT_EQ(exact.bytes, Bytes(4096, 0x42));
}

TEST(Gunzip, ATruncatedStreamOneByteOverTheCapIsStillTooLarge) {
    Bytes packed = gzip_bytes(Bytes(4097, 0x42));
    packed.resize(packed.size() - 4); // the trailer's length field is gone
    const GunzipResult result = gunzip(packed, 4096);
    EXPECT_EQ(result.status, GunzipStatus::too_large);
    EXPECT_LE(result.bytes.size(), 4096U);
}

TEST(ReadSysex, TruncatedGzipKeepsWhatCouldBeRead) {
    Bytes many;
    for (int i = 0; i < 2000; ++i) {
        many.insert(many.end(), kSyx.begin(), kSyx.end());
    }
    Bytes packed = gzip_bytes(many);
    packed.resize(packed.size() / 2);
    const SysexFile file = read_sysex_bytes(packed);
    EXPECT_TRUE(has_finding(file, "gzip-corrupt"));
    EXPECT_GT(file.messages.size(), 0U);
    EXPECT_LT(file.messages.size(), 4000U);
}

TEST(ReadSysex, FindingsAreSortedByOffset) {
    const Bytes bytes = {0x01, 0xF0, 0x7E, 0xF7, 0x02, 0xF0, 0x7E};
    const SysexFile file = read_sysex_bytes(bytes);
    ASSERT_GE(file.findings.size(), 3U);
    const Finding* missing = find(file, "missing-f7");
    ASSERT_NE(missing, nullptr);
    EXPECT_EQ(missing->offset, 5U);
    for (std::size_t i = 1; i < file.findings.size(); ++i) {
        EXPECT_LE(file.findings[i - 1].offset.value_or(0), file.findings[i].offset.value_or(0));
    }
}

} // namespace
} // namespace syx

namespace syx {
namespace {

TEST(ReadSysex, GzipOfAMidiFileAndOfHexText) {
    // A format-0 SMF with one GM System On event, gzipped: detected after decompression.
    const Bytes smf = {'M',  'T',  'h',  'd',  0,    0,    0,    6,    0,    0,   0,    1,
                       0,    96,   'M',  'T',  'r',  'k',  0,    0,    0,    12,  0x00, 0xF0,
                       0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7, 0x00, 0xFF, 0x2F, 0x00};
    const SysexFile mid = read_sysex_bytes(gzip_bytes(smf));
    EXPECT_TRUE(mid.compressed);
    EXPECT_EQ(mid.format, FileFormat::standard_midi_file);
    ASSERT_EQ(mid.messages.size(), 1U);
    EXPECT_EQ(mid.messages[0].length, 6U);

    const std::string listing = "F0 7E 7F 06 01 F7\n";
    const SysexFile hex = read_sysex_bytes(gzip_bytes(Bytes(listing.begin(), listing.end())));
    EXPECT_TRUE(hex.compressed);
    EXPECT_EQ(hex.format, FileFormat::hex_text);
    EXPECT_EQ(hex.messages.size(), 1U);
}

TEST(ReadSysex, GzipInsideGzipIsNotUnpackedTwice) {
    const SysexFile file = read_sysex_bytes(gzip_bytes(gzip_bytes(kSyx)));
    EXPECT_TRUE(has_finding(file, "nested-gzip"));
    EXPECT_TRUE(file.messages.empty());
}

TEST(ReadSysex, RealtimeBytesAreLeftOutOfTheStoredMessage) {
    // Timing clock (F8) recorded in the middle of an Identity Request.
    const Bytes recorded = {0xF0, 0x7E, 0x7F, 0xF8, 0x06, 0x01, 0xF7};
    const SysexFile file = read_sysex_bytes(recorded);
    ASSERT_EQ(file.messages.size(), 1U);
    const auto bytes = file.bytes_of(0);
    EXPECT_EQ(Bytes(bytes.begin(), bytes.end()), (Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
    const Finding* realtime = find(file, "realtime-in-message");
    ASSERT_NE(realtime, nullptr);
    EXPECT_EQ(realtime->severity, Severity::warning);
    EXPECT_EQ(realtime->offset, 3U);
    EXPECT_EQ(realtime->message_index, 0U);
    EXPECT_FALSE(file.has_errors());
    // The file hash is still of the file as given.
    EXPECT_EQ(file.sha256, sha256(recorded));
}

} // namespace
} // namespace syx
