// Backups against the emulators in virtual time (issue 6). Byte expectations come from
// the primary sources named at each message, not from our own output.
#include <gtest/gtest.h>

#include "core/backup_session.hpp"
#include "emulator/session_harness.hpp"

namespace {

using namespace syx;
using namespace syx::session;
using syx::test::SessionHarness;
using syx::test::UserSteps;

const Bytes kIdentityRequest{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}; // MIDI 1.0 [C]

// dagargo/phatty phatty/connector.py: REQUEST_BULK = [4, 5, 6, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
// sent framed: 17 bytes.
const Bytes kLpBulkRequest{0xF0, 0x04, 0x05, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00,
                           0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF7};

bool starts_with(const Bytes& m, std::initializer_list<std::uint8_t> prefix) {
    return m.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), m.begin());
}

TEST(BackupSession, LittlePhattyIdentifiesThenRequestsTheBulkDumpAndKeepsItByteIdentical) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("moog-little-phatty"));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(h.messages_in.size(), 2U);
    EXPECT_EQ(h.messages_in[0], kIdentityRequest);
    EXPECT_EQ(h.messages_in[1], kLpBulkRequest);
    ASSERT_EQ(s.result().messages.size(), 1U);
    const auto& bulk = s.result().messages[0];
    // One message F0 04 05 03 01 … of 17 277 bytes: dagargo/phatty phatty/connector.py
    // RED_BULK_SIZE = 17142 + 133 data bytes, + F0 and F7.
    EXPECT_EQ(bulk.size(), 17277U);
    EXPECT_TRUE(starts_with(bulk, {0xF0, 0x04, 0x05, 0x03, 0x01}));
    ASSERT_EQ(h.device_sent.size(), 2U);
    EXPECT_EQ(bulk, h.device_sent[1]); // byte-identical to what the device sent
    EXPECT_TRUE(s.result().verdict.complete);
    ASSERT_TRUE(s.result().identity.has_value());
    EXPECT_TRUE(s.result().identity->matches_manifest);
    EXPECT_EQ(s.result().identity->version_text, "2.0.0.4");
}

TEST(BackupSession, LittlePhattyThatNeverAnswersIsNoAnswerAndNoBackup) {
    auto device = test::emulated("moog-little-phatty", Link::usb, {"no-reply"});
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("moog-little-phatty"));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::no_answer);
    EXPECT_EQ(exit_code_for(outcome.kind), 5);
    EXPECT_TRUE(s.result().messages.empty());
    EXPECT_FALSE(s.result().verdict.complete);
    // Two identity requests (attempts), never a dump request.
    EXPECT_EQ(h.messages_in.size(), 2U);
}

TEST(BackupSession, WrongDeviceOnThePortStopsBeforeTheDumpRequest) {
    // wrong-device: a K-Station answers on the Phatty's port (it sends no identity reply), so
    // use a Phatty answering a port where the K-Station... is not identity-capable; instead the
    // Phatty port is served by another model that does not answer: no answer, no dump request.
    auto device = test::emulated("moog-little-phatty", Link::usb, {"wrong-device"});
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("moog-little-phatty"));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_NE(outcome.kind, OutcomeKind::success);
    for (const auto& m : h.messages_in) {
        EXPECT_EQ(m, kIdentityRequest);
    }
    EXPECT_TRUE(s.result().messages.empty());
}

TEST(BackupSession, SlowReplyWithinTheTimeoutStillCompletes) {
    auto device = test::emulated("moog-little-phatty", Link::usb, {"slow-reply=1000"});
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("moog-little-phatty"));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(s.result().messages.size(), 1U);
    EXPECT_EQ(s.result().messages[0].size(), 17277U);
}

TEST(BackupSession, BulkDumpCutShortIsIncompleteNeverABackup) {
    // The device's output stops after the identity reply: the bulk dump never arrives.
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    h.device_output_limit = 1;
    BackupSession s(test::shipped_manifest("moog-little-phatty"));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::no_answer);
    EXPECT_FALSE(s.result().verdict.complete);
    EXPECT_TRUE(s.result().messages.empty());
}

// K-Station pair dump: F0 00 20 29 01 41 <SyCh> 02 <C> <Vv> <Vi> <B> <P> … F7, 270 bytes [C].
void expect_pair_dump(const Bytes& m, std::uint8_t c, std::uint8_t bank) {
    ASSERT_EQ(m.size(), 270U);
    EXPECT_TRUE(starts_with(m, {0xF0, 0x00, 0x20, 0x29, 0x01, 0x41}));
    EXPECT_EQ(m[7], 0x02);
    EXPECT_EQ(m[8], c);
    EXPECT_EQ(m[11], bank);
}

UserSteps kstation_user(std::vector<std::string> presses) {
    UserSteps u;
    u.manual_dump = [presses](const Question& q, SessionHarness& h,
                              std::size_t call) -> std::optional<Event> {
        EXPECT_EQ(q.purpose, QuestionPurpose::manual_dump);
        if (call == 0) {
            for (const auto& p : presses) {
                h.press(p);
            }
        }
        return std::nullopt; // let the dump arrive
    };
    return u;
}

TEST(BackupSession, KStationSingleBankDumpEndsAsSoonAsFiftyPairDumpsArrived) {
    auto device = test::emulated("novation-k-station", Link::din);
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("novation-k-station"));
    const auto outcome = h.run(s, kstation_user({"bank-next", "dump-bank"})); // bank 2
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(s.result().messages.size(), 50U);
    for (std::size_t i = 0; i < 50; ++i) {
        expect_pair_dump(s.result().messages[i], 0x00, 2);
        EXPECT_EQ(s.result().messages[i][12], 2 * i); // P = 0, 2, … 98
        EXPECT_EQ(s.result().messages[i], h.device_sent[i]);
    }
    EXPECT_TRUE(s.result().verdict.complete);
    // Live count: the question was re-issued with the count as messages arrived.
    ASSERT_GE(h.questions.size(), 2U);
    EXPECT_NE(h.questions.back().text.find(" of 50 (group 2: "), std::string::npos)
        << h.questions.back().text;
    EXPECT_EQ(h.questions.back().text.find(" 0 of 50"), std::string::npos);
    // Nothing was sent to a K-Station during a backup.
    EXPECT_TRUE(h.messages_in.empty());
}

TEST(BackupSession, KStationAllBanksDumpNeedsBanksOneToFour) {
    auto device = test::emulated("novation-k-station", Link::din);
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("novation-k-station"));
    const auto outcome = h.run(s, kstation_user({"dump-all-banks"}));
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(s.result().messages.size(), 200U); // not done after bank 1's 50
    for (std::size_t i = 0; i < 200; ++i) {
        expect_pair_dump(s.result().messages[i], 0x01, static_cast<std::uint8_t>(1 + i / 50));
    }
    EXPECT_EQ(s.result().messages, h.device_sent);
}

TEST(BackupSession, KStationAllBanksDumpThatStopsAfterTwoBanksIsIncomplete) {
    auto device = test::emulated("novation-k-station", Link::din);
    SessionHarness h(*device);
    h.device_output_limit = 100; // banks 1 and 2 arrive, then the cable comes out
    BackupSession s(test::shipped_manifest("novation-k-station"));
    const auto outcome = h.run(s, kstation_user({"dump-all-banks"}));
    EXPECT_EQ(outcome.kind, OutcomeKind::incomplete) << outcome.message;
    EXPECT_EQ(exit_code_for(outcome.kind), 5);
    EXPECT_FALSE(s.result().verdict.complete);
    EXPECT_NE(s.result().verdict.missing.find("group 3"), std::string::npos)
        << s.result().verdict.missing;
}

TEST(BackupSession, KStationSingleBankMissingTheLastPairsIsIncomplete) {
    auto device = test::emulated("novation-k-station", Link::din);
    SessionHarness h(*device);
    h.device_output_limit = 47;
    BackupSession s(test::shipped_manifest("novation-k-station"));
    const auto outcome = h.run(s, kstation_user({"dump-bank"}));
    EXPECT_EQ(outcome.kind, OutcomeKind::incomplete);
    EXPECT_EQ(s.result().messages.size(), 47U);
    EXPECT_NE(s.result().verdict.missing.find("94, 96, 98"), std::string::npos)
        << s.result().verdict.missing;
}

TEST(BackupSession, CodeRecordsOnePresetPerManualDumpUntilTheUserSaysDone) {
    auto device = test::emulated("m-audio-code", Link::usb);
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("m-audio-code"));
    UserSteps u;
    u.manual_dump = [](const Question& q, SessionHarness& hh,
                       std::size_t call) -> std::optional<Event> {
        // The vendor's steps: EDIT, MEM. DUMP, pick the preset with the arrows, ENTER.
        if (call >= 3) {
            return Event::user_answered(q.id, "done");
        }
        hh.press("edit");
        hh.press("mem-dump");
        for (std::size_t i = 0; i < call; ++i) {
            hh.press("up");
        }
        hh.press("enter");
        return std::nullopt;
    };
    const auto outcome = h.run(s, u);
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(s.result().messages.size(), 3U);
    EXPECT_EQ(s.result().messages, h.device_sent);
    for (const auto& m : s.result().messages) {
        EXPECT_TRUE(starts_with(m, {0xF0, 0x00, 0x01, 0x05})); // M-Audio 00 01 05 [C]
    }
}

TEST(BackupSession, JomoxRecordsManyDumpsUntilDone) {
    auto device = test::emulated("jomox-mbrane-11", Link::din);
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("jomox-mbrane-11"));
    UserSteps u;
    u.manual_dump = [](const Question& q, SessionHarness& hh,
                       std::size_t call) -> std::optional<Event> {
        if (call >= 4) {
            return Event::user_answered(q.id, "done");
        }
        hh.press("dump-pattern");
        hh.press("pattern-next");
        return std::nullopt;
    };
    const auto outcome = h.run(s, u);
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(s.result().messages.size(), 4U);
    for (const auto& m : s.result().messages) {
        EXPECT_TRUE(starts_with(m, {0xF0, 0x31, 0x7F})); // Jomox scheme F0 31 7F … [C]
        EXPECT_EQ(m[4], 0x02);                           // pattern
    }
}

TEST(BackupSession, JomoxDoneWithNothingRecordedIsNoBackup) {
    auto device = test::emulated("jomox-mbrane-11", Link::din);
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("jomox-mbrane-11"));
    UserSteps u;
    u.manual_dump = [](const Question& q, SessionHarness&, std::size_t) -> std::optional<Event> {
        return Event::user_answered(q.id, "done");
    };
    const auto outcome = h.run(s, u);
    EXPECT_NE(outcome.kind, OutcomeKind::success);
    EXPECT_FALSE(s.result().verdict.complete);
}

TEST(BackupSession, MidiflyAndOctatrackSayThereIsNoSysexBackupAndSendNothing) {
    for (const std::string id : {"parker-midifly", "elektron-octatrack"}) {
        auto device = test::emulated(id, Link::din);
        SessionHarness h(*device);
        BackupSession s(test::shipped_manifest(id));
        const auto outcome = h.run(s, UserSteps{});
        EXPECT_EQ(outcome.kind, OutcomeKind::success) << id;
        EXPECT_TRUE(s.result().backup_not_available) << id;
        EXPECT_TRUE(h.messages_in.empty()) << id;
        EXPECT_TRUE(s.result().messages.empty()) << id;
    }
    auto device = test::emulated("elektron-octatrack", Link::din);
    SessionHarness h(*device);
    BackupSession s(test::shipped_manifest("elektron-octatrack"));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_NE(outcome.message.find("set folder"), std::string::npos) << outcome.message;
    auto midifly = test::emulated("parker-midifly", Link::din);
    SessionHarness hm(*midifly);
    BackupSession sm(test::shipped_manifest("parker-midifly"));
    EXPECT_NE(hm.run(sm, UserSteps{}).message.find("no documented"), std::string::npos);
}

TEST(BackupSession, CancelDuringAManualDumpClaimsNoBackup) {
    auto device = test::emulated("novation-k-station", Link::din);
    SessionHarness h(*device);
    h.device_output_limit = 10;
    BackupSession s(test::shipped_manifest("novation-k-station"));
    UserSteps u;
    u.manual_dump = [](const Question& q, SessionHarness& hh,
                       std::size_t call) -> std::optional<Event> {
        if (call == 0) {
            hh.press("dump-bank");
            return std::nullopt;
        }
        if (call >= 2) {
            return Event::user_answered(q.id, "cancel");
        }
        return std::nullopt;
    };
    const auto outcome = h.run(s, u);
    EXPECT_EQ(outcome.kind, OutcomeKind::cancelled);
    EXPECT_EQ(exit_code_for(outcome.kind), 130);
    EXPECT_FALSE(s.result().verdict.complete);
}

} // namespace
