// The session API contract, driven by hand (no emulator): what a driver may rely on.
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/catalogue.hpp"
#include "core/identify_session.hpp"
#include "core/session.hpp"
#include "core/session_base.hpp"

namespace {

using namespace syx;
using namespace syx::session;
using namespace std::chrono_literals;

const Manifest& device(const std::string& id) {
    return syx::test::shipped_manifest(id);
}

TEST(Session, ExitCodesFollowTheCliContract) {
    EXPECT_EQ(exit_code_for(OutcomeKind::success), 0);
    EXPECT_EQ(exit_code_for(OutcomeKind::refused), 3);
    EXPECT_EQ(exit_code_for(OutcomeKind::transfer_failed), 4);
    EXPECT_EQ(exit_code_for(OutcomeKind::service_centre), 4);
    EXPECT_EQ(exit_code_for(OutcomeKind::no_answer), 5);
    EXPECT_EQ(exit_code_for(OutcomeKind::incomplete), 5);
    EXPECT_EQ(exit_code_for(OutcomeKind::cancelled), 130);
}

TEST(Session, ButtonsMentionedAreCapitalisedPanelLabelsOutsideQuotes) {
    EXPECT_EQ(buttons_mentioned("Hold MASTER and switch it on; answer \"Erase Firmware? "
                                "PRESET=Yes\" with PRESET."),
              (std::vector<std::string>{"MASTER", "PRESET"}));
    EXPECT_EQ(buttons_mentioned("Press TRIG 3 (MIDI UPGRADE); wait for \"READY TO RECEIVE\"."),
              (std::vector<std::string>{"TRIG 3"}));
    EXPECT_EQ(buttons_mentioned("On the Code press EDIT, then the key labelled MEM. DUMP."),
              (std::vector<std::string>{"EDIT", "MEM. DUMP"}));
    EXPECT_TRUE(buttons_mentioned("Connect it by USB rather than DIN MIDI cables.").empty());
}

TEST(IdentifySession, SendsTheUniversalRequestAndMatchesTheManifest) {
    IdentifySession s(device("moog-little-phatty"));
    auto cmd = s.handle(Event::started(), 0ms);
    auto* send = std::get_if<Send>(&cmd);
    ASSERT_NE(send, nullptr);
    EXPECT_EQ(send->bytes, (Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7})); // MIDI 1.0 [C]
    cmd = s.handle(Event::send_completed(0ms), 1ms);
    auto* wait = std::get_if<Wait>(&cmd);
    ASSERT_NE(wait, nullptr);
    EXPECT_EQ(wait->deadline, 1501ms);
    // Early deadline events are ignored.
    cmd = s.handle(Event::deadline_reached(), 10ms);
    ASSERT_NE(std::get_if<Wait>(&cmd), nullptr);
    // F0 7E 7F 06 02 04 00 05 00 01 v1 v2 v3 v4 F7 [C]
    cmd = s.handle(Event::message_received({0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00,
                                            0x01, 0x01, 0x02, 0x03, 0x04, 0xF7}),
                   20ms);
    auto* fin = std::get_if<Finish>(&cmd);
    ASSERT_NE(fin, nullptr);
    EXPECT_EQ(fin->outcome.kind, OutcomeKind::success);
    EXPECT_EQ(s.result().version_text, "1.2.3.4");
    // After the finish every event returns the same finish.
    cmd = s.handle(Event::cancel(), 30ms);
    ASSERT_NE(std::get_if<Finish>(&cmd), nullptr);
    EXPECT_EQ(std::get<Finish>(cmd).outcome.kind, OutcomeKind::success);
}

TEST(IdentifySession, AnotherManufacturersReplyIsAWrongDevice) {
    IdentifySession s(device("moog-little-phatty"));
    s.handle(Event::started(), 0ms);
    s.handle(Event::send_completed(0ms), 0ms);
    // A Novation reply (manufacturer 00 20 29)
    auto cmd =
        s.handle(Event::message_received({0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x00, 0x20, 0x29, 0x01,
                                          0x00, 0x41, 0x00, 0x01, 0x00, 0x00, 0x00, 0xF7}),
                 5ms);
    ASSERT_NE(std::get_if<Finish>(&cmd), nullptr);
    EXPECT_EQ(std::get<Finish>(cmd).outcome.kind, OutcomeKind::refused);
    EXPECT_FALSE(s.result().matches_manifest);
}

TEST(IdentifySession, RetriesThenReportsNoAnswer) {
    IdentifySession s(device("moog-little-phatty"), IdentifyOptions{100ms, 2});
    s.handle(Event::started(), 0ms);
    s.handle(Event::send_completed(0ms), 0ms);
    auto cmd = s.handle(Event::deadline_reached(), 100ms);
    ASSERT_NE(std::get_if<Send>(&cmd), nullptr); // second attempt
    s.handle(Event::send_completed(100ms), 100ms);
    cmd = s.handle(Event::deadline_reached(), 200ms);
    ASSERT_NE(std::get_if<Finish>(&cmd), nullptr);
    EXPECT_EQ(std::get<Finish>(cmd).outcome.kind, OutcomeKind::no_answer);
}

TEST(IdentifySession, DeviceThatDoesNotAnswerIdentityIsTheUsersChoiceAndNothingIsSent) {
    IdentifySession s(device("novation-k-station"));
    auto cmd = s.handle(Event::started(), 0ms);
    ASSERT_NE(std::get_if<Finish>(&cmd), nullptr);
    EXPECT_EQ(std::get<Finish>(cmd).outcome.kind, OutcomeKind::success);
    EXPECT_FALSE(s.result().asked);
}

} // namespace
