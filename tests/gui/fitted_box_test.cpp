// Boxes whose buttons matter (the start-up recovery offer, the instrument's question, the DIN
// warning) grow to fit what they hold: nothing is cut off or hidden behind a scroll, however
// long the text and however narrow the window.
#include <string>

#include "cards.hpp"
#include "find_widgets.hpp"
#include <gtest/gtest.h>

#include "gui/controller.hpp"
#include "gui/style.hpp"

namespace syx::gui {
namespace {

// The box holds everything drawn in it: its content fits inside its own height.
void expect_fits(const char* name) {
    const ImGuiWindow* box = test::drawn_child(name);
    ASSERT_NE(box, nullptr) << name << " is drawn";
    const float padding = ImGui::GetStyle().WindowPadding.y;
    EXPECT_LE(box->ContentSize.y + 2.0F * padding, box->Size.y + 1.0F)
        << name << ": content " << box->ContentSize.y << " px in a box of " << box->Size.y;
    EXPECT_EQ(box->ScrollMax.y, 0.0F) << name << " would need scrolling";
}

Snapshot offer_with_a_long_story() {
    Snapshot s;
    s.devices = {test::card("parker-midifly", "Parker MIDIFly", "Parker")};
    const auto u =
        test::interrupted("20261121T010203Z-parker-midifly-1", "parker-midifly", "Parker MIDIFly",
                          "/home/someone/Downloads/instruments/parker/firmware/archive/2026/"
                          "midifly-2.0.0.9-release-candidate-final.syx",
                          false);
    s.flow.interrupted = {u};
    return s;
}

Snapshot question_with_many_steps() {
    Snapshot s;
    s.flow.device_id = "moog-little-phatty";
    s.flow.port = "moog-little-phatty";
    RunView run;
    run.session = RunKind::update;
    session::Question q;
    q.id = "enter-bootloader";
    q.purpose = session::QuestionPurpose::enter_bootloader;
    q.title = "Put the instrument into its update mode";
    q.text = "The Little Phatty only accepts new firmware in its update mode. Follow these steps "
             "on the instrument, then press Ready.";
    for (int i = 0; i < 12; ++i) {
        q.steps.push_back("Step " + std::to_string(i + 1) +
                          ": a long instruction that wraps across the width of the page, as "
                          "real instructions written for people do.");
    }
    q.choices = {{"ready", "Ready"}, {"cancel", "Cancel"}};
    run.question = q;
    s.flow.run = run;
    return s;
}

TEST(FittedBox, TheRecoveryOfferShowsItsButtonsWhateverItHasToSay) {
    for (const float width : {1280.0F, 900.0F}) {
        test::HeadlessImGui imgui(ImVec2(width, 900.0F));
        apply_style(1.0F);
        test::HeadlessImGui::build_fonts();
        const Snapshot s = offer_with_a_long_story();
        const UiModel model;
        imgui.frame(model, s);
        imgui.frame(model, s); // the wizard draws at least two frames for a new snapshot
        expect_fits("offer");
        const ImGuiWindow* offer = test::drawn_child("offer");
        ASSERT_NE(offer, nullptr);
        EXPECT_EQ(test::click_everything_in(imgui, model, s, offer->Rect()).size(), 2U)
            << "Recover and Later can both be clicked at width " << width;
    }
}

TEST(FittedBox, AQuestionWithManyStepsKeepsItsAnswersInSight) {
    test::HeadlessImGui imgui(ImVec2(1100.0F, 2000.0F));
    apply_style(1.0F);
    test::HeadlessImGui::build_fonts();
    const Snapshot s = question_with_many_steps();
    UiModel model;
    model.current = WizardStep::upload;
    model.furthest = WizardStep::upload;
    imgui.frame(model, s);
    imgui.frame(model, s);
    expect_fits("question");
    const ImGuiWindow* box = test::drawn_child("question");
    ASSERT_NE(box, nullptr);
    const auto intents = test::click_everything_in(imgui, model, s, box->Rect());
    ASSERT_EQ(intents.size(), 2U) << "Ready and Cancel";
    EXPECT_EQ(describe(intents[0]), "answer enter-bootloader with ready");
}

} // namespace
} // namespace syx::gui
