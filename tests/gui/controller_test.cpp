#include "cards.hpp"
#include <gtest/gtest.h>

#include "gui/controller.hpp"

namespace syx::gui {
namespace {

Snapshot preview_snapshot() {
    return Snapshot{};
}

Snapshot engine_snapshot() {
    Snapshot s;
    s.features.catalogue = true;
    s.features.sessions = true;
    s.devices.push_back(test::card("moog-little-phatty", "Little Phatty", "Moog"));
    return s;
}

TEST(Controller, StartsOnTheDevicePageWithLaterStepsDisabled) {
    const Controller controller;
    const auto snapshot = preview_snapshot();
    EXPECT_EQ(controller.model().current, WizardStep::device);
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::device));
    EXPECT_FALSE(is_reachable(controller.model(), snapshot, WizardStep::connection));
    EXPECT_FALSE(is_reachable(controller.model(), snapshot, WizardStep::upload));
    EXPECT_FALSE(is_reachable(controller.model(), snapshot, WizardStep::recovery));
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::library));
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::tools));
}

TEST(Controller, NextAndBackMoveAlongThePath) {
    Controller controller;
    const auto snapshot = preview_snapshot();
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::connection);
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::backup);
    ASSERT_TRUE(controller.apply(intent::Back{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::connection);
    // Going back does not forget how far the user got: Backup stays clickable in the sidebar.
    EXPECT_EQ(controller.model().furthest, WizardStep::backup);
    EXPECT_TRUE(controller.apply(intent::GoTo{WizardStep::backup}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::backup);
}

TEST(Controller, BackOnTheFirstPageIsRefused) {
    Controller controller;
    EXPECT_FALSE(can_go_back(controller.model(), preview_snapshot()));
    EXPECT_FALSE(controller.apply(intent::Back{}, preview_snapshot()));
    EXPECT_EQ(controller.model().current, WizardStep::device);
}

TEST(Controller, SidebarRefusesStepsNotReachedYet) {
    Controller controller;
    const auto snapshot = preview_snapshot();
    EXPECT_FALSE(controller.apply(intent::GoTo{WizardStep::upload}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::device);
    EXPECT_EQ(controller.model().visited.size(), 1U);
}

TEST(Controller, LibraryAndToolsReturnToTheWizardPageTheUserLeft) {
    Controller controller;
    const auto snapshot = preview_snapshot();
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    ASSERT_TRUE(controller.apply(intent::GoTo{WizardStep::library}, snapshot));
    ASSERT_TRUE(controller.apply(intent::GoTo{WizardStep::tools}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::tools);
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot)) << "Tools is not on the update path";
    ASSERT_TRUE(controller.apply(intent::Back{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::backup);
}

TEST(Controller, SomethingWentWrongOpensRecoveryWhichLeadsToDone) {
    Controller controller;
    const auto snapshot = preview_snapshot();
    for (int i = 0; i < 6; ++i) {
        ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    }
    ASSERT_EQ(controller.model().current, WizardStep::verify);
    EXPECT_FALSE(is_reachable(controller.model(), snapshot, WizardStep::done));
    ASSERT_TRUE(controller.apply(intent::ReportProblem{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::recovery);
    EXPECT_TRUE(controller.model().recovery_open);
    ASSERT_TRUE(controller.apply(intent::Back{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::verify);
    ASSERT_TRUE(controller.apply(intent::GoTo{WizardStep::recovery}, snapshot));
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::done);
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot)) << "Done is the last page";
}

TEST(Controller, RecoveryIsReachableOnceADeviceStepIsBehindTheUser) {
    Controller controller;
    const auto snapshot = preview_snapshot();
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::recovery));
    EXPECT_TRUE(controller.apply(intent::GoTo{WizardStep::recovery}, snapshot));
}

TEST(Controller, WithTheEngineTheDevicePageNeedsAChosenDevice) {
    Controller controller;
    const auto snapshot = engine_snapshot();
    const PageGate gate = page_gate(controller.model(), snapshot, WizardStep::device);
    EXPECT_FALSE(gate.can_continue);
    EXPECT_EQ(gate.reason, "Choose a device first.");
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot));
    EXPECT_FALSE(controller.apply(intent::SelectDevice{"no-such-device"}, snapshot));
    EXPECT_FALSE(controller.model().selected_device.has_value());
    ASSERT_TRUE(controller.apply(intent::SelectDevice{"moog-little-phatty"}, snapshot));
    EXPECT_EQ(controller.model().selected_device, "moog-little-phatty");
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::connection);
    // Until the sessions publish their state, no later gate opens by itself.
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot));
    EXPECT_FALSE(page_gate(controller.model(), snapshot, WizardStep::connection).reason.empty());
}

TEST(Controller, NothingLeavesTheUploadPageWhileBytesAreGoing) {
    Controller controller;
    auto snapshot = preview_snapshot();
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    }
    ASSERT_EQ(controller.model().current, WizardStep::upload);
    snapshot.transfer_running = true;
    EXPECT_FALSE(controller.apply(intent::Back{}, snapshot));
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot));
    EXPECT_FALSE(controller.apply(intent::GoTo{WizardStep::library}, snapshot));
    EXPECT_FALSE(controller.apply(intent::ReportProblem{}, snapshot));
    EXPECT_FALSE(controller.apply(intent::Quit{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::upload);
    EXPECT_FALSE(controller.model().quit_requested);
    snapshot.transfer_running = false;
    EXPECT_TRUE(controller.apply(intent::Quit{}, snapshot));
    EXPECT_TRUE(controller.model().quit_requested);
}

TEST(Controller, ToggleLogShowsAndHidesTheLog) {
    Controller controller;
    ASSERT_TRUE(controller.apply(intent::ToggleLog{}, preview_snapshot()));
    EXPECT_TRUE(controller.model().show_log);
    ASSERT_TRUE(controller.apply(intent::ToggleLog{}, preview_snapshot()));
    EXPECT_FALSE(controller.model().show_log);
}

TEST(Controller, DescribesIntentsForLogs) {
    EXPECT_EQ(describe(intent::GoTo{WizardStep::backup}), "go to backup");
    EXPECT_EQ(describe(intent::SelectDevice{"k-station"}), "select device k-station");
    EXPECT_EQ(describe(intent::Next{}), "next");
}

} // namespace
} // namespace syx::gui
