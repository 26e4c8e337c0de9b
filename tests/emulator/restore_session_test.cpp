// Restores against the emulators (issue 6). K-Station bytes from its manual (DEVICES.md):
// F0 00 20 29 01 41 <SyCh> <type> <C> <Vv> <Vi> <B> <P> <data> F7; pair dump 270 bytes.
#include <gtest/gtest.h>

#include "core/restore_session.hpp"
#include "emulator/m_audio_code_model.hpp"
#include "emulator/moog_little_phatty_model.hpp"
#include "emulator/novation_k_station_model.hpp"
#include "emulator/session_harness.hpp"

namespace {

using namespace syx;
using namespace syx::session;
using syx::test::SessionHarness;
using syx::test::UserSteps;

// A single-bank front-panel dump of bank `bank`: 50 pair dumps with C=0 [C].
std::vector<Bytes> kstation_bank_dump(std::uint8_t bank, std::uint8_t fill) {
    std::vector<Bytes> out;
    for (std::uint8_t p = 0; p < 100; p += 2) {
        Bytes m{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, 0x02, 0x00, 0x01, 0x00, bank, p};
        for (int i = 0; i < 256; ++i) {
            m.push_back(static_cast<std::uint8_t>((fill + p + i) & 0x7F));
        }
        m.push_back(0xF7);
        out.push_back(std::move(m));
    }
    return out;
}

RestoreOptions over(Link link) {
    RestoreOptions o;
    o.link = link;
    return o;
}

Bytes program_data(const Bytes& pair, bool second) {
    const auto from = pair.begin() + 13 + (second ? 128 : 0);
    return Bytes(from, from + 128);
}

TEST(RestoreSession, KStationSingleBankBackupReturnsToItsOwnBankWithCSetToOne) {
    auto device = test::emulated("novation-k-station", Link::din);
    auto& ks = dynamic_cast<emu::NovationKStationModel&>(device->inner());
    ASSERT_EQ(ks.current_bank(), 1U); // the backup came from bank 2; bank 1 is current
    const Bytes bank1_before = ks.program(1, 0);
    const auto backup = kstation_bank_dump(2, 0x11);
    SessionHarness h(*device);
    RestoreSession s(test::shipped_manifest("novation-k-station"), test::syx_file(backup),
                     over(Link::din));
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(h.messages_in.size(), 50U);
    for (std::size_t i = 0; i < 50; ++i) {
        Bytes expected = backup[i];
        expected[8] = 0x01; // C=1, B kept
        EXPECT_EQ(h.messages_in[i], expected);
        EXPECT_EQ(ks.program(2, 2 * i), program_data(backup[i], false));
        EXPECT_EQ(ks.program(2, 2 * i + 1), program_data(backup[i], true));
    }
    EXPECT_EQ(ks.program(1, 0), bank1_before); // the current bank is untouched
}

TEST(RestoreSession, KStationToCurrentBankKeepsCZeroAndSaysItOverwritesTheCurrentBank) {
    auto device = test::emulated("novation-k-station", Link::din);
    auto& ks = dynamic_cast<emu::NovationKStationModel&>(device->inner());
    const Bytes bank2_before = ks.program(2, 0);
    const auto backup = kstation_bank_dump(2, 0x22);
    SessionHarness h(*device);
    RestoreOptions o = over(Link::din);
    o.rewrites = RewritePolicy::keep_original;
    RestoreSession s(test::shipped_manifest("novation-k-station"), test::syx_file(backup), o);
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success);
    EXPECT_EQ(h.messages_in, backup);                            // sent exactly as backed up
    EXPECT_EQ(ks.program(1, 0), program_data(backup[0], false)); // landed in the current bank
    EXPECT_EQ(ks.program(2, 0), bank2_before);
    const bool said = std::any_of(s.log().begin(), s.log().end(), [](const LogLine& l) {
        return l.text.find("current on the device, overwriting it") != std::string::npos;
    });
    EXPECT_TRUE(said);
}

TEST(RestoreSession, KStationAskPolicyOffersTheRewrite) {
    auto device = test::emulated("novation-k-station", Link::din);
    SessionHarness h(*device);
    RestoreOptions o = over(Link::din);
    o.rewrites = RewritePolicy::ask;
    RestoreSession s(test::shipped_manifest("novation-k-station"),
                     test::syx_file(kstation_bank_dump(3, 0x33)), o);
    UserSteps u;
    u.confirm["rewrite-0"] = "rewrite";
    const auto outcome = h.run(s, u);
    ASSERT_EQ(outcome.kind, OutcomeKind::success);
    ASSERT_FALSE(h.questions.empty());
    EXPECT_EQ(h.questions[0].id, "rewrite-0");
    EXPECT_EQ(h.messages_in[0][8], 0x01);
    EXPECT_EQ(h.messages_in[0][11], 0x03);
}

TEST(RestoreSession, CodePresetGoesBackToItsSlotAndTheUserIsToldToReload) {
    // Preset 3 as one Code dumps it (EDIT, MEM. DUMP, arrows, ENTER), then one byte changed
    // as an edit would; restored to a fresh Code.
    auto source = test::emulated("m-audio-code", Link::usb);
    source->press("edit", emu::Time{0});
    source->press("mem-dump", emu::Time{0});
    for (int i = 0; i < 3; ++i) {
        source->press("up", emu::Time{0});
    }
    const auto outs = source->press("enter", emu::Time{0});
    ASSERT_EQ(outs.size(), 1U);
    Bytes preset = outs[0].bytes;
    preset[preset.size() / 2] = static_cast<std::uint8_t>(preset[preset.size() / 2] ^ 0x01);
    auto device = test::emulated("m-audio-code", Link::usb);
    auto& code = dynamic_cast<emu::MAudioCodeModel&>(device->inner());
    SessionHarness h(*device);
    const Bytes slot3_before = code.stored(3);
    RestoreSession s(test::shipped_manifest("m-audio-code"), test::syx_file({preset}),
                     over(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(h.messages_in.size(), 1U);
    EXPECT_EQ(h.messages_in[0], preset);
    EXPECT_NE(code.stored(3), slot3_before); // slot 3, where it came from
    const auto it = std::find_if(h.questions.begin(), h.questions.end(),
                                 [](const auto& q) { return q.id == "restore-after-steps"; });
    ASSERT_NE(it, h.questions.end());
    EXPECT_NE(it->steps.front().find("Reload"), std::string::npos);
}

TEST(RestoreSession, LittlePhattyRealBankFixtureIsStoredByteForByte) {
    SYX_REQUIRE_FIXTURE(path, "moog_little_phatty_bank.syx");
    auto file = read_sysex_file(path);
    ASSERT_TRUE(file.ok());
    const auto whole = file->message_bytes();
    const Bytes bank(whole.begin(), whole.end());
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    RestoreSession s(test::shipped_manifest("moog-little-phatty"),
                     std::make_shared<const SysexFile>(std::move(*file)), over(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    auto& lp = dynamic_cast<emu::MoogLittlePhattyModel&>(device->inner());
    EXPECT_EQ(lp.bank(), bank);
}

TEST(RestoreSession, OctatrackRestoreIsRefusedWithTheCardInstructions) {
    auto device = test::emulated("elektron-octatrack", Link::din);
    SessionHarness h(*device);
    RestoreSession s(test::shipped_manifest("elektron-octatrack"),
                     test::syx_file({Bytes{0xF0, 0x00, 0x20, 0x3C, 0x01, 0xF7}}), over(Link::din));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::refused);
    EXPECT_NE(outcome.message.find("CF card"), std::string::npos);
    EXPECT_EQ(h.bytes_written, 0U);
}

TEST(RestoreSession, BackupOfAnotherDeviceIsRefusedAndNothingSent) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    RestoreSession s(test::shipped_manifest("moog-little-phatty"),
                     test::syx_file(kstation_bank_dump(1, 0)), over(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::refused);
    EXPECT_EQ(h.bytes_written, 0U);
}

} // namespace
