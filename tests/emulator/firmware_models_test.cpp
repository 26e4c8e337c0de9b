// Octatrack and Prophet-600 firmware reception. Sources: Zac-Kyoti/octatrack-kyoti-fw FLASHING.md
// (startup menu, DIN only) [R]; gligli/p600fw documentation/latex/firmware.tex (U, S, E, 250 ms).
#include "emulator_test_helpers.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "emulator/elektron_octatrack_model.hpp"
#include "emulator/gligli_prophet600_model.hpp"
#include "emulator/modelled_firmware.hpp"

namespace syx::emu {
namespace {

using namespace syx::emu::test;
using OtMode = ElektronOctatrackModel::Mode;
using P600Mode = GligliProphet600Model::Mode;

const std::vector<std::string> kFunc{"func"};
const std::vector<std::string> kTapeButtons{"to-tape", "from-tape"};

TEST(ElektronOctatrackModel, IgnoresSysexDumps) {
    ElektronOctatrackModel ot(ElektronOctatrackModel::default_spec());
    const auto fw = make_test_firmware("elektron-octatrack", {0x01, 0x40, 0x00, 0x00});
    EXPECT_TRUE(ot.on_message(Bytes{0xF0, 0x00, 0x20, 0x3C, 0x01, 0x02, 0xF7}, ms(0)).empty());
    EXPECT_TRUE(ot.on_message(identity_request(), ms(10)).empty());
    EXPECT_TRUE(ot.on_message(fw[0], ms(20)).empty()); // not in the startup menu
    EXPECT_EQ(ot.sysex_ignored(), 3U);
    EXPECT_EQ(ot.state(), OtMode::normal);
}

TEST(ElektronOctatrackModel, StartupMenuMidiUpgradeWithPausesUpdates) {
    ElektronOctatrackModel ot(ElektronOctatrackModel::default_spec());
    ot.power_cycle(kFunc, ms(0));
    EXPECT_EQ(ot.display_text(), "STARTUP MENU\nTRIG 3: MIDI UPGRADE");
    ot.press("trig-3", ms(500));
    EXPECT_EQ(ot.display_text(), "READY TO RECEIVE");
    const auto fw = make_test_firmware("elektron-octatrack", {0x01, 0x40, 0x00, 0x00});
    ot.on_message(fw[0], ms(1000));
    EXPECT_EQ(ot.display_text(), "PREPARING FLASH");
    ot.on_message(fw[1], ms(1200));
    EXPECT_EQ(ot.display_text(), "UPDATING FLASH");
    std::vector<Bytes> rest(fw.begin() + 2, fw.end());
    const Time t = send_with_gaps(ot, rest, ms(1400), ms(200));
    ot.advance(t + ms(5000));
    EXPECT_EQ(ot.state(), OtMode::normal);
    EXPECT_EQ(ot.firmware_version_text(), "1.640");
}

TEST(ElektronOctatrackModel, ShortGapsAtTheDinRateAreTaken) {
    // Zac-Kyoti/octatrack-kyoti-fw FLASHING.md sends the OS with SysEx Librarian and suggests
    // 100-300 ms pauses only "if SysEx Librarian sends too fast and the OT loses sync" [R].
    ElektronOctatrackModel ot(ElektronOctatrackModel::default_spec());
    ot.power_cycle(kFunc, ms(0));
    ot.press("trig-3", ms(100));
    const auto fw = make_test_firmware("elektron-octatrack", {0x01, 0x40, 0x00, 0x00});
    const Time t = send_with_gaps(ot, fw, ms(1000), ms(20));
    ot.advance(t + ms(5000));
    EXPECT_EQ(ot.state(), OtMode::normal);
    EXPECT_EQ(ot.firmware_version_text(), "1.640");
}

TEST(ElektronOctatrackModel, DamagedBlockShowsChecksumErrorAndTheStartupMenuSurvives) {
    ElektronOctatrackModel ot(ElektronOctatrackModel::default_spec());
    ot.power_cycle(kFunc, ms(0));
    ot.press("trig-3", ms(100));
    const auto fw = make_test_firmware("elektron-octatrack", {0x01, 0x40, 0x00, 0x00});
    auto damaged = fw;
    damaged[1][damaged[1].size() / 2] ^= 0x01; // one flipped data bit in the second block
    send_with_gaps(ot, damaged, ms(1000), ms(20));
    EXPECT_EQ(ot.state(), OtMode::sync_lost);
    EXPECT_EQ(ot.display_text(), "CHKSUM ERROR"); // the loader's own text [R]
    ot.power_cycle({}, ms(60000));
    EXPECT_EQ(ot.state(), OtMode::no_os);
    ot.power_cycle(kFunc, ms(70000));
    EXPECT_EQ(ot.state(), OtMode::startup_menu);
    ot.press("trig-3", ms(71000));
    const Time t = send_with_gaps(ot, fw, ms(72000), ms(150));
    ot.advance(t + ms(5000));
    EXPECT_EQ(ot.state(), OtMode::normal);
}

TEST(ElektronOctatrackModel, UpgradeOverUsbDoesNothing) {
    auto spec = ElektronOctatrackModel::default_spec();
    spec.link = Link::usb;
    ElektronOctatrackModel ot(spec);
    ot.power_cycle(kFunc, ms(0));
    ot.press("trig-3", ms(100));
    const auto fw = make_test_firmware("elektron-octatrack", {0x01, 0x40, 0x00, 0x00});
    send_with_gaps(ot, fw, ms(1000), ms(200));
    EXPECT_EQ(ot.state(), OtMode::ready);
    EXPECT_EQ(ot.sysex_ignored(), fw.size());
}

TEST(GligliProphet600Model, TapeButtonsAtPowerOnShowU) {
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    EXPECT_EQ(p600.display_text(), "00");
    const std::vector<std::string> one{"to-tape"};
    p600.power_cycle(one, ms(0));
    EXPECT_EQ(p600.state(), P600Mode::normal);
    p600.power_cycle(kTapeButtons, ms(1000));
    EXPECT_EQ(p600.display_text(), "U");
}

TEST(GligliProphet600Model, SpinsWhileReceivingAndShowsSWith250msGaps) {
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    p600.power_cycle(kTapeButtons, ms(0));
    const auto fw = make_prophet600_test_firmware(6);
    std::vector<std::string> frames;
    Time t = ms(1000);
    for (std::size_t i = 0; i + 1 < fw.size(); ++i) {
        p600.on_message(fw[i], t);
        frames.push_back(p600.display_text());
        t += ms(250);
    }
    EXPECT_EQ(frames.size(), 6U);
    EXPECT_NE(frames[0], frames[1]); // spinning
    p600.on_message(fw.back(), t);
    EXPECT_EQ(p600.display_text(), "S");
}

TEST(GligliProphet600Model, GapUnder250msGivesE) {
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    p600.power_cycle(kTapeButtons, ms(0));
    send_with_gaps(p600, make_prophet600_test_firmware(6), ms(1000), ms(249));
    EXPECT_EQ(p600.display_text(), "E");
    EXPECT_NE(p600.error_reason().find("249 ms"), std::string::npos);
}

TEST(GligliProphet600Model, APageWithABadCrcGivesEAndNamesThePage) {
    // The updater checks every page's CRC-16/XMODEM and shows E on a mismatch [C: gligli/p600fw
    // documentation/latex/sysex_firmware.tex, firmware/p600firmware.c updater_main()].
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    p600.power_cycle(kTapeButtons, ms(0));
    auto fw = make_prophet600_test_firmware(6);
    fw[2][100] ^= 0x01; // one data bit of the third page; framing and size stay right
    send_with_gaps(p600, fw, ms(1000), ms(300));
    EXPECT_EQ(p600.display_text(), "E");
    EXPECT_NE(p600.error_reason().find("page message 3: CRC"), std::string::npos)
        << p600.error_reason();
    // The CRC bytes themselves are covered too: a damaged carried CRC is a mismatch.
    GligliProphet600Model other(GligliProphet600Model::default_spec());
    other.power_cycle(kTapeButtons, ms(0));
    auto fw2 = make_prophet600_test_firmware(6);
    fw2[0][fw2[0].size() - 2] ^= 0x01;
    send_with_gaps(other, fw2, ms(1000), ms(300));
    EXPECT_EQ(other.display_text(), "E");
}

TEST(GligliProphet600Model, AfterERepeatingTheTransferSucceeds) {
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    p600.power_cycle(kTapeButtons, ms(0));
    const auto fw = make_prophet600_test_firmware(6);
    send_with_gaps(p600, fw, ms(1000), ms(100));
    EXPECT_EQ(p600.display_text(), "E");
    // After E the updater reads nothing more until it is switched off [C: gligli/p600fw
    // firmware/p600firmware.c updater_main(), "loop infinitely"]: resending alone stays E.
    send_with_gaps(p600, fw, ms(5000), ms(300));
    EXPECT_EQ(p600.display_text(), "E");
    p600.power_cycle(kTapeButtons, ms(9000));
    send_with_gaps(p600, fw, ms(10000), ms(300));
    EXPECT_EQ(p600.display_text(), "S");
    p600.power_cycle({}, ms(20000));
    EXPECT_EQ(p600.state(), P600Mode::normal);
    EXPECT_EQ(p600.blocks_flashed(), 6U);
}

TEST(GligliProphet600Model, RealFirmwareFixtureFlashes) {
    SYX_REQUIRE_FIXTURE(path, "gligli_prophet600_firmware_2_0992.syx");
    const auto bytes = syx::test::read_file_bytes(path);
    // Split into messages at F7 (the file is plain concatenated SysEx [PROVENANCE.md]).
    std::vector<Bytes> messages;
    Bytes current;
    for (const auto b : bytes) {
        current.push_back(b);
        if (b == 0xF7) {
            messages.push_back(std::move(current));
            current.clear();
        }
    }
    ASSERT_EQ(messages.size(), 184U);
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    p600.power_cycle(kTapeButtons, ms(0));
    EXPECT_EQ(p600.expected_transfer_bytes(), bytes.size());
    send_with_gaps(p600, messages, ms(1000), ms(250));
    EXPECT_EQ(p600.display_text(), "S");
    EXPECT_EQ(p600.blocks_flashed(), 183U);

    GligliProphet600Model fast(GligliProphet600Model::default_spec());
    fast.power_cycle(kTapeButtons, ms(0));
    send_with_gaps(fast, messages, ms(1000), ms(50));
    EXPECT_EQ(fast.display_text(), "E");
}

// Prophet-600 patch dumps. gligli/p600fw documentation/latex/sysex_patch.tex: "F0", "00 61 16",
// patch dump type "01", data in blocks of 5 MIDI bytes, "F7"; first data byte = patch number,
// then the Storage Magic 00 61 16 A5 and the storage version. common/midi.c sysexSend: each
// block is the 4 bytes' low 7 bits, then one byte whose bit k is byte k's high bit. (The
// manual's examples number those bits the other way round; the firmware's code is what is sent.)
TEST(GligliProphet600Model, PatchManagementModeDumpsEveryStoredPatch) {
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    EXPECT_TRUE(p600.press("preset", ms(0)).empty()); // not in patch management mode
    p600.press("shift", ms(100));
    p600.press("record", ms(200));
    ASSERT_TRUE(p600.patch_management());
    const auto out = p600.press("preset", ms(300));
    ASSERT_FALSE(out.empty());
    std::size_t stored = 0;
    for (std::size_t n = 0; n < 100; ++n) {
        stored += p600.patch(n).has_value() ? 1U : 0U;
    }
    EXPECT_EQ(out.size(), stored); // empty slots are skipped
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto& m = out[i].bytes;
        ASSERT_GE(m.size(), 16U);
        EXPECT_EQ((Bytes{m.begin(), m.begin() + 5}), (Bytes{0xF0, 0x00, 0x61, 0x16, 0x01}));
        EXPECT_EQ((m.size() - 6) % 5, 0U); // whole 5-byte blocks
        EXPECT_EQ(m.back(), 0xF7);
        // First block: patch number, 00 61 16 (start of the Storage Magic), high bits 00.
        EXPECT_TRUE(p600.patch(m[5]).has_value()) << int{m[5]};
        EXPECT_EQ((Bytes{m.begin() + 6, m.begin() + 9}), (Bytes{0x00, 0x61, 0x16}));
        EXPECT_EQ(m[9], 0x00);
        // Second block: A5 (end of the magic), 08 (storage version 8), …; A5's high bit is bit 0
        // of the block's fifth byte.
        EXPECT_EQ(m[10], 0xA5 & 0x7F);
        EXPECT_EQ(m[11], 0x08);
        EXPECT_EQ(m[14] & 0x01, 0x01);
    }
}

TEST(GligliProphet600Model, ReceivedPatchIsStoredOnlyInPatchManagementMode) {
    GligliProphet600Model source(GligliProphet600Model::default_spec());
    Bytes page = *source.patch(3);
    page[0] = 42;  // patch number 42
    page[20] ^= 1; // different contents
    const Bytes message = GligliProphet600Model::patch_message(page);

    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    ASSERT_FALSE(p600.patch(42).has_value());
    p600.on_message(message, ms(0)); // preset mode: active controls only [patchmgmt.tex]
    EXPECT_FALSE(p600.patch(42).has_value());
    p600.press("shift", ms(100));
    p600.press("record", ms(200));
    p600.on_message(message, ms(300));
    ASSERT_TRUE(p600.patch(42).has_value());
    EXPECT_EQ(*p600.patch(42), page);
    EXPECT_EQ(p600.display_text(), "42"); // the stored patch's number
    p600.press("record", ms(400));        // RECORD leaves the mode
    EXPECT_FALSE(p600.patch_management());
}

TEST(GligliProphet600Model, PatchDumpRequestIsAnsweredForAStoredPatchOnly) {
    // common/midi.c: SYSEX_COMMAND_PATCH_DUMP_REQUEST 2 -> midi_dumpPreset(tempBuffer[4]).
    GligliProphet600Model p600(GligliProphet600Model::default_spec());
    const auto out = p600.on_message(Bytes{0xF0, 0x00, 0x61, 0x16, 0x02, 0x03, 0xF7}, ms(0));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].bytes, GligliProphet600Model::patch_message(*p600.patch(3)));
    EXPECT_TRUE(p600.on_message(Bytes{0xF0, 0x00, 0x61, 0x16, 0x02, 0x50, 0xF7}, ms(10)).empty());
}

} // namespace
} // namespace syx::emu
