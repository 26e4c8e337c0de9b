// The MIDIFly settings messages against the bytes its manual documents (DEVICES.md "Parker
// MIDIFly", seeds/: "SYSEX Specification", bytes 0–23 of each message), typed in here from the
// documentation, not produced by the builder.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/midifly_settings.hpp"

namespace syx::midifly {
namespace {

std::vector<std::uint8_t> hex(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::uint8_t> out;
    std::string byte;
    while (in >> byte) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(byte, nullptr, 16)));
    }
    return out;
}

std::vector<std::uint8_t> built(Setting s, std::uint8_t channel) {
    auto r = build_setting_message(s, channel);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : std::vector<std::uint8_t>{};
}

TEST(MidiflySettings, SingleChannelModeIsTheManualsMessageWithTheChannelInByte22) {
    EXPECT_EQ(built(Setting::single_channel, 0x00),
              hex("F0 00 01 25 27 00 00 00 00 00 01 00 00 00 0A 03 02 00 00 00 00 00 00 F7"));
    EXPECT_EQ(built(Setting::single_channel, 0x0F),
              hex("F0 00 01 25 27 00 00 00 00 00 01 00 00 00 0A 03 02 00 00 00 00 00 0F F7"));
}

TEST(MidiflySettings, MultiChannelStringsOneToThreeAreTheManualsMessages) {
    EXPECT_EQ(built(Setting::string1_channel, 0x03),
              hex("F0 00 01 25 21 00 02 00 00 00 01 00 00 00 02 09 0D 00 03 00 00 00 00 F7"));
    EXPECT_EQ(built(Setting::string2_channel, 0x0A),
              hex("F0 00 01 25 22 00 02 00 00 00 01 00 00 00 00 09 0D 00 0A 00 00 00 00 F7"));
    EXPECT_EQ(built(Setting::string3_channel, 0x00),
              hex("F0 00 01 25 23 00 01 00 00 00 01 00 00 00 02 09 0D 00 00 00 00 00 00 F7"));
}

TEST(MidiflySettings, EveryDocumentedMessageIs24BytesWithThePreamble) {
    for (const auto& info : settings()) {
        if (!info.documented) {
            continue;
        }
        const auto bytes = built(info.setting, 0x05);
        ASSERT_EQ(bytes.size(), kMessageBytes) << info.id;
        EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 4), hex("F0 00 01 25"))
            << info.id;
        EXPECT_EQ(bytes.back(), 0xF7) << info.id;
    }
}

TEST(MidiflySettings, UndocumentedSettingsAreRefusedNotGuessed) {
    int unavailable = 0;
    for (const auto& info : settings()) {
        if (info.documented) {
            continue;
        }
        ++unavailable;
        EXPECT_FALSE(info.reason.empty()) << info.id;
        const auto r = build_setting_message(info.setting, 0x00);
        ASSERT_FALSE(r.ok()) << info.id;
        EXPECT_EQ(r.error().code, ErrorCode::refused);
        EXPECT_NE(r.error().message.find("will not guess"), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(unavailable, 4) << "strings 4, 5, 6 and restore defaults";
    ASSERT_NE(find_setting("restore-defaults"), nullptr);
    EXPECT_FALSE(find_setting("restore-defaults")->documented);
    EXPECT_FALSE(find_setting("string-4")->documented);
    EXPECT_TRUE(find_setting("string-3")->documented);
}

TEST(MidiflySettings, AChannelAbove0FIsAUsageError) {
    const auto r = build_setting_message(Setting::single_channel, 0x10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::usage);
}

} // namespace
} // namespace syx::midifly
