// Payload encodings, pinned by examples worked by hand from the sources
// (../shared/FIRMWARE_FORMATS.md): Mutable nibbles, GliGli 4-in-5, the 7-in-8 byte groups, the
// Launchpad/MIOS8 MSB-first bit stream with its padding bits.
#include <vector>

#include <gtest/gtest.h>

#include "core/payload_codec.hpp"

namespace {

using namespace syx;
using Bytes = std::vector<std::uint8_t>;

PayloadCodec nibbles(bool high_first) {
    PayloadCodec c;
    c.encoding = PayloadEncoding::nibbles;
    c.high_nibble_first = high_first;
    return c;
}

PayloadCodec groups(std::size_t n, bool before, bool low_bit) {
    PayloadCodec c;
    c.encoding = PayloadEncoding::groups;
    c.group_bytes = n;
    c.high_bits_before = before;
    c.first_byte_in_low_bit = low_bit;
    return c;
}

PayloadCodec bitstream() {
    PayloadCodec c;
    c.encoding = PayloadEncoding::bitstream7;
    return c;
}

TEST(PayloadCodec, NibblesHighFirstAndLowFirst) {
    EXPECT_EQ(nibbles(true).encode(Bytes{0xA5, 0x0F}), (Bytes{0x0A, 0x05, 0x00, 0x0F}));
    EXPECT_EQ(nibbles(false).encode(Bytes{0xA5, 0x0F}), (Bytes{0x05, 0x0A, 0x0F, 0x00}));
    EXPECT_EQ(decode_payload(nibbles(true), Bytes{0x0A, 0x05}).data, Bytes{0xA5});
    EXPECT_EQ(decode_payload(nibbles(false), Bytes{0x0A, 0x05}).data, Bytes{0x5A});
}

TEST(PayloadCodec, NibbleAboveOFIsLocated) {
    const auto d = decode_payload(nibbles(true), Bytes{0x0A, 0x05, 0x10, 0x00});
    ASSERT_TRUE(d.problem);
    EXPECT_EQ(d.problem->wire_index, 2U);
    EXPECT_EQ(nibbles(true).data_size(3), std::nullopt);
}

TEST(PayloadCodec, FourInFiveAsTheProphet600Updater) {
    // fw2syx encode32: the 4 low-7-bit bytes, then byte 0's MSB in bit 0 … byte 3's in bit 3.
    const auto c = groups(4, false, true);
    const Bytes data{0x80, 0x01, 0xFF, 0x7F};
    EXPECT_EQ(c.encode(data), (Bytes{0x00, 0x01, 0x7F, 0x7F, 0x05}));
    EXPECT_EQ(decode_payload(c, Bytes{0x00, 0x01, 0x7F, 0x7F, 0x05}).data, data);
    EXPECT_EQ(c.wire_size(256), 320U);
    EXPECT_EQ(c.data_size(320), 256U);
}

TEST(PayloadCodec, SevenInEightHighBitsFirstAndOrdering) {
    const Bytes data{0x81, 0x02, 0x83}; // a partial group of 3
    EXPECT_EQ(groups(7, true, true).encode(data), (Bytes{0x05, 0x01, 0x02, 0x03}));
    // Byte 0 in bit 6: 0x81 → bit 6, 0x83 → bit 4.
    EXPECT_EQ(groups(7, true, false).encode(data), (Bytes{0x50, 0x01, 0x02, 0x03}));
    EXPECT_EQ(decode_payload(groups(7, true, false), Bytes{0x50, 0x01, 0x02, 0x03}).data, data);
    EXPECT_EQ(groups(7, true, true).data_size(1), std::nullopt); // a high-bit byte alone
}

TEST(PayloadCodec, BitstreamMsbFirstWithPadding) {
    // 1000 0000 0000 0001 → 1000000 0000000 01|00000 (5 padding bits).
    EXPECT_EQ(bitstream().encode(Bytes{0x80, 0x01}), (Bytes{0x40, 0x00, 0x20}));
    EXPECT_EQ(bitstream().encode(Bytes{0xFF}), (Bytes{0x7F, 0x40}));
    // Launchpad: 32 bytes in 37; MIOS8: 1024 bytes in 1171.
    EXPECT_EQ(bitstream().wire_size(32), 37U);
    EXPECT_EQ(bitstream().data_size(37), 32U);
    EXPECT_EQ(bitstream().wire_size(1024), 1171U);
    // Padding bits are not data: set them and the decoded bytes stay the same.
    EXPECT_EQ(decode_payload(bitstream(), Bytes{0x40, 0x00, 0x3F}).data, (Bytes{0x80, 0x01}));
}

TEST(PayloadCodec, RoundTripsEveryEncoding) {
    Bytes data(100);
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<std::uint8_t>(i * 37 + 11);
    }
    for (const auto& c : {nibbles(true), nibbles(false), groups(4, false, true),
                          groups(7, true, true), groups(7, true, false), bitstream()}) {
        const auto wire = c.encode(data);
        EXPECT_EQ(wire.size(), c.wire_size(data.size())) << c.describe();
        const auto back = decode_payload(c, wire);
        EXPECT_FALSE(back.problem) << c.describe();
        EXPECT_EQ(back.data, data) << c.describe();
    }
}

TEST(PayloadCodec, HighByteInWireIsLocated) {
    const auto d = decode_payload(bitstream(), Bytes{0x40, 0x80, 0x20});
    ASSERT_TRUE(d.problem);
    EXPECT_EQ(d.problem->wire_index, 1U);
}

// The worked examples in firmware-manifests/README.md ("Worked examples, one per encoding").
TEST(PayloadCodec, ReadmeWorkedExamples) {
    PayloadCodec raw;
    EXPECT_EQ(raw.encode(Bytes{0x12, 0x7F, 0x00}), (Bytes{0x12, 0x7F, 0x00}));

    PayloadCodec nibbles;
    nibbles.encoding = PayloadEncoding::nibbles;
    EXPECT_EQ(nibbles.encode(Bytes{0xA5, 0x3C}), (Bytes{0x0A, 0x05, 0x03, 0x0C}));

    PayloadCodec four_in_five;
    four_in_five.encoding = PayloadEncoding::groups;
    four_in_five.group_bytes = 4;
    four_in_five.high_bits_before = false;
    EXPECT_EQ(four_in_five.encode(Bytes{0x81, 0x02, 0xFF, 0x7F}),
              (Bytes{0x01, 0x02, 0x7F, 0x7F, 0x05}));

    PayloadCodec seven_in_eight;
    seven_in_eight.encoding = PayloadEncoding::groups;
    seven_in_eight.group_bytes = 7;
    seven_in_eight.high_bits_before = true;
    EXPECT_EQ(seven_in_eight.encode(Bytes{0x80, 0x01}), (Bytes{0x01, 0x00, 0x01}));

    PayloadCodec bits;
    bits.encoding = PayloadEncoding::bitstream7;
    EXPECT_EQ(bits.encode(Bytes{0xA5, 0x3C}), (Bytes{0x52, 0x4F, 0x00}));
    EXPECT_EQ(bits.wire_size(32), 37U);
    EXPECT_EQ(bits.wire_size(1024), 1171U);
    EXPECT_EQ(bits.wire_size(64), 74U);
}

} // namespace
