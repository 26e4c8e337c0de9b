// The session's question is drawn on the page it belongs to: the update's display check on
// Verify (the firmware is out and the instrument restarted), not on Upload.
#include "find_widgets.hpp"
#include <gtest/gtest.h>

#include "gui/controller.hpp"
#include "gui/question_page.hpp"
#include "gui/style.hpp"

namespace syx::gui {
namespace {

Snapshot verifying_update() {
    Snapshot s;
    s.flow.device_id = "parker-midifly";
    s.flow.device_name = "Parker MIDIFly";
    s.flow.engine_busy = true; // the upload job is still running: it is checking the device
    s.flow.upload = StepState::running;
    RunView run;
    run.session = RunKind::update;
    run.phase = RunPhase::verify;
    run.progress.messages_done = 12;
    run.progress.messages_total = 12;
    session::Question q;
    q.id = "display-check-0";
    q.purpose = session::QuestionPurpose::display_check;
    q.title = "What does the Parker MIDIFly display show?";
    q.text = "Pick the text you see, or type it.";
    q.choices = {{"display:0", "SUCCESS — the update worked"},
                 {"normal", "Its normal screen (no message)"}};
    q.accepts_text = true;
    run.question = q;
    s.flow.run = run;
    return s;
}

UiModel on(WizardStep page) {
    UiModel model;
    model.current = page;
    model.furthest = page;
    model.selected_device = "parker-midifly";
    return model;
}

TEST(QuestionPage, TheUpdatesDisplayCheckBelongsToVerifyItsBootloaderStepsToUpload) {
    Snapshot s = verifying_update();
    EXPECT_TRUE(update_verifying(s));
    EXPECT_EQ(question_page(s), WizardStep::verify);
    s.flow.run->phase = RunPhase::restore; // "restore your presets?" after the verification
    EXPECT_EQ(question_page(s), WizardStep::verify);
    s.flow.run->phase = RunPhase::enter_bootloader;
    EXPECT_FALSE(update_verifying(s));
    EXPECT_EQ(question_page(s), WizardStep::upload);
    s.flow.run->session = RunKind::recover;
    s.flow.run->phase = RunPhase::verify;
    EXPECT_EQ(question_page(s), WizardStep::recovery) << "the retried update inside a recovery";
    s.flow.run->session = RunKind::backup;
    EXPECT_EQ(question_page(s), WizardStep::backup);
    s.flow.run->session = RunKind::restore;
    EXPECT_EQ(question_page(s), std::nullopt) << "a restore asks wherever it was started";
    s.flow.run->question.reset();
    EXPECT_EQ(question_page(s), std::nullopt);
}

TEST(QuestionPage, UploadLetsTheUserOnToVerifyOnceEveryMessageIsOut) {
    Snapshot s = verifying_update();
    EXPECT_TRUE(page_gate(on(WizardStep::upload), s, WizardStep::upload).can_continue);
    EXPECT_FALSE(page_gate(on(WizardStep::verify), s, WizardStep::verify).can_continue)
        << "Verify waits for the answer";
    s.flow.run->phase = RunPhase::transfer;
    s.flow.run->progress.critical = true;
    s.transfer_running = true;
    EXPECT_FALSE(page_gate(on(WizardStep::upload), s, WizardStep::upload).can_continue);
}

TEST(QuestionPage, VerifyShowsTheDisplayQuestionAndUploadPointsToIt) {
    test::HeadlessImGui imgui;
    test::HeadlessImGui::build_fonts();
    const Snapshot s = verifying_update();

    // Upload: no question box; a button that goes on to Verify.
    const UiModel upload = on(WizardStep::upload);
    imgui.frame(upload, s);
    imgui.frame(upload, s);
    EXPECT_EQ(test::drawn_child("question"), nullptr) << "the question is not Upload's";
    const ImGuiWindow* content = test::drawn_child("content");
    ASSERT_NE(content, nullptr);
    auto intents = test::click_everything_in(imgui, upload, s, content->Rect());
    bool to_verify = false;
    for (const auto& value : intents) {
        EXPECT_FALSE(std::holds_alternative<intent::Answer>(value)) << describe(value);
        to_verify = to_verify || std::holds_alternative<intent::Next>(value);
    }
    EXPECT_TRUE(to_verify) << "Upload points the user to Verify";
    Controller controller(upload);
    EXPECT_TRUE(controller.apply(intent::Next{}, s));
    EXPECT_EQ(controller.model().current, WizardStep::verify);

    // Verify: the question with the device's messages as buttons.
    const UiModel verify = on(WizardStep::verify);
    imgui.frame(verify, s);
    imgui.frame(verify, s);
    const ImGuiWindow* question = test::drawn_child("question");
    ASSERT_NE(question, nullptr) << "the display check is drawn on Verify";
    intents = test::click_everything_in(imgui, verify, s, question->Rect());
    std::set<std::string> answers;
    for (const auto& value : intents) {
        if (const auto* a = std::get_if<intent::Answer>(&value)) {
            EXPECT_EQ(a->question_id, "display-check-0");
            answers.insert(a->choice_id);
        }
    }
    EXPECT_EQ(answers, (std::set<std::string>{"display:0", "normal"}));

    // While the update waits for that answer, "something went wrong" is one of its choices,
    // not a jump to Recovery that would leave the session asking.
    const ImGuiWindow* verify_content = test::drawn_child("content");
    ASSERT_NE(verify_content, nullptr);
    for (const auto& value : test::click_everything_in(imgui, verify, s, verify_content->Rect())) {
        EXPECT_FALSE(std::holds_alternative<intent::ReportProblem>(value));
    }
}

} // namespace
} // namespace syx::gui
