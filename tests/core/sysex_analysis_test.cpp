#include <vector>

#include <gtest/gtest.h>

#include "core/sysex_analysis.hpp"
#include "core/sysex_file.hpp"

namespace syx {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Roland GS Reset, as printed in Roland's GS manuals: F0 41 10 42 12 40 00 7F 00 41 F7.
// By hand: address 40 00 7F + data 00 = 0xBF = 191; 191 mod 128 = 63; 128 − 63 = 65 = 0x41.
TEST(SysexAnalysis, RolandDt1ChecksumByTheManualsRule) {
    const Bytes gs_reset = {0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7};
    const auto check = check_roland_checksum(gs_reset);
    ASSERT_TRUE(check.has_value());
    EXPECT_EQ(check->kind, ChecksumKind::roland);
    EXPECT_TRUE(check->ok);
    EXPECT_EQ(check->expected, 0x41);
    EXPECT_EQ(check->position, 9U);

    Bytes damaged = gs_reset;
    damaged[8] = 0x01; // data changed, checksum not updated
    const auto bad = check_roland_checksum(damaged);
    ASSERT_TRUE(bad.has_value());
    EXPECT_FALSE(bad->ok);
    EXPECT_EQ(bad->found, 0x41);
    EXPECT_EQ(bad->expected, 0x40); // 0xC0 = 192; 192 mod 128 = 64; 128 − 64 = 0x40
}

TEST(SysexAnalysis, RolandRq1AndLongModelIds) {
    // RQ1 for 1 byte at 40 00 7F: address + size 00 00 01 = 0xC0 → checksum 0x40.
    const Bytes rq1 = {0xF0, 0x41, 0x10, 0x42, 0x11, 0x40, 0x00,
                       0x7F, 0x00, 0x00, 0x01, 0x40, 0xF7};
    const auto check = check_roland_checksum(rq1);
    ASSERT_TRUE(check.has_value());
    EXPECT_TRUE(check->ok);
    // Three-byte model ID 00 00 3B: DT1 of 01 at address 10 00 00 00 → sum 0x11, cs 0x6F.
    const Bytes long_model = {0xF0, 0x41, 0x10, 0x00, 0x00, 0x3B, 0x12,
                              0x10, 0x00, 0x00, 0x00, 0x01, 0x6F, 0xF7};
    const auto long_check = check_roland_checksum(long_model);
    ASSERT_TRUE(long_check.has_value());
    EXPECT_TRUE(long_check->ok);
    EXPECT_EQ(long_check->position, 12U);
    // Not a DT1/RQ1 (command 41): no checksum claimed.
    const Bytes other = {0xF0, 0x41, 0x10, 0x42, 0x41, 0x00, 0x00, 0x00, 0xF7};
    EXPECT_FALSE(check_roland_checksum(other).has_value());
}

// Yamaha bulk dump: F0 43 0n ff bh bl data cs F7, cs = two's complement of the data sum, 7 bit.
TEST(SysexAnalysis, YamahaBulkChecksumByTheManualsRule) {
    // 3 data bytes 01 02 03: sum 6, −6 & 0x7F = 0x7A.
    const Bytes dump = {0xF0, 0x43, 0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03, 0x7A, 0xF7};
    const auto check = check_yamaha_bulk_checksum(dump);
    ASSERT_TRUE(check.has_value());
    EXPECT_EQ(check->kind, ChecksumKind::yamaha_bulk);
    EXPECT_TRUE(check->ok);
    Bytes bad = dump;
    bad[9] = 0x7B;
    EXPECT_FALSE(check_yamaha_bulk_checksum(bad)->ok);
    // Parameter change (43 1n …) is not a bulk dump; a count that does not match is not either.
    EXPECT_FALSE(
        check_yamaha_bulk_checksum(Bytes{0xF0, 0x43, 0x10, 0x01, 0x1B, 0x3F, 0x00, 0x00, 0xF7})
            .has_value());
    Bytes wrong_count = dump;
    wrong_count[5] = 0x04;
    EXPECT_FALSE(check_yamaha_bulk_checksum(wrong_count).has_value());
}

TEST(SysexAnalysis, ReaderReportsChecksumMismatchAsALocatedError) {
    const Bytes file_bytes = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7, //
                              0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x01, 0x41, 0xF7};
    const SysexFile file = read_sysex_bytes(file_bytes);
    ASSERT_EQ(file.findings.size(), 1U);
    EXPECT_EQ(file.findings[0].code, "checksum-mismatch");
    EXPECT_EQ(file.findings[0].message_index, 1U);
    EXPECT_EQ(file.findings[0].offset, 6U);
    EXPECT_TRUE(file.has_errors());
}

TEST(SysexAnalysis, UniversalSysexKinds) {
    EXPECT_EQ(universal_sysex_kind(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}), "Identity Request");
    // Moog Little Phatty identity reply (DEVICES.md).
    EXPECT_EQ(universal_sysex_kind(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00, 0x01,
                                         0x01, 0x02, 0x03, 0x04, 0xF7}),
              "Identity Reply");
    EXPECT_EQ(universal_sysex_kind(Bytes{0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7}),
              "General MIDI System On");
    EXPECT_EQ(universal_sysex_kind(Bytes{0xF0, 0x7F, 0x7F, 0x04, 0x01, 0x00, 0x7F, 0xF7}),
              "Master Volume");
    EXPECT_EQ(universal_sysex_kind(Bytes{0xF0, 0x7E, 0x00, 0x0A, 0x01, 0xF7}),
              "Universal Non-Real Time (sub-ID 0A 01)");
    EXPECT_FALSE(universal_sysex_kind(Bytes{0xF0, 0x41, 0x10, 0xF7}).has_value());
}

TEST(SysexAnalysis, ManufacturerIds) {
    const auto roland = manufacturer_id_of(Bytes{0xF0, 0x41, 0x10, 0xF7});
    ASSERT_TRUE(roland.has_value());
    EXPECT_EQ(roland->size, 1U);
    EXPECT_EQ(roland->hex(), "41");
    EXPECT_STREQ(manufacturer_name(*roland), "Roland");

    const auto novation = manufacturer_id_of(Bytes{0xF0, 0x00, 0x20, 0x29, 0x01, 0xF7});
    ASSERT_TRUE(novation.has_value());
    EXPECT_EQ(novation->size, 3U);
    EXPECT_EQ(novation->hex(), "00 20 29");
    EXPECT_STREQ(manufacturer_name(*novation), "Focusrite/Novation");

    const auto jomox = manufacturer_id_of(Bytes{0xF0, 0x31, 0x7F, 0xF7});
    EXPECT_STREQ(manufacturer_name(*jomox), "Viscount"); // the registrant, not the user

    const auto unnamed = manufacturer_id_of(Bytes{0xF0, 0x00, 0x21, 0x45, 0xF7});
    ASSERT_TRUE(unnamed.has_value());
    EXPECT_EQ(manufacturer_name(*unnamed), nullptr);
    EXPECT_FALSE(manufacturer_id_of(Bytes{0xF0, 0x00, 0xF7}).has_value());
}

} // namespace
} // namespace syx
