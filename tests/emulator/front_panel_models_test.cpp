// M-Audio Code and Jomox: backups are manual front-panel dumps (DEVICES.md).
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
    EXPECT_EQ((Bytes{m.begin(), m.begin() + 4}), (Bytes{0xF0, 0x00, 0x01, 0x05}));
    EXPECT_EQ(m[8], 0x01); // slot 2, 0-based [M]
    EXPECT_EQ(m.back(), 0xF7);
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
    EXPECT_EQ(before, "P01 PRESET01");
    Bytes data(246, 0x10);
    const std::string name = "GNMIDI  ";
    std::copy(name.begin(), name.end(), data.begin());
    code.on_message(MAudioCodeModel::preset_message(0, data), ms(0));
    EXPECT_EQ(code.stored(0), data);
    EXPECT_EQ(code.display_text(), before); // not yet reloaded [C]
    code.press("up", ms(100));
    code.press("down", ms(200));
    EXPECT_EQ(code.display_text(), "P01 GNMIDI  ");
}

TEST(MAudioCodeModel, PowerCycleAlsoReloads) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    Bytes data(246, 0x41);
    code.on_message(MAudioCodeModel::preset_message(0, data), ms(0));
    code.power_cycle({}, ms(1000));
    EXPECT_EQ(code.loaded(), data);
}

TEST(MAudioCodeModel, APresetForAnotherSlotDoesNotTouchTheCurrentOne) {
    MAudioCodeModel code(MAudioCodeModel::default_spec());
    const auto loaded = code.loaded();
    code.on_message(MAudioCodeModel::preset_message(4, Bytes(246, 0x33)), ms(0));
    code.press("up", ms(10));
    code.press("down", ms(20));
    EXPECT_EQ(code.loaded(), loaded);
    EXPECT_EQ(code.stored(4), Bytes(246, 0x33));
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
