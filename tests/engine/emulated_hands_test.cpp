// The emulated instrument's hands, shared by `syxflash-cli --api emulated` and the wizard's
// autopilot: what they do and answer for each kind of question.
#include <string>

#include "support/test_support.hpp"
#include <fmt/core.h>
#include <gtest/gtest.h>

#include "engine/emulated_hands.hpp"

namespace syx::engine {
namespace {

// The display question as core's UpdateSession asks it: every message the manifest lists, its
// normal screen, or something else.
session::Question display_question(const Manifest& manifest) {
    session::Question q;
    q.id = "display-check-0";
    q.purpose = session::QuestionPurpose::display_check;
    for (std::size_t i = 0; i < manifest.display.size(); ++i) {
        const auto& d = manifest.display[i];
        q.choices.push_back({fmt::format("display:{}", i), d.text + " — " + d.meaning});
    }
    q.choices.push_back({"normal", "Its normal screen (no message)"});
    q.choices.push_back({"other", "Something else (type it)"});
    return q;
}

InstrumentView octatrack(std::string display, std::string mode) {
    InstrumentView v;
    v.display = std::move(display);
    v.mode = std::move(mode);
    v.firmware_version = "1.5.0.0";
    return v;
}

// The Octatrack's normal screen shows its OS version, a text no manifest message has. The CLI's
// hands used to answer it as an unknown message, which fails a good update; the autopilot's
// answered "normal". One answer now, for both.
TEST(EmulatedHands, AnOctatracksNormalScreenIsItsNormalScreen) {
    const auto& manifest = test::shipped_manifest("elektron-octatrack");
    const auto plan =
        emulated_hands(display_question(manifest), octatrack("OCTATRACK\nOS 1.5.0.0", "normal"));
    ASSERT_TRUE(plan.answer);
    EXPECT_EQ(plan.answer->choice_id, "normal");
    EXPECT_TRUE(plan.actions.empty());
}

TEST(EmulatedHands, AListedMessageIsPickedAndAnythingElseIsTypedAsShown) {
    const auto& manifest = test::shipped_manifest("elektron-octatrack");
    const auto q = display_question(manifest);
    std::string chksum;
    for (std::size_t i = 0; i < manifest.display.size(); ++i) {
        if (manifest.display[i].text == "CHKSUM ERROR") {
            chksum = fmt::format("display:{}", i);
        }
    }
    ASSERT_FALSE(chksum.empty());
    const auto listed = emulated_hands(q, octatrack("Chksum error", "loader"));
    ASSERT_TRUE(listed.answer);
    EXPECT_EQ(listed.answer->choice_id, chksum);
    // Still starting: the boot screen is no answer yet (the CLI read "OCTATRACK" here and
    // failed a good update).
    const auto booting = emulated_hands(q, octatrack("OCTATRACK", "booting"));
    EXPECT_TRUE(booting.look_again);
    EXPECT_FALSE(booting.answer);
    // A half-written unit: blank, and the emulator does not run normally.
    const auto blank = emulated_hands(q, octatrack("", "no-os"));
    ASSERT_TRUE(blank.answer);
    EXPECT_EQ(blank.answer->choice_id, "other");
    EXPECT_EQ(blank.answer->text, "(blank)");
}

TEST(EmulatedHands, ButtonsBeforeSwitchOnAreHeldAndLaterOnesPressed) {
    InstrumentView lp;
    lp.buttons = {{"master", "MASTER"}, {"preset", "PRESET"}, {"mast", "MAST"}};
    lp.firmware_version = "2.0.0.4";
    session::Question q;
    q.purpose = session::QuestionPurpose::enter_bootloader;
    q.steps = {"OS 3.x: hold PRESET and switch on.",
               "Hold MASTER and switch it on, then answer with PRESET."};
    const auto plan = emulated_hands(q, lp);
    ASSERT_TRUE(plan.answer);
    EXPECT_EQ(plan.answer->choice_id, "ready");
    ASSERT_EQ(plan.actions.size(), 2U) << "the OS 3.x step is not for an OS 2 unit";
    EXPECT_EQ(plan.actions[0].kind, HandsAction::Kind::power_cycle);
    EXPECT_EQ(plan.actions[0].held, std::vector<std::string>{"master"}) << "MAST is no word here";
    EXPECT_EQ(plan.actions[1].kind, HandsAction::Kind::press);
    EXPECT_EQ(plan.actions[1].button, "preset");
}

TEST(EmulatedHands, ConfirmationsAreLeftToThePerson) {
    session::Question q;
    q.purpose = session::QuestionPurpose::confirm;
    q.choices = {{"continue", "Continue"}};
    EXPECT_FALSE(emulated_hands(q, InstrumentView{}).answer);
}

} // namespace
} // namespace syx::engine
