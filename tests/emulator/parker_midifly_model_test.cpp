// MIDIFly settings messages pinned from the manual's bytes (DEVICES.md, seeds/).
#include "emulator_test_helpers.hpp"
#include <gtest/gtest.h>

#include "emulator/modelled_firmware.hpp"
#include "emulator/parker_midifly_model.hpp"

namespace syx::emu {
namespace {

using namespace syx::emu::test;
using Memory = ParkerMidiflyModel::Memory;

ParkerMidiflyModel make() {
    return ParkerMidiflyModel(ParkerMidiflyModel::default_spec());
}

TEST(ParkerMidiflyModel, SingleChannelSelectSetsTheChannel) {
    auto fly = make();
    const Bytes m{0xF0, 0x00, 0x01, 0x25, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
                  0x00, 0x00, 0x0A, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0xF7};
    ASSERT_EQ(m.size(), 24U);
    EXPECT_TRUE(fly.on_message(m, ms(0)).empty());
    EXPECT_TRUE(fly.settings().single_channel_mode);
    EXPECT_EQ(fly.settings().single_channel, 9);
    EXPECT_EQ(fly.memory(), Memory::ok);
}

TEST(ParkerMidiflyModel, MultiChannelStrings1To3SetTheirChannels) {
    auto fly = make();
    const Bytes s1{0xF0, 0x00, 0x01, 0x25, 0x21, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
                   0x00, 0x00, 0x02, 0x09, 0x0D, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0xF7};
    const Bytes s2{0xF0, 0x00, 0x01, 0x25, 0x22, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
                   0x00, 0x00, 0x00, 0x09, 0x0D, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0xF7};
    const Bytes s3{0xF0, 0x00, 0x01, 0x25, 0x23, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
                   0x00, 0x00, 0x02, 0x09, 0x0D, 0x00, 0x0F, 0x00, 0x00, 0x00, 0x00, 0xF7};
    fly.on_message(s1, ms(0));
    fly.on_message(s2, ms(10));
    fly.on_message(s3, ms(20));
    EXPECT_EQ(fly.settings().string_channel[0], 3);
    EXPECT_EQ(fly.settings().string_channel[1], 4);
    EXPECT_EQ(fly.settings().string_channel[2], 15);
    EXPECT_EQ(fly.memory(), Memory::ok);
}

TEST(ParkerMidiflyModel, DoesNotAnswerIdentityRequests) {
    auto fly = make();
    EXPECT_TRUE(fly.on_message(identity_request(), ms(0)).empty());
}

TEST(ParkerMidiflyModel, FirmwareWith150msGapsUpgrades) {
    auto fly = make();
    const auto fw = make_test_firmware("parker-midifly", {0x02, 0x03, 0x00, 0x00});
    send_with_gaps(fly, fw, ms(0), ms(150));
    EXPECT_EQ(fly.memory(), Memory::ok);
    EXPECT_EQ(fly.firmware_version_text(), "2.3.0.0");
}

TEST(ParkerMidiflyModel, GapUnder150msCorruptsProgramMemoryUntilRecovery) {
    auto fly = make();
    const auto fw = make_test_firmware("parker-midifly", {0x02, 0x03, 0x00, 0x00});
    send_with_gaps(fly, fw, ms(0), ms(149));
    EXPECT_EQ(fly.memory(), Memory::corrupted);
    EXPECT_NE(fly.corruption_reason().find("149 ms"), std::string::npos);
    // A correct upgrade is not enough: the manual says Recovery first [C].
    send_with_gaps(fly, fw, ms(60000), ms(200));
    EXPECT_EQ(fly.memory(), Memory::corrupted);
    fly.press("recovery", ms(120000));
    EXPECT_EQ(fly.memory(), Memory::recovered);
    send_with_gaps(fly, fw, ms(121000), ms(200));
    EXPECT_EQ(fly.memory(), Memory::ok);
    EXPECT_EQ(fly.firmware_version_text(), "2.3.0.0");
}

TEST(ParkerMidiflyModel, GapIsMeasuredFromF7ArrivalToNextF0) {
    auto fly = make();
    const auto fw = make_test_firmware("parker-midifly", {0x02, 0x03, 0x00, 0x00});
    // Message 1 starts at 0 but its F7 arrives only at 100 ms (slow link); message 2 starts
    // at 200 ms: 200 ms after the first F0, only 100 ms after its F7.
    const auto& first = fw[0];
    fly.on_message(std::span<const std::uint8_t>(first).first(first.size() - 1), ms(0));
    fly.on_message(std::span<const std::uint8_t>(first).last(1), ms(100));
    fly.on_message(fw[1], ms(200));
    EXPECT_EQ(fly.memory(), Memory::corrupted);
}

TEST(ParkerMidiflyModel, AnyOtherMidiflyMessageOverwritesProgramMemory) {
    auto fly = make();
    // Not a settings message and not firmware: the manual warns the device does not protect
    // itself [C]; what exactly happens is modelled as corruption.
    fly.on_message(Bytes{0xF0, 0x00, 0x01, 0x25, 0x30, 0x01, 0x02, 0xF7}, ms(0));
    EXPECT_EQ(fly.memory(), Memory::corrupted);
}

TEST(ParkerMidiflyModel, OtherManufacturersAreIgnored) {
    auto fly = make();
    fly.on_message(Bytes{0xF0, 0x00, 0x20, 0x29, 0x01, 0x02, 0xF7}, ms(0));
    EXPECT_EQ(fly.memory(), Memory::ok);
}

TEST(ParkerMidiflyModel, PowerRemovedDuringUpgradeCorrupts) {
    auto fly = make();
    const auto fw = make_test_firmware("parker-midifly", {0x02, 0x03, 0x00, 0x00});
    fly.on_message(fw[0], ms(0));
    fly.on_message(fw[1], ms(200));
    EXPECT_EQ(fly.memory(), Memory::upgrading);
    fly.power_loss(ms(300));
    EXPECT_EQ(fly.memory(), Memory::corrupted);
    EXPECT_EQ(fly.buttons().at(0).id, "recovery");
}

} // namespace
} // namespace syx::emu
