// M-Audio Code and Jomox: backups are manual front-panel dumps. Code: M-Audio support article
// (../shared/seeds/000: EDIT, MEM. DUMP, arrows, ENTER; 256 bytes; reload) and the "M-Audio CODE
// MIDI Keyboard: SysEx Reverse Engineering" notes (reply command 63, "61 0a 3b xx" write form,
// 00 = RAM, 01 = first preset) [R].
#include "emulator_test_helpers.hpp"
#include <gtest/gtest.h>

#include "emulator/jomox_model.hpp"
#include "emulator/m_audio_code_model.hpp"

namespace syx::emu {
namespace {

using namespace syx::emu::test;

TEST(MAudioCodeModel, ManualDumpSendsOne256BytePresetOfTheChosenSlot) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    EXPECT_TRUE(code.press("edit", ms(0)).empty());
    EXPECT_TRUE(code.press("mem-dump", ms(100)).empty());
    EXPECT_EQ(code.display_text(), "MEM. DUMP\nP01");
    code.press("up", ms(200));
    EXPECT_EQ(code.display_text(), "MEM. DUMP\nP02");
    const auto out = code.press("enter", ms(300));
    ASSERT_EQ(out.size(), 1U);
    const auto& m = out[0].bytes;
    EXPECT_EQ(m.size(), 256U); // the vendor guide's example [C]
    // F0 00 01 05 7F 31 06 63 0A 3B nn: reply command 63 with 0A 3B and the preset number [R].
    EXPECT_EQ((Bytes{m.begin(), m.begin() + 10}),
              (Bytes{0xF0, 0x00, 0x01, 0x05, 0x7F, 0x31, 0x06, 0x63, 0x0A, 0x3B}));
    EXPECT_EQ(m[10], 0x02); // preset 2: numbers start at 01 (00 is the RAM) [R]
    EXPECT_EQ(m.back(), 0xF7);
}

TEST(MAudioCodeModel, AnswersTheShortIdentityReplyOfTheNotes) {
    // F0 7E 7F 06 02 00 01 05 31 06 31 30 34 34 F7, 15 bytes [R: the Code reverse-engineering
    // notes as cited in ../shared/DEVICES.md].
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    const auto out = code.on_message(identity_request(), ms(0));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].bytes, (Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x00, 0x01, 0x05, 0x31, 0x06, 0x31,
                                   0x30, 0x34, 0x34, 0xF7}));
}

TEST(MAudioCodeModel, TwelvePresetsAndTheRamNumberIsNotAStoredPreset) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    const std::size_t data_bytes =
        MAudioCodeModel::kPresetBytes - MAudioCodeModel::kHeaderBytes - 1;
    code.on_message(MAudioCodeModel::preset_message(11, Bytes(data_bytes, 0x22)), ms(0));
    EXPECT_EQ(code.stored(11), Bytes(data_bytes, 0x22)); // preset 0C
    auto ram = MAudioCodeModel::preset_message(0, Bytes(data_bytes, 0x44));
    ram[MAudioCodeModel::kHeaderBytes - 1] = 0x00; // 00 = RAM [R]
    code.on_message(ram, ms(10));
    EXPECT_NE(code.stored(0), Bytes(data_bytes, 0x44));
}

TEST(MAudioCodeModel, EnterWithoutEditAndMemDumpSendsNothing) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    EXPECT_TRUE(code.press("enter", ms(0)).empty());
    EXPECT_TRUE(code.press("mem-dump", ms(0)).empty());
    EXPECT_TRUE(code.press("enter", ms(0)).empty());
}

TEST(MAudioCodeModel, ReceivedPresetGoesToItsSlotAndShowsOnlyAfterReload) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    const std::string before = code.display_text();
    EXPECT_EQ(before, "P01 USER01");
    Bytes data(MAudioCodeModel::kPresetBytes - MAudioCodeModel::kHeaderBytes - 1, 0x10);
    const std::string name = "GNMIDI"; // 6 characters [R]
    std::copy(name.begin(), name.end(), data.begin());
    code.on_message(MAudioCodeModel::preset_message(0, data), ms(0));
    EXPECT_EQ(code.stored(0), data);
    EXPECT_EQ(code.display_text(), before); // not yet reloaded [C]
    code.press("up", ms(100));
    code.press("down", ms(200));
    EXPECT_EQ(code.display_text(), "P01 GNMIDI");
}

TEST(MAudioCodeModel, PowerCycleAlsoReloads) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    Bytes data(MAudioCodeModel::kPresetBytes - MAudioCodeModel::kHeaderBytes - 1, 0x41);
    code.on_message(MAudioCodeModel::preset_message(0, data), ms(0));
    code.power_cycle({}, ms(1000));
    EXPECT_EQ(code.loaded(), data);
}

TEST(MAudioCodeModel, APresetForAnotherSlotDoesNotTouchTheCurrentOne) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    const auto loaded = code.loaded();
    const Bytes data(MAudioCodeModel::kPresetBytes - MAudioCodeModel::kHeaderBytes - 1, 0x33);
    code.on_message(MAudioCodeModel::preset_message(4, data), ms(0));
    code.press("up", ms(10));
    code.press("down", ms(20));
    EXPECT_EQ(code.loaded(), loaded);
    EXPECT_EQ(code.stored(4), data);
}

TEST(JomoxModel, PatternDumpsOneAtATimeWithJomoxScheme) {
    for (const bool mbrane : {true, false}) {
        JomoxModel jomox(mbrane ? JomoxModel::mbrane_spec() : JomoxModel::mbase_spec(),
                         mbrane ? JomoxModel::kProductMBrane11 : JomoxModel::kProductMBase11);
        const auto first = jomox.press("dump-pattern", ms(0));
        ASSERT_EQ(first.size(), 1U);
        const auto& m = first[0].bytes;
        // F0 31 7F <product> 02 55 … F7 [C for AlphaBase; product and size M]
        EXPECT_EQ(m[0], 0xF0);
        EXPECT_EQ(m[1], 0x31);
        EXPECT_EQ(m[2], 0x7F);
        EXPECT_EQ(m[3], jomox.product());
        EXPECT_EQ(m[4], 0x02);
        EXPECT_EQ(m[5], 0x55);
        EXPECT_EQ(m.back(), 0xF7);
        jomox.press("pattern-next", ms(100));
        const auto second = jomox.press("dump-pattern", ms(200));
        ASSERT_EQ(second.size(), 1U);
        EXPECT_NE(second[0].bytes, m);
        EXPECT_EQ(second[0].bytes[6], 0x01);
    }
}

TEST(JomoxModel, ReceivedPatternIsStoredOnlyForItsOwnProduct) {
    JomoxModel mbrane(JomoxModel::mbrane_spec(), JomoxModel::kProductMBrane11);
    JomoxModel mbase(JomoxModel::mbase_spec(), JomoxModel::kProductMBase11);
    auto dump = mbrane.pattern_message(3);
    mbrane.press("pattern-next", ms(0));
    const auto before = mbase.pattern(3);
    mbase.on_message(dump, ms(0));
    EXPECT_EQ(mbase.pattern(3), before);
    dump[10] = 0x7F;
    mbrane.on_message(dump, ms(0));
    EXPECT_EQ(mbrane.pattern(3).at(3), 0x7F);
}

} // namespace
} // namespace syx::emu
