// Little Phatty wire formats pinned from the primary sources (not from the model's own output):
// dagargo/phatty phatty/connector.py (identity reply, requests, bank/bulk headers and sizes),
// dagargo/phatty tests/resources/bank.syx and dagargo/elektroid "Moog Little Phatty Preset.syx"
// (fixtures), the LP manual's SYSEX menu (pp. 41-42) and Moog forum reports [R].
#include "emulator_test_helpers.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "emulator/modelled_firmware.hpp"
#include "emulator/moog_little_phatty_model.hpp"

namespace syx::emu {
namespace {

using namespace syx::emu::test;
using Mode = MoogLittlePhattyModel::Mode;

MoogLittlePhattyModel make(Link link = Link::usb) {
    auto spec = MoogLittlePhattyModel::default_spec();
    spec.firmware_version = {0x01, 0x02, 0x03, 0x04};
    spec.link = link;
    return MoogLittlePhattyModel(spec);
}

// dagargo/phatty phatty/connector.py: REQUEST_PATCH = [4, 5, 6, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// (15 data bytes: 04 05 06 <req> <arg> + 10 zeros), sent framed as 17 bytes F0 … F7.
Bytes request(std::uint8_t req, std::uint8_t arg, std::size_t zeros = 10) {
    Bytes m{0xF0, 0x04, 0x05, 0x06, req, arg};
    m.insert(m.end(), zeros, 0x00);
    m.push_back(0xF7);
    return m;
}

TEST(MoogLittlePhattyModel, AnswersIdentityRequestWithDocumentedReplyAndVersion) {
    auto lp = make();
    const auto out = lp.on_message(identity_request(), ms(0));
    ASSERT_EQ(out.size(), 1U);
    const Bytes expected{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05,
                         0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0xF7};
    EXPECT_EQ(out[0].bytes, expected);
    EXPECT_GT(out[0].at, ms(0));
}

TEST(MoogLittlePhattyModel, SeventeenByteRequestAsThePhattyEditorSendsItIsAnswered) {
    auto lp = make();
    const Bytes editor_request{0xF0, 0x04, 0x05, 0x06, 0x04, 42,   0x00, 0x00, 0x00,
                               0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF7};
    ASSERT_EQ(editor_request.size(), 17U);
    const auto out = lp.on_message(editor_request, ms(0));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].bytes.size(), 193U);
}

TEST(MoogLittlePhattyModel, StoredPresetRequestWithTenElevenOrTwelveZerosGives193Bytes) {
    // 10 zeros [C: dagargo/phatty]; 11 and 12 are answered too [M].
    for (const std::size_t zeros : {10U, 11U, 12U}) {
        auto lp = make();
        const auto out = lp.on_message(request(0x04, 42, zeros), ms(0));
        ASSERT_EQ(out.size(), 1U) << zeros;
        const auto& m = out[0].bytes;
        ASSERT_EQ(m.size(), 193U);
        EXPECT_EQ((Bytes{m.begin(), m.begin() + 6}), (Bytes{0xF0, 0x04, 0x05, 0x05, 0x03, 42}));
        EXPECT_EQ(m.back(), 0xF7);
    }
}

TEST(MoogLittlePhattyModel, OtherPaddingsAndPresetsAbove99AreNotAnswered) {
    auto lp = make();
    EXPECT_TRUE(lp.on_message(request(0x04, 1, 9), ms(0)).empty());
    EXPECT_TRUE(lp.on_message(request(0x04, 1, 13), ms(0)).empty());
    EXPECT_TRUE(lp.on_message(request(0x04, 100), ms(0)).empty());
}

TEST(MoogLittlePhattyModel, PanelRequestAnswersWithByte3Set04) {
    auto lp = make();
    const auto out = lp.on_message(request(0x03, 0), ms(0));
    ASSERT_EQ(out.size(), 1U);
    ASSERT_EQ(out[0].bytes.size(), 193U);
    EXPECT_EQ(out[0].bytes[3], 0x04);
    EXPECT_EQ(out[0].bytes[4], 0x03);
}

TEST(MoogLittlePhattyModel, BankAndBulkAreSingleMessagesOfDocumentedSize) {
    auto lp = make();
    const auto bank = lp.on_message(request(0x00, 0), ms(0));
    ASSERT_EQ(bank.size(), 1U);
    EXPECT_EQ(bank[0].bytes.size(), 17144U);
    EXPECT_EQ((Bytes{bank[0].bytes.begin(), bank[0].bytes.begin() + 5}),
              (Bytes{0xF0, 0x04, 0x05, 0x01, 0x03}));
    const auto bulk = lp.on_message(request(0x02, 0), ms(0));
    ASSERT_EQ(bulk.size(), 1U);
    EXPECT_EQ(bulk[0].bytes.size(), 17277U);
    EXPECT_EQ((Bytes{bulk[0].bytes.begin(), bulk[0].bytes.begin() + 5}),
              (Bytes{0xF0, 0x04, 0x05, 0x03, 0x01}));
    EXPECT_EQ(bulk[0].bytes.back(), 0xF7);
}

TEST(MoogLittlePhattyModel, OverDinABankTakesItsWireTimeToArrive) {
    auto lp = make(Link::din);
    const auto out = lp.on_message(request(0x00, 0), ms(1000));
    ASSERT_EQ(out.size(), 1U);
    // 17 144 bytes × 320 µs = 5.486 s at DIN speed [C].
    EXPECT_GE(out[0].at, ms(1000) + std::chrono::microseconds{17144 * 320});
}

// A received single preset goes to the current preset location, whatever number it carries
// [R: the LP manual as quoted in issue 14; the page is not in our sources].
TEST(MoogLittlePhattyModel, ReceivedPresetGoesToTheCurrentPresetLocation) {
    Bytes preset{0xF0, 0x04, 0x05, 0x05, 0x03, 0x07};
    for (std::size_t i = 0; i < 186; ++i) {
        preset.push_back(static_cast<std::uint8_t>((i * 31) & 0x7F));
    }
    preset.push_back(0xF7);
    ASSERT_EQ(preset.size(), 193U);
    auto lp = make();
    lp.press("preset", ms(0));
    lp.press("preset", ms(0)); // current preset: 2
    ASSERT_EQ(lp.current_preset(), 2U);
    const Bytes before = lp.preset(7);
    EXPECT_TRUE(lp.on_message(preset, ms(0)).empty());
    EXPECT_EQ(lp.display_text(), "RECEIVING SINGLE PRESET");
    EXPECT_EQ(lp.preset(7), before); // slot 7 untouched
    const auto out = lp.on_message(request(0x04, 2), ms(10));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ((Bytes{out[0].bytes.begin() + 6, out[0].bytes.end()}),
              (Bytes{preset.begin() + 6, preset.end()}));
    lp.advance(ms(5000));
    EXPECT_NE(lp.display_text(), "RECEIVING SINGLE PRESET");
}

TEST(MoogLittlePhattyModel, RealBankFixtureRoundTrips) {
    SYX_REQUIRE_FIXTURE(path, "moog_little_phatty_bank.syx");
    // One 17 144-byte message F0 04 05 01 03 01 … F7 (PROVENANCE.md).
    const auto bytes = syx::test::read_file_bytes(path);
    ASSERT_EQ(bytes.size(), 17144U);
    auto lp = make();
    lp.on_message(bytes, ms(0));
    EXPECT_EQ(lp.display_text(), "RECEIVING ALL PRESETS");
    const auto out = lp.on_message(request(0x00, 0), ms(100));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].bytes, Bytes(bytes.begin(), bytes.end()));
}

TEST(MoogLittlePhattyModel, RealPresetFixtureIsStoredAtTheCurrentPreset) {
    SYX_REQUIRE_FIXTURE(path, "moog_little_phatty_preset_elektroid.syx");
    const auto bytes = syx::test::read_file_bytes(path);
    ASSERT_EQ(bytes.size(), 193U);
    ASSERT_EQ(bytes[5], 99); // preset #99 [fixture]
    auto lp = make();
    lp.on_message(bytes, ms(0));
    const auto out = lp.on_message(request(0x04, 0), ms(10)); // current preset 0
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ((Bytes{out[0].bytes.begin() + 6, out[0].bytes.end()}),
              (Bytes{bytes.begin() + 6, bytes.end()}));
}

TEST(MoogLittlePhattyModel, PacedFirmwareOverDinShowsStagesAndResetsWithNewVersion) {
    auto lp = make(Link::din);
    const auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x07});
    ASSERT_EQ(fw.size(), 1U);
    std::vector<std::string> seen;
    Time t = ms(0);
    const auto& m = fw[0];
    for (std::size_t i = 0; i < m.size(); i += 30) {
        const auto n = std::min<std::size_t>(30, m.size() - i);
        lp.on_message(std::span<const std::uint8_t>(m).subspan(i, n), t);
        t += ms(20); // 1500 B/s: under the flash writer's modelled 2000 B/s
        if (seen.empty() || seen.back() != lp.display_text()) {
            seen.push_back(lp.display_text());
        }
    }
    ASSERT_GE(seen.size(), 3U);
    // The documented order: RX FIRMWARE, RX STAGE 1, RX STAGE 2, then the reset.
    ASSERT_EQ(seen.size(), 4U);
    EXPECT_EQ(seen[0], "RX FIRMWARE");
    EXPECT_EQ(seen[1], "RX STAGE 1");
    EXPECT_EQ(seen[2], "RX STAGE 2");
    EXPECT_EQ(lp.mode(), "booting"); // the unit resets after an update [C]
    EXPECT_EQ(lp.state(), Mode::booting);
    auto lp2 = make(Link::din);
    t = send_paced(lp2, m, ms(0), 1500, 30);
    lp2.advance(t + ms(2000));
    EXPECT_EQ(lp2.mode(), "normal");
    const auto out = lp2.on_message(identity_request(), t + ms(2000));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ((Bytes{out[0].bytes.begin() + 10, out[0].bytes.end() - 1}),
              (Bytes{0x02, 0x01, 0x00, 0x07}));
}

TEST(MoogLittlePhattyModel, UnpacedFirmwareOverDinOverflowsIntoStage1ErrorThenCodeError2) {
    auto lp = make(Link::din);
    const auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x07});
    lp.on_message(fw[0], ms(0)); // one burst: faster than the input drains
    EXPECT_EQ(lp.display_text(), "Stage 1 Error\nCycle Power");
    EXPECT_TRUE(lp.on_message(identity_request(), ms(100)).empty());
    lp.power_cycle({}, ms(5000));
    EXPECT_EQ(lp.display_text(), "SEND FIRMWARE SX\nCODE ERROR 2");
    // The loop waits for the firmware again; paced, it succeeds.
    const Time t = send_paced(lp, fw[0], ms(6000), 1500, 30);
    lp.advance(t + ms(2000));
    EXPECT_EQ(lp.mode(), "normal");
    EXPECT_EQ(lp.firmware_version_text(), "2.1.0.7");
}

TEST(MoogLittlePhattyModel, FirmwareAtTheFullDinWireRateOverrunsTheFlashWritersInput) {
    // The forum story (seeds/003): over DIN cables "Cycle Power", then "send firmware sx code
    // error 2". Paced exactly at the wire's 3125 B/s, the unit writing flash falls behind [M].
    auto lp = make(Link::din);
    const auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x07});
    send_paced(lp, fw[0], ms(0), 3125, 16);
    EXPECT_EQ(lp.display_text(), "Stage 1 Error\nCycle Power");
    lp.power_cycle({}, ms(20000));
    EXPECT_EQ(lp.display_text(), "SEND FIRMWARE SX\nCODE ERROR 2");
}

TEST(MoogLittlePhattyModel, OneUnitBehindTwoCablesOverrunsOnlyFromItsDinInput) {
    // Its own USB port and a DIN interface at once: the bytes' link decides, not the spec's.
    auto lp = make(Link::usb);
    const auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x07});
    lp.set_input_link(Link::din);
    const Time t = send_paced(lp, fw[0], ms(0), 3125, 16);
    EXPECT_EQ(lp.display_text(), "Stage 1 Error\nCycle Power");
    lp.power_cycle({}, t + ms(1000));
    EXPECT_EQ(lp.display_text(), "SEND FIRMWARE SX\nCODE ERROR 2");
    lp.set_input_link(Link::usb);
    lp.on_message(fw[0], t + ms(2000)); // one burst: USB is flow controlled
    lp.advance(t + ms(5000));
    EXPECT_EQ(lp.mode(), "normal");
    EXPECT_EQ(lp.firmware_version_text(), "2.1.0.7");
}

TEST(MoogLittlePhattyModel, UsbLinkIsFlowControlledSoABurstSucceeds) {
    auto lp = make(Link::usb);
    const auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x07});
    lp.on_message(fw[0], ms(0));
    lp.advance(ms(2000));
    EXPECT_EQ(lp.mode(), "normal");
    EXPECT_EQ(lp.firmware_version_text(), "2.1.0.7");
}

TEST(MoogLittlePhattyModel, DamagedFirmwareEndsInCodeError2Loop) {
    auto lp = make(Link::usb);
    auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x07});
    fw[0][100] ^= 0x01;
    lp.on_message(fw[0], ms(0));
    EXPECT_EQ(lp.display_text(), "SEND FIRMWARE SX\nCODE ERROR 2");
    EXPECT_FALSE(lp.firmware_valid());
}

TEST(MoogLittlePhattyModel, InterruptedUpdateLeavesSendFirmwareLoop) {
    auto lp = make(Link::usb);
    const auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x07});
    lp.on_message(std::span<const std::uint8_t>(fw[0]).first(5000), ms(0));
    EXPECT_EQ(lp.mode(), "receiving-firmware");
    lp.power_cycle({}, ms(1000));
    EXPECT_EQ(lp.display_text(), "SEND FIRMWARE SX");
    EXPECT_TRUE(lp.on_message(identity_request(), ms(1100)).empty());
    lp.on_message(fw[0], ms(2000));
    lp.advance(ms(5000));
    EXPECT_EQ(lp.mode(), "normal");
}

TEST(MoogLittlePhattyModel, MidiDuringPowerUpGivesDataError3) {
    auto lp = make();
    lp.power_cycle({}, ms(0));
    EXPECT_EQ(lp.mode(), "booting");
    lp.on_message(identity_request(), ms(200));
    EXPECT_EQ(lp.display_text(), "SEND_FIRMWARE SX\nDATA ERROR 3");
    lp.power_cycle({}, ms(5000));
    lp.advance(ms(7000));
    EXPECT_EQ(lp.mode(), "normal");
}

// OS 3.x: "Update Firmware? PRESET=Yes"; PRESET erases the flash; the unit then waits for the
// Intel HEX file Moog's PhattyLoader sends, so a .syx changes nothing [R: Moog forum threads
// quoting the Slim Phatty and LP instructions].
TEST(MoogLittlePhattyModel, Os3MasterAtPowerOnAsksUpdateFirmwareAndPresetErases) {
    auto spec = MoogLittlePhattyModel::default_spec();
    spec.firmware_version = {0x03, 0x01, 0x00, 0x00};
    MoogLittlePhattyModel lp(spec);
    const std::vector<std::string> held{"master"};
    lp.power_cycle(held, ms(0));
    EXPECT_EQ(lp.display_text(), "Update Firmware?\nPRESET=Yes");
    lp.press("preset", ms(500));
    EXPECT_EQ(lp.display_text(), "Please Send Firmware");
    EXPECT_EQ(lp.firmware_version_text(), "");
    const auto fw = make_test_firmware("moog-little-phatty", {0x03, 0x00, 0x00, 0x01});
    lp.on_message(fw[0], ms(1000));
    lp.advance(ms(4000));
    EXPECT_EQ(lp.display_text(), "Please Send Firmware");
    EXPECT_EQ(lp.firmware_version_text(), "");
}

// OS 2.x: holding MASTER at power-on skips the SEND FIRMWARE SX request [R: forum t/5050]; it
// never offers to erase anything.
TEST(MoogLittlePhattyModel, Os2MasterAtPowerOnSkipsTheFirmwareRequest) {
    auto lp = make(); // OS 1.2.3.4
    const std::vector<std::string> held{"master"};
    lp.power_cycle(held, ms(0));
    lp.advance(ms(3000));
    EXPECT_EQ(lp.mode(), "normal");
    EXPECT_EQ(lp.firmware_version_text(), "1.2.3.4");
}

TEST(MoogLittlePhattyModel, FrontPanelSysexMenuSendsDumps) {
    auto lp = make();
    const auto preset = lp.press("sysex-send-preset", ms(0));
    ASSERT_EQ(preset.size(), 1U);
    EXPECT_EQ(preset[0].bytes.size(), 193U);
    const auto bank = lp.press("sysex-send-all", ms(0));
    ASSERT_EQ(bank.size(), 1U);
    EXPECT_EQ(bank[0].bytes.size(), 17144U);
}

} // namespace
} // namespace syx::emu
