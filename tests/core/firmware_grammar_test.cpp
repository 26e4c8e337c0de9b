// The firmware grammar on its own: grammars written as the sources describe the loaders
// (../shared/FIRMWARE_FORMATS.md), small enough to work messages out by hand. Each test builds
// files with our encoder, checks the bytes against hand-worked examples, then damages, reorders
// and truncates them and checks that decode_firmware finds and locates each.
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "core/firmware_grammar.hpp"

namespace {

using namespace syx;
using Bytes = std::vector<std::uint8_t>;

BytePattern pattern(const char* text) {
    return BytePattern::parse(text).value();
}

// Mutable Instruments: F0 00 21 02 00 <product> 7E 00 <page + sum, nibbles high first> F7, end
// F0 00 21 02 00 <product> 7F 00 F7. Pages of 4 bytes here to work by hand.
FirmwareGrammar mutable_like(std::size_t page = 4) {
    FirmwareGrammar g;
    g.name = "Test Mutable firmware";
    g.block_noun = "page";
    MessageType block;
    block.id = "block";
    block.description = "a flash page";
    block.headers = {pattern("F0 00 21 02 00 02 7E 00"), pattern("F0 00 20 77 00 02 7E 00")};
    block.codec.encoding = PayloadEncoding::nibbles;
    block.payload_bytes = page;
    block.image_data = true;
    block.checksum.kind = ChecksumAlgorithm::sum;
    block.checksum.sum = SumForm::mod256;
    block.checksum.over = ChecksumOver::decoded;
    block.checksum.place = ChecksumPlace::payload_tail;
    block.checksum.bytes = 1;
    MessageType end;
    end.id = "end";
    end.description = "the reboot message";
    end.headers = {pattern("F0 00 21 02 00 02 7F 00 F7"), pattern("F0 00 20 77 00 02 7F 00 F7")};
    end.exact = true;
    g.messages = {block, end};
    g.sequence = {{"block", 1, SIZE_MAX}, {"end", 1, 1}};
    return g;
}

// GliGli Prophet-600: F0 00 61 16 6B <page size 14-bit> <page 14-bit> <4-in-5 data>
// <CRC-16/XMODEM over the wire bytes from the page size, split 7/7/2> F7; pages highest first.
FirmwareGrammar p600_like(std::size_t page = 4) {
    FirmwareGrammar g;
    g.name = "Test P600 firmware";
    g.block_noun = "page";
    g.order = BlockOrder::descending;
    MessageType block;
    block.id = "block";
    block.description = "a flash page";
    block.headers = {pattern("F0 00 61 16 6B")};
    block.fields = {
        {"page size", FieldEncoding::msb_first_7bit, 2, 1, 0, 0, std::nullopt,
         FieldRole::block_bytes},
        {"page", FieldEncoding::msb_first_7bit, 2, 1, 0, 0, std::nullopt, FieldRole::block_number}};
    block.codec.encoding = PayloadEncoding::groups;
    block.codec.group_bytes = 4;
    block.codec.high_bits_before = false;
    block.codec.first_byte_in_low_bit = true;
    block.payload_bytes = page;
    block.image_data = true;
    block.checksum.kind = ChecksumAlgorithm::crc;
    block.checksum.crc = CrcModel{16, 0x1021, 0, false, false, 0};
    block.checksum.over = ChecksumOver::wire;
    block.checksum.from = 5;
    block.checksum.place = ChecksumPlace::trailing;
    block.checksum.split_bits = {7, 7, 2};
    MessageType end;
    end.id = "end";
    end.description = "the end marker";
    end.headers = {pattern("F0 00 61 16 6B 00 00 F7")};
    end.exact = true;
    // The end marker also starts like a block: it must be tried first.
    g.messages = {end, block};
    g.sequence = {{"block", 1, SIZE_MAX}, {"end", 1, 1}};
    return g;
}

// Novation Launchpad X family: 71 init, 7C header with image size and CRC-32/MPEG-2 as 8 nibbles
// each, 72 blocks of 32 bytes in 37 (bit stream), one 73 block = image block 0, sent last.
FirmwareGrammar launchpad_x_like() {
    FirmwareGrammar g;
    g.name = "Test Launchpad X firmware";
    g.order = BlockOrder::first_block_last;
    g.image_crc = CrcModel{32, 0x04C11DB7, 0xFFFFFFFF, false, false, 0};
    MessageType init;
    init.id = "init";
    init.description = "the update init message";
    init.headers = {pattern("F0 00 20 29 00 71 02 0C 00 00 00")};
    init.fields = {
        {"version", FieldEncoding::digits, 3, 1, 0, 0, std::nullopt, FieldRole::version}};
    MessageType header;
    header.id = "header";
    header.description = "the image header";
    header.headers = {pattern("F0 00 20 29 00 7C 00 30 30 30")};
    header.fields = {{"version", FieldEncoding::digits, 3, 1, 0, 0, std::nullopt, FieldRole::none},
                     {"image size", FieldEncoding::nibbles_high_first, 8, 1, 0, 0, std::nullopt,
                      FieldRole::image_bytes},
                     {"image CRC", FieldEncoding::nibbles_high_first, 8, 1, 0, 0, std::nullopt,
                      FieldRole::image_crc}};
    MessageType block;
    block.id = "block";
    block.description = "an image block";
    block.headers = {pattern("F0 00 20 29 00 72")};
    block.codec.encoding = PayloadEncoding::bitstream7;
    block.payload_bytes = 32;
    block.image_data = true;
    MessageType last = block;
    last.id = "last-block";
    last.description = "the final block (image block 0)";
    last.headers = {pattern("F0 00 20 29 00 73")};
    g.messages = {init, header, block, last};
    g.sequence = {{"init", 1, 1}, {"header", 1, 1}, {"block", 0, SIZE_MAX}, {"last-block", 1, 1}};
    return g;
}

std::vector<std::span<const std::uint8_t>> views(const std::vector<Bytes>& messages) {
    return {messages.begin(), messages.end()};
}

Bytes image_of(std::size_t n) {
    Bytes image(n);
    for (std::size_t i = 0; i < n; ++i) {
        image[i] = static_cast<std::uint8_t>(i * 29 + 3);
    }
    return image;
}

bool has_problem(const DecodedFirmware& d, const std::string& code, std::size_t message) {
    return std::any_of(d.problems.begin(), d.problems.end(), [&](const GrammarFinding& f) {
        return f.code == code && f.message == message;
    });
}

TEST(FirmwareGrammar, MutablePageWorkedByHand) {
    const auto g = mutable_like(2);
    // Page 12 F0: sum 0x102 mod 256 = 02; nibbles high first.
    const Bytes page{0x12, 0xF0};
    const auto message = encode_message(*g.find("block"), page, {});
    EXPECT_EQ(message, (Bytes{0xF0, 0x00, 0x21, 0x02, 0x00, 0x02, 0x7E, 0x00, 0x01, 0x02, 0x0F,
                              0x00, 0x00, 0x02, 0xF7}));
}

TEST(FirmwareGrammar, MutableFileDecodesAndSaysWhatItFound) {
    const auto g = mutable_like();
    const auto image = image_of(10); // three pages, the last padded with zeros
    const auto file = encode_firmware(g, image);
    ASSERT_EQ(file.size(), 4U);
    EXPECT_EQ(file.back(), pattern("F0 00 21 02 00 02 7F 00 F7").concrete());
    const auto d = decode_firmware(g, views(file));
    EXPECT_TRUE(d.ok()) << d.problems.front().text;
    EXPECT_EQ(d.data_messages, 3U);
    EXPECT_EQ(d.block_bytes, 4U);
    Bytes padded = image;
    padded.resize(12, 0);
    EXPECT_EQ(d.image, padded);
    EXPECT_EQ(d.summary(g), "Test Mutable firmware, 3 pages of 4 bytes, every page checksum "
                            "correct, image 12 bytes, ends with the reboot message");
}

TEST(FirmwareGrammar, NoMessagesIsNotFirmware) {
    // Found by firmware_grammar_fuzz: an empty list decoded as "ok".
    const auto d = decode_firmware(mutable_like(), {});
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.problems.front().code, "truncated");
    EXPECT_NE(d.problems.front().text.find("holds no messages"), std::string::npos);
}

TEST(FirmwareGrammar, MutableOldManufacturerIdIsTheSameLoader) {
    auto file = encode_firmware(mutable_like(), image_of(8));
    for (auto& m : file) {
        m[2] = 0x20; // 00 21 02 → 00 20 77 (the Shruthi loader accepts both)
        m[3] = 0x77;
    }
    EXPECT_TRUE(decode_firmware(mutable_like(), views(file)).ok());
}

TEST(FirmwareGrammar, EveryDamagedPayloadByteIsFoundAtItsMessage) {
    const auto g = mutable_like();
    const auto file = encode_firmware(g, image_of(12));
    for (std::size_t m = 0; m < 3; ++m) {
        for (std::size_t i = 8; i + 1 < file[m].size(); ++i) {
            auto damaged = file;
            damaged[m][i] ^= 0x01; // still a nibble, still 7-bit
            const auto d = decode_firmware(g, views(damaged));
            ASSERT_FALSE(d.ok()) << "message " << m << " byte " << i;
            EXPECT_EQ(d.problems.front().message, m);
            EXPECT_EQ(d.problems.front().code, "checksum-mismatch");
        }
    }
}

TEST(FirmwareGrammar, NotANibbleIsLocatedToTheByte) {
    const auto g = mutable_like();
    auto file = encode_firmware(g, image_of(8));
    file[1][11] = 0x40;
    const auto d = decode_firmware(g, views(file));
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.problems.front().code, "bad-payload");
    EXPECT_EQ(d.problems.front().message, 1U);
    EXPECT_EQ(d.problems.front().byte, 11U);
}

TEST(FirmwareGrammar, TruncatedAndReorderedMutableFilesAreRefused) {
    const auto g = mutable_like();
    const auto file = encode_firmware(g, image_of(12));
    auto no_end = file;
    no_end.pop_back();
    auto d = decode_firmware(g, views(no_end));
    EXPECT_TRUE(has_problem(d, "truncated", 2)) << d.summary(g);

    auto cut = file;
    cut[1].erase(cut[1].begin() + 10, cut[1].begin() + 12);
    d = decode_firmware(g, views(cut));
    EXPECT_TRUE(has_problem(d, "wrong-size", 1));

    auto end_first = file;
    std::rotate(end_first.begin(), end_first.end() - 1, end_first.end());
    d = decode_firmware(g, views(end_first));
    EXPECT_TRUE(has_problem(d, "wrong-order", 0));
}

TEST(FirmwareGrammar, OtherMessagesOfTheSameMakerAreNotFirmware) {
    const auto g = mutable_like();
    // A patch transfer: same prefix, command 01 (FIRMWARE_FORMATS.md: 40, 41 … are data).
    const std::vector<Bytes> patch{
        {0xF0, 0x00, 0x21, 0x02, 0x00, 0x02, 0x01, 0x00, 0x01, 0x02, 0x00, 0x03, 0xF7}};
    const auto d = decode_firmware(g, views(patch));
    EXPECT_TRUE(has_problem(d, "not-firmware", 0));
}

TEST(FirmwareGrammar, Prophet600PageWorkedByHand) {
    const auto g = p600_like();
    const Bytes page{0x80, 0x01, 0xFF, 0x7F};
    EncodeValues v;
    v.block_number = 3;
    const auto m = encode_message(*g.find("block"), page, v);
    // Size 4 = 00 04, page 3 = 00 03, 4-in-5: 00 01 7F 7F 05, then the CRC of those 9 bytes.
    const Bytes covered{0x00, 0x04, 0x00, 0x03, 0x00, 0x01, 0x7F, 0x7F, 0x05};
    const auto crc = crc_of(CrcModel{16, 0x1021, 0, false, false, 0}, covered);
    Bytes expected{0xF0, 0x00, 0x61, 0x16, 0x6B};
    expected.insert(expected.end(), covered.begin(), covered.end());
    expected.push_back(static_cast<std::uint8_t>((crc >> 9) & 0x7F));
    expected.push_back(static_cast<std::uint8_t>((crc >> 2) & 0x7F));
    expected.push_back(static_cast<std::uint8_t>(crc & 0x03));
    expected.push_back(0xF7);
    EXPECT_EQ(m, expected);
}

TEST(FirmwareGrammar, Prophet600OrderAndCrc) {
    const auto g = p600_like();
    const auto file = encode_firmware(g, image_of(16)); // pages 3, 2, 1, 0, end
    ASSERT_EQ(file.size(), 5U);
    EXPECT_EQ(file[0][8], 3U); // page number low byte
    EXPECT_EQ(file[3][8], 0U);
    auto d = decode_firmware(g, views(file));
    ASSERT_TRUE(d.ok()) << d.problems.front().text;
    EXPECT_EQ(d.image, image_of(16));

    // A swapped pair: the order is wrong at the first of them.
    auto swapped = file;
    std::swap(swapped[1], swapped[2]);
    d = decode_firmware(g, views(swapped));
    EXPECT_TRUE(has_problem(d, "block-order", 1));

    // Any byte after the header: found, at that message.
    for (std::size_t i = 5; i + 1 < file[2].size(); ++i) {
        auto damaged = file;
        damaged[2][i] =
            static_cast<std::uint8_t>(damaged[2][i] ^ (i + 2 == file[2].size() ? 0x01 : 0x10));
        d = decode_firmware(g, views(damaged));
        ASSERT_FALSE(d.ok()) << "byte " << i;
        EXPECT_EQ(d.problems.front().message, 2U) << "byte " << i;
    }
}

TEST(FirmwareGrammar, LaunchpadImageCrcAgainstTheHeader) {
    const auto g = launchpad_x_like();
    const auto image = image_of(100); // 4 blocks: 72 × 3 (blocks 1–3), then 73 (block 0)
    const auto file = encode_firmware(g, image, 351);
    ASSERT_EQ(file.size(), 6U);
    EXPECT_EQ(file[0].size(), 15U);
    EXPECT_EQ(file[2][5], 0x72);
    EXPECT_EQ(file[5][5], 0x73);
    EXPECT_EQ(file[2].size(), 44U);
    // The header's size: 100 = 00000064 in nibbles high first.
    EXPECT_EQ(Bytes(file[1].begin() + 13, file[1].begin() + 21), (Bytes{0, 0, 0, 0, 0, 0, 6, 4}));
    auto d = decode_firmware(g, views(file));
    ASSERT_TRUE(d.ok()) << d.problems.front().text;
    EXPECT_EQ(Bytes(d.image.begin(), d.image.begin() + 100), image);
    EXPECT_EQ(d.declared_version, "351");
    EXPECT_EQ(d.image_crc, crc_of(*g.image_crc, image));

    // No per-block checksum: a damaged data byte is found by the image CRC, at the header.
    auto damaged = file;
    damaged[3][10] ^= 0x01;
    d = decode_firmware(g, views(damaged));
    EXPECT_TRUE(has_problem(d, "image-crc-mismatch", 1)) << d.summary(g);

    // Padding bits of a block are not data: changing them changes nothing.
    auto padded = file;
    padded[3][42] |= 0x07;
    EXPECT_TRUE(decode_firmware(g, views(padded)).ok());

    // A block missing: the image is shorter than the header says.
    auto missing = file;
    missing.erase(missing.begin() + 3);
    d = decode_firmware(g, views(missing));
    EXPECT_FALSE(d.ok());

    // Block 0 not last: the init/header order holds, but the sequence does not.
    auto reordered = file;
    std::swap(reordered[4], reordered[5]);
    d = decode_firmware(g, views(reordered));
    EXPECT_TRUE(has_problem(d, "wrong-order", 5)) << d.summary(g);
}

TEST(FirmwareGrammar, FieldWithMaskAndScaleAsMios8) {
    // MIOS8 command byte <au·16 | 2>; address (AH<<10)|(AL<<3) = 14 bits × 8.
    MessageType t;
    t.id = "block";
    t.description = "a code block";
    t.headers = {pattern("F0 00 00 7E 40 00")};
    t.fields = {
        {"command", FieldEncoding::msb_first_7bit, 1, 1, 0x0F, 0x02, std::nullopt, FieldRole::none},
        {"address", FieldEncoding::msb_first_7bit, 2, 8, 0, 0, std::nullopt, FieldRole::address},
        {"count", FieldEncoding::msb_first_7bit, 2, 8, 0, 0, std::nullopt,
         FieldRole::payload_bytes}};
    t.codec.encoding = PayloadEncoding::bitstream7;
    t.max_payload_bytes = 1024;
    t.image_data = true;
    t.checksum.kind = ChecksumAlgorithm::sum;
    t.checksum.sum = SumForm::twos_complement_7bit;
    t.checksum.over = ChecksumOver::wire;
    t.checksum.from = 7; // AH AL CH CL and the dump
    t.checksum.place = ChecksumPlace::trailing;
    t.checksum.split_bits = {7};
    EncodeValues v;
    v.address = 0x3000;
    const Bytes data(64, 0xFF);
    const auto m = encode_message(t, data, v);
    // 0x3000 / 8 = 0x600 → AH 0C AL 00; 64 / 8 = 8 → CH 00 CL 08.
    EXPECT_EQ(Bytes(m.begin() + 6, m.begin() + 11), (Bytes{0x02, 0x0C, 0x00, 0x00, 0x08}));
    EXPECT_EQ(m.size(), 6U + 5 + 74 + 1 + 1); // 64 bytes → 74 wire bytes
    std::vector<GrammarFinding> problems;
    const auto d = decode_message(t, m, 0, problems);
    ASSERT_TRUE(d);
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(d->fields[1].value, 0x3000U);
    EXPECT_EQ(d->data, data);
    auto bad = m;
    bad[6] = 0x03; // not command 2
    problems.clear();
    (void)decode_message(t, bad, 0, problems);
    ASSERT_FALSE(problems.empty());
    EXPECT_EQ(problems.front().byte, 6U);
}

} // namespace
