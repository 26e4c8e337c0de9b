// K-Station messages pinned from the K-Station manual's SysEx appendix (pp.; the pair,
// global and request pages are in ../shared/seeds/004) and, for the A-Station family,
// christofmuc/KnobKraft-orm adaptations/Novation_AStation.py.
#include "emulator_test_helpers.hpp"
#include <gtest/gtest.h>

#include "emulator/novation_k_station_model.hpp"

namespace syx::emu {
namespace {

using namespace syx::emu::test;

NovationKStationModel make() {
    return NovationKStationModel(NovationKStationModel::default_spec());
}

const Bytes kHeaderStart{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41};

Bytes dump(std::uint8_t type, std::uint8_t c, std::uint8_t b, std::uint8_t p, std::size_t size,
           std::uint8_t fill) {
    Bytes m{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, type, c, 0x00, 0x00, b, p};
    m.insert(m.end(), size, fill);
    m.push_back(0xF7);
    return m;
}

TEST(NovationKStationModel, CurrentSoundRequestIsAnsweredWith142ByteType00Dump) {
    auto ks = make();
    ks.press("bank-next", ms(0)); // bank 2: the dump still carries B P = 00 00
    const Bytes request{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F,
                        0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF7};
    const auto out = ks.on_message(request, ms(0));
    ASSERT_EQ(out.size(), 1U);
    const auto& m = out[0].bytes;
    ASSERT_EQ(m.size(), 142U); // 13 header + 128 + F7 [C]
    EXPECT_EQ((Bytes{m.begin(), m.begin() + 6}), kHeaderStart);
    EXPECT_EQ(m[6], 0x7F); // transmitted SyCh [C]
    EXPECT_EQ(m[7], 0x00); // current sound dump
    // K-Station manual, SysEx appendix p. A-6 (current sound dump): B and P transmitted as 00 00;
    // KnobKraft-orm adaptations/Novation_AStation.py isEditBufferDump: message[11] == 0x00 and
    // message[12] == 0x00.
    EXPECT_EQ(m[11], 0x00);
    EXPECT_EQ(m[12], 0x00);
    EXPECT_EQ(m.back(), 0xF7);
    EXPECT_EQ((Bytes{m.begin() + 13, m.end() - 1}), ks.current_sound());
}

TEST(NovationKStationModel, RequestOnReceiveChannelIsAnsweredOtherChannelsAreNot) {
    auto ks = make();
    ks.set_receive_channel(0x03);
    Bytes request{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x03,
                  0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF7};
    EXPECT_EQ(ks.on_message(request, ms(0)).size(), 1U);
    request[6] = 0x04;
    EXPECT_TRUE(ks.on_message(request, ms(10)).empty());
}

TEST(NovationKStationModel, SingleBankDumpIs50PairDumpsWithC0AndCurrentBank) {
    auto ks = make();
    ks.press("bank-next", ms(0)); // bank 2
    const auto out = ks.press("dump-bank", ms(10));
    ASSERT_EQ(out.size(), 50U);
    std::size_t total = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto& m = out[i].bytes;
        ASSERT_EQ(m.size(), 270U);
        EXPECT_EQ((Bytes{m.begin(), m.begin() + 6}), kHeaderStart);
        EXPECT_EQ(m[7], 0x02);   // pair
        EXPECT_EQ(m[8], 0x00);   // C=0
        EXPECT_EQ(m[11], 0x02);  // B = current bank
        EXPECT_EQ(m[12], 2 * i); // P = 0, 2, … 98
        total += m.size();
        if (i > 0) {
            EXPECT_GT(out[i].at, out[i - 1].at); // one after another on the wire
        }
    }
    EXPECT_EQ(total, 13500U); // a bank = 13 500 bytes [C]
}

TEST(NovationKStationModel, AllBanksDumpUsesC1AndEachBank) {
    auto ks = make();
    const auto out = ks.press("dump-all-banks", ms(0));
    ASSERT_EQ(out.size(), 200U);
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].bytes[8], 0x01);
        EXPECT_EQ(out[i].bytes[11], 1 + i / 50);
        EXPECT_EQ(out[i].bytes[12], 2 * (i % 50));
    }
}

TEST(NovationKStationModel, GlobalDumpIs270BytesType03) {
    auto ks = make();
    const auto out = ks.press("dump-global", ms(0));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].bytes.size(), 270U);
    EXPECT_EQ(out[0].bytes[7], 0x03);
    EXPECT_EQ(out[0].bytes[8], 0x00);
}

TEST(NovationKStationModel, PairDumpWithC1LandsInBankB) {
    auto ks = make();
    ks.on_message(dump(0x02, 0x01, 0x03, 10, 256, 0x55), ms(0));
    EXPECT_EQ(ks.program(3, 10), Bytes(128, 0x55));
    EXPECT_EQ(ks.program(3, 11), Bytes(128, 0x55));
    EXPECT_NE(ks.program(1, 10), Bytes(128, 0x55));
}

TEST(NovationKStationModel, PairDumpWithC0LandsInTheCurrentBankWhateverBSays) {
    auto ks = make();
    ks.press("bank-next", ms(0)); // current bank 2
    ks.on_message(dump(0x02, 0x00, 0x03, 10, 256, 0x66), ms(10));
    EXPECT_EQ(ks.program(2, 10), Bytes(128, 0x66));
    EXPECT_NE(ks.program(3, 10), Bytes(128, 0x66));
}

TEST(NovationKStationModel, ProgramDumpHonoursCAndB) {
    auto ks = make();
    ks.on_message(dump(0x01, 0x01, 0x04, 99, 128, 0x11), ms(0));
    EXPECT_EQ(ks.program(4, 99), Bytes(128, 0x11));
    ks.on_message(dump(0x01, 0x00, 0x04, 98, 128, 0x12), ms(0));
    EXPECT_EQ(ks.program(1, 98), Bytes(128, 0x12));
}

TEST(NovationKStationModel, GlobalDumpOverwritesGlobalsIgnoringCBP) {
    auto ks = make();
    ks.on_message(dump(0x03, 0x01, 0x02, 0x05, 256, 0x22), ms(0));
    EXPECT_EQ(ks.globals(), Bytes(256, 0x22));
}

TEST(NovationKStationModel, SingleBankBackupRestoredWithC0LandsInWhicheverBankIsCurrent) {
    // The trap the manual warns about: a single-bank backup of bank 1 restored while bank 3 is
    // selected overwrites bank 3.
    auto source = make();
    const auto backup = source.press("dump-bank", ms(0));
    auto target = make();
    for (int i = 0; i < 2; ++i) {
        target.press("bank-next", ms(0));
    }
    ASSERT_EQ(target.current_bank(), 3U);
    const auto bank3_before = target.program(3, 0);
    Time t = ms(0);
    for (const auto& o : backup) {
        target.on_message(o.bytes, t);
        t += ms(100);
    }
    EXPECT_EQ(target.program(3, 0), source.program(1, 0));
    EXPECT_NE(target.program(3, 0), bank3_before);
}

} // namespace
} // namespace syx::emu
