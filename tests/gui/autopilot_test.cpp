#include "cards.hpp"
#include <gtest/gtest.h>

#include "gui/autopilot.hpp"
#include "gui/controller.hpp"

namespace syx::gui {
namespace {

using Clock = Autopilot::Clock;

Snapshot ready(const std::string& id = "moog-little-phatty") {
    Snapshot s;
    s.devices = {test::card(id)};
    s.flow.device_id = id;
    s.flow.port = id;
    EmulatedPanel panel;
    panel.device_id = id;
    PanelButton master;
    master.id = "master";
    master.label = "MASTER";
    PanelButton preset;
    preset.id = "preset";
    preset.label = "PRESET";
    PanelButton dump;
    dump.id = "dump-bank";
    dump.label = "DUMP BANK";
    panel.buttons = {master, preset, dump};
    panel.mode = "normal";
    s.panel = panel;
    return s;
}

void ask(Snapshot& s, session::Question q) {
    s.flow.run.emplace();
    s.flow.run->question = std::move(q);
}

session::Question question(std::string id, session::QuestionPurpose purpose) {
    session::Question q;
    q.id = std::move(id);
    q.purpose = purpose;
    return q;
}

// Calls next() with the clock moved far enough on for every pause to have passed.
std::vector<std::string> drain(Autopilot& pilot, const UiModel& model, const Snapshot& s) {
    std::vector<std::string> out;
    auto now = Clock::now();
    for (int i = 0; i < 20; ++i) {
        now += std::chrono::seconds{5};
        if (auto v = pilot.next(model, s, now)) {
            out.push_back(describe(*v));
        }
    }
    return out;
}

TEST(Autopilot, FollowsFrontPanelStepsLikeAPersonThenAnswersReady) {
    Autopilot pilot;
    auto s = ready();
    auto q = question("enter-bootloader", session::QuestionPurpose::enter_bootloader);
    q.steps = {"Hold MASTER and switch it on.", "Then press PRESET."};
    q.choices = {{"ready", "Ready"}, {"cancel", "Cancel"}};
    ask(s, q);
    UiModel model;
    model.current = WizardStep::upload;
    EXPECT_EQ(drain(pilot, model, s),
              (std::vector<std::string>{"power-cycle holding master", "press preset",
                                        "answer enter-bootloader with ready"}));
    EXPECT_EQ(pilot.actions(),
              (std::vector<std::string>{"power-cycle holding master", "press preset"}));
}

TEST(Autopilot, ReadsTheDisplayToAnswerWhatItShows) {
    Autopilot pilot;
    auto s = ready();
    s.panel->display = "ERROR 2";
    auto q = question("display-check", session::QuestionPurpose::display_check);
    q.choices = {{"display:0", "UPDATE OK — success"},
                 {"display:1", "ERROR 2 — bytes lost"},
                 {"other", "Something else"}};
    ask(s, q);
    UiModel model;
    model.current = WizardStep::upload;
    EXPECT_EQ(drain(pilot, model, s),
              std::vector<std::string>{"answer display-check with display:1"});
}

TEST(Autopilot, StartsAManualDumpOnThePanelOnceAndLetsTheCountRise) {
    Autopilot pilot;
    auto s = ready("novation-k-station");
    auto q = question("manual-dump", session::QuestionPurpose::manual_dump);
    q.text = "3 of 50";
    ask(s, q);
    UiModel model;
    model.current = WizardStep::backup;
    EXPECT_EQ(drain(pilot, model, s), std::vector<std::string>{"press dump-bank"});
    s.flow.run->question->text = "17 of 50";
    EXPECT_TRUE(drain(pilot, model, s).empty()) << "pressed once only";
}

TEST(Autopilot, WaitsWhileTheEngineWorks) {
    Autopilot pilot;
    auto s = ready();
    s.flow.engine_busy = true;
    UiModel model;
    model.selected_device = "moog-little-phatty";
    EXPECT_TRUE(drain(pilot, model, s).empty());
    EXPECT_FALSE(pilot.failed());
}

TEST(Autopilot, TypesTheUnknownReleasePhraseOnTheFirmwarePage) {
    Autopilot pilot;
    auto s = ready();
    s.flow.firmware.loaded = true;
    s.flow.firmware.refused = false;
    s.flow.firmware.unknown_release = true;
    s.flow.firmware.typed_confirmation = "send unknown firmware";
    UiModel model;
    model.current = WizardStep::firmware;
    model.furthest = WizardStep::firmware;
    Controller controller(model, [&s](const Intent& v) {
        if (const auto* c = std::get_if<intent::ConfirmUnknownRelease>(&v)) {
            s.flow.firmware_confirmed = c->typed == s.flow.firmware.typed_confirmation;
        }
    });
    auto v = pilot.next(controller.model(), s, Clock::now());
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(describe(*v), "confirm unknown release");
    ASSERT_TRUE(controller.apply(*v, s));
    EXPECT_TRUE(s.flow.firmware_confirmed);
    v = pilot.next(controller.model(), s, Clock::now() + std::chrono::seconds{1});
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(describe(*v), "next");
}

TEST(Autopilot, AFailedUploadLeadsToRecoveryAndAFailedRecoveryFails) {
    Autopilot pilot;
    auto s = ready();
    s.flow.upload = StepState::failed;
    s.flow.firmware.loaded = true; // the file the failed upload was sending
    s.flow.firmware.refused = false;
    UiModel model;
    model.current = WizardStep::upload;
    model.furthest = WizardStep::upload;
    auto v = pilot.next(model, s, Clock::now());
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(describe(*v), "report a problem");
    model.current = WizardStep::recovery;
    v = pilot.next(model, s, Clock::now() + std::chrono::seconds{1});
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(describe(*v), "start recovery");
    s.flow.recovery = StepState::failed;
    EXPECT_FALSE(pilot.next(model, s, Clock::now() + std::chrono::seconds{2}).has_value());
    EXPECT_TRUE(pilot.failed());
    EXPECT_FALSE(pilot.finished());
}

TEST(Autopilot, ARecoveryWhoseFileHasGoneChoosesOneOnTheRecoveryPageFirst) {
    Autopilot pilot;
    auto s = ready();
    s.flow.resuming_session = "20261121T010203Z-moog-little-phatty-1";
    UiModel model;
    model.current = WizardStep::recovery;
    model.recovery_open = true;
    auto at = Clock::now();
    const auto step = [&] {
        at += std::chrono::seconds{1};
        const auto v = pilot.next(model, s, at);
        return v ? describe(*v) : std::string("(waits)");
    };
    EXPECT_EQ(step(), "use practice firmware") << "Start is disabled without a file";
    EXPECT_EQ(step(), "(waits)") << "while the file is read";
    s.flow.firmware.loaded = true;
    s.flow.firmware.refused = false;
    s.flow.firmware.unknown_release = true;
    s.flow.firmware.typed_confirmation = "send unknown firmware";
    EXPECT_EQ(step(), "confirm unknown release");
    s.flow.firmware_confirmed = true;
    EXPECT_EQ(step(), "start recovery");
    EXPECT_FALSE(pilot.failed()) << pilot.failure();
}

TEST(Autopilot, DoneWithoutAVerifiedUpdateIsAFailure) {
    Autopilot pilot;
    auto s = ready();
    UiModel model;
    model.current = WizardStep::done;
    EXPECT_FALSE(pilot.next(model, s, Clock::now()).has_value());
    EXPECT_TRUE(pilot.failed());
    EXPECT_NE(pilot.failure().find("verified"), std::string::npos);
}

} // namespace
} // namespace syx::gui
