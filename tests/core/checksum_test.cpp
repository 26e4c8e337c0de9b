// Checksums as parameters: the standard CRC catalogue's check values (the CRC of the ASCII bytes
// "123456789") pin every parameter path — plain MSB-first (XMODEM, MPEG-2), reflected in and out
// with a final XOR (ISO-HDLC, ARC) — and the sums are worked by hand.
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/checksum.hpp"

namespace {

using namespace syx;

std::vector<std::uint8_t> check_input() {
    constexpr std::string_view text = "123456789";
    return {text.begin(), text.end()};
}

TEST(Checksum, Crc16XmodemCheckValue) {
    const CrcModel xmodem{16, 0x1021, 0, false, false, 0};
    EXPECT_EQ(crc_of(xmodem, check_input()), 0x31C3U);
}

TEST(Checksum, Crc32Mpeg2CheckValue) {
    const CrcModel mpeg2{32, 0x04C11DB7, 0xFFFFFFFF, false, false, 0};
    EXPECT_EQ(crc_of(mpeg2, check_input()), 0x0376E6E7U);
}

TEST(Checksum, ReflectedModelsCheckValues) {
    const CrcModel iso_hdlc{32, 0x04C11DB7, 0xFFFFFFFF, true, true, 0xFFFFFFFF};
    EXPECT_EQ(crc_of(iso_hdlc, check_input()), 0xCBF43926U);
    const CrcModel arc{16, 0x8005, 0, true, true, 0};
    EXPECT_EQ(crc_of(arc, check_input()), 0xBB3DU);
}

TEST(Checksum, IncrementalEqualsOneShot) {
    const CrcModel mpeg2{32, 0x04C11DB7, 0xFFFFFFFF, false, false, 0};
    const auto data = check_input();
    Crc crc(mpeg2);
    crc.update(std::span(data).first(4));
    crc.update(std::span(data).subspan(4));
    EXPECT_EQ(crc.value(), 0x0376E6E7U);
}

TEST(Checksum, SumsWorkedByHand) {
    const std::vector<std::uint8_t> bytes{0x12, 0xF0}; // 0x102
    EXPECT_EQ(sum_of(SumForm::mod256, bytes), 0x02U);
    EXPECT_EQ(sum_of(SumForm::low7, bytes), 0x02U);
    const std::vector<std::uint8_t> roland{0x10, 0x20}; // −0x30 & 7F = 0x50
    EXPECT_EQ(sum_of(SumForm::twos_complement_7bit, roland), 0x50U);
    EXPECT_EQ(sum_of(SumForm::twos_complement_7bit, std::vector<std::uint8_t>{0x00}), 0x00U);
}

} // namespace
