#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/hex_text_reader.hpp"
#include "core/sysex_file.hpp"

namespace syx {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes text(const std::string& s) {
    return {s.begin(), s.end()};
}

const Finding* find(const SysexFile& file, const std::string& code) {
    for (const auto& f : file.findings) {
        if (f.code == code) {
            return &f;
        }
    }
    return nullptr;
}

TEST(HexTextReader, MidiOxListingWithCommentsAndAnyWhitespace) {
    const std::string listing = "; Identity request, as MIDI-OX saves it\r\n"
                                "F0 7E 7F 06 01 F7\r\n"
                                "# a Roland GS reset\n"
                                "f0 41 10\t42 12 40 00 7F 00 41 f7 // lower case is fine\n"
                                "0xF0,0x7D,0x01,0xF7\n"
                                "F0h 7Dh 02h F7h\n";
    const SysexFile file = read_sysex_bytes(text(listing));
    EXPECT_EQ(file.format, FileFormat::hex_text);
    EXPECT_TRUE(file.findings.empty()) << file.findings.front().text;
    ASSERT_EQ(file.messages.size(), 4U);
    const auto gs = file.bytes_of(1);
    EXPECT_EQ(Bytes(gs.begin(), gs.end()),
              (Bytes{0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7}));
    // Offsets point at the F0 in the text.
    EXPECT_EQ(file.messages[0].offset, listing.find("F0 7E"));
    EXPECT_EQ(file.messages[1].offset, listing.find("f0 41"));
    EXPECT_EQ(file.messages[2].offset, listing.find("F0,"));
    EXPECT_EQ(file.messages[3].offset, listing.find("F0h"));
}

TEST(HexTextReader, ContiguousHexIsAccepted) {
    const SysexFile file = read_sysex_bytes(text("F07E7F0601F7\n"));
    EXPECT_EQ(file.format, FileFormat::hex_text);
    ASSERT_EQ(file.messages.size(), 1U);
    EXPECT_EQ(file.messages[0].length, 6U);
}

TEST(HexTextReader, FramingProblemsAreLocatedInTheText) {
    const std::string listing = "F0 43 10 01 F7\nF0 43 10\n";
    const SysexFile file = read_sysex_bytes(text(listing));
    ASSERT_EQ(file.messages.size(), 1U);
    const Finding* missing = find(file, "missing-f7");
    ASSERT_NE(missing, nullptr);
    EXPECT_EQ(missing->offset, 15U); // the second "F0", on line 2
    EXPECT_NE(missing->text.find("line 2"), std::string::npos);
}

TEST(HexTextReader, HexDumpWithOffsetsIsNotSysex) {
    const std::string dump = "00000000: f07e 7f06 01f7                           .~....\n"
                             "00000006: f041 1042 1240 007f 0041 f7            .A.B.@...A.\n";
    const SysexFile file = read_sysex_bytes(text(dump));
    EXPECT_TRUE(file.messages.empty());
    const Finding* f = find(file, "text-not-sysex");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->text.find("hex dump"), std::string::npos);

    const std::string hexdump_c =
        "00000000  f0 7e 7f 06 01 f7                                 |.~....|\n"
        "00000006\n";
    const SysexFile c = read_sysex_bytes(text(hexdump_c));
    EXPECT_NE(find(c, "text-not-sysex"), nullptr);
}

TEST(HexTextReader, ProseAndWebPagesAreNotSysex) {
    const SysexFile prose = read_sysex_bytes(text("Patch notes: use the second bank.\n"));
    const Finding* f = find(prose, "text-not-sysex");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->offset, 0U);
    EXPECT_NE(f->text.find("\"Patch\""), std::string::npos);
    EXPECT_EQ(prose.format, FileFormat::unknown);

    const SysexFile page = read_sysex_bytes(text("<!DOCTYPE html>\n<html><body>...</body></html>"));
    const Finding* h = find(page, "text-not-sysex");
    ASSERT_NE(h, nullptr);
    EXPECT_NE(h->text.find("web page"), std::string::npos);
}

TEST(HexTextReader, TextDetection) {
    EXPECT_TRUE(looks_like_text(text("F0 7E 7F 06 01 F7\n; Müller's patch\n")));
    const Bytes binary = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
    EXPECT_FALSE(looks_like_text(binary));
    // F0 followed by a 7-bit byte is not UTF-8, even without control bytes.
    const Bytes f0_then_ascii = {0xF0, 0x41, 0x42, 0x43, 0xF7};
    EXPECT_FALSE(looks_like_text(f0_then_ascii));
}

TEST(HexTextReader, DecodeReportsTheBadToken) {
    const HexTextDecode d = decode_hex_text(text("F0 7E\n7F 0G F7\n"));
    EXPECT_FALSE(d.ok);
    EXPECT_EQ(d.error_line, 2U);
    EXPECT_EQ(d.error_offset, 9U);
    EXPECT_NE(d.problem.find("0G"), std::string::npos);
}

} // namespace
} // namespace syx
