// The start-up offer for an interrupted update: drawn prominently, Recover takes the user to
// the Recovery page for that device, Later leaves it for the next start.
#include "cards.hpp"
#include "find_widgets.hpp"
#include <gtest/gtest.h>

#include "gui/controller.hpp"

namespace syx::gui {
namespace {

Snapshot with_offer() {
    Snapshot s;
    s.devices = {test::card("parker-midifly", "Parker MIDIFly", "Parker", "", "", true)};
    const auto u = test::interrupted("20261120T223344Z-parker-midifly-4242", "parker-midifly",
                                     "Parker MIDIFly", "/fw.syx", true);
    s.flow.interrupted = {u};
    return s;
}

TEST(InterruptedOffer, RecoverAndLaterSayWhatTheyDo) {
    test::HeadlessImGui imgui;
    test::HeadlessImGui::build_fonts();
    const Snapshot s = with_offer();
    const UiModel model;
    imgui.frame(model, s);
    imgui.frame(model, s);
    const ImGuiWindow* offer = test::drawn_child("offer");
    ASSERT_NE(offer, nullptr) << "the offer is drawn on the start page";
    const auto intents = test::click_everything_in(imgui, model, s, offer->Rect());
    ASSERT_EQ(intents.size(), 2U);
    const auto* recover = std::get_if<intent::RecoverInterrupted>(&intents[0]);
    ASSERT_NE(recover, nullptr) << describe(intents[0]);
    EXPECT_EQ(recover->session, "20261120T223344Z-parker-midifly-4242");
    EXPECT_EQ(recover->device_id, "parker-midifly");
    const auto* later = std::get_if<intent::DismissInterrupted>(&intents[1]);
    ASSERT_NE(later, nullptr) << describe(intents[1]);
    EXPECT_EQ(later->session, recover->session);
}

TEST(InterruptedOffer, NotOfferedForAnUnknownDeviceNorWhileRecoveringIt) {
    test::HeadlessImGui imgui;
    test::HeadlessImGui::build_fonts();
    Snapshot s = with_offer();
    s.flow.interrupted[0].device_known = false;
    const UiModel model;
    imgui.frame(model, s);
    imgui.frame(model, s);
    const ImGuiWindow* offer = test::drawn_child("offer");
    ASSERT_NE(offer, nullptr) << "still shown: the user should know";
    for (const auto& value : test::click_everything_in(imgui, model, s, offer->Rect())) {
        EXPECT_FALSE(std::holds_alternative<intent::RecoverInterrupted>(value))
            << "Recover is disabled for a device this build does not know";
    }
    s = with_offer();
    s.flow.resuming_session = s.flow.interrupted[0].session;
    imgui.frame(model, s);
    imgui.frame(model, s);
    EXPECT_EQ(test::drawn_child("offer"), nullptr) << "the Recovery page deals with it";
}

TEST(InterruptedOffer, RecoverSelectsTheDeviceAndOpensRecovery) {
    const Snapshot s = with_offer();
    std::vector<Intent> to_engine;
    Controller controller(UiModel{}, [&](const Intent& v) { to_engine.push_back(v); });
    ASSERT_TRUE(controller.apply(
        intent::RecoverInterrupted{s.flow.interrupted[0].session, "parker-midifly"}, s));
    EXPECT_EQ(controller.model().current, WizardStep::recovery);
    EXPECT_EQ(controller.model().selected_device, "parker-midifly");
    ASSERT_EQ(to_engine.size(), 1U) << "the engine picks the device and the journal's file";
    EXPECT_EQ(describe(to_engine[0]), "recover interrupted 20261120T223344Z-parker-midifly-4242");

    Controller later(UiModel{}, [&](const Intent& v) { to_engine.push_back(v); });
    ASSERT_TRUE(later.apply(intent::DismissInterrupted{s.flow.interrupted[0].session}, s));
    EXPECT_EQ(later.model().current, WizardStep::device) << "Later changes no page";
    EXPECT_EQ(to_engine.size(), 2U);
}

} // namespace
} // namespace syx::gui
