#include "cards.hpp"
#include <gtest/gtest.h>

#include "gui/controller.hpp"

namespace syx::gui {
namespace {

// No device chosen yet: only the pages beside the flow are open.
Snapshot empty_snapshot() {
    return Snapshot{};
}

// A device chosen and ready, and every step of the flow finished: each page's gate is open, so
// the tests below walk the path (the engine's own states are pinned by WizardEngine.*).
Snapshot walk_snapshot() {
    Snapshot s;
    s.devices.push_back(test::card("moog-little-phatty", "Little Phatty", "Moog"));
    s.flow.device_id = "moog-little-phatty";
    s.flow.port = "moog-little-phatty";
    s.flow.backup = StepState::done;
    s.flow.firmware.loaded = true;
    s.flow.firmware.refused = false;
    s.flow.upload = StepState::done;
    s.flow.verify = StepState::done;
    s.flow.recovery = StepState::done;
    return s;
}

// A controller whose engine takes every intent, with the walk's device chosen.
Controller walking_controller(const Snapshot& snapshot) {
    Controller controller(UiModel{}, [](const Intent&) {});
    EXPECT_TRUE(controller.apply(intent::SelectDevice{"moog-little-phatty"}, snapshot));
    return controller;
}

Snapshot engine_snapshot() {
    Snapshot s;
    s.devices.push_back(test::card("moog-little-phatty", "Little Phatty", "Moog"));
    return s;
}

TEST(Controller, StartsOnTheDevicePageWithLaterStepsDisabled) {
    const Controller controller;
    const auto snapshot = empty_snapshot();
    EXPECT_EQ(controller.model().current, WizardStep::device);
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::device));
    EXPECT_FALSE(is_reachable(controller.model(), snapshot, WizardStep::connection));
    EXPECT_FALSE(is_reachable(controller.model(), snapshot, WizardStep::upload));
    EXPECT_FALSE(is_reachable(controller.model(), snapshot, WizardStep::recovery));
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::library));
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::tools));
}

TEST(Controller, NextAndBackMoveAlongThePath) {
    const auto snapshot = walk_snapshot();
    auto controller = walking_controller(snapshot);
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
    EXPECT_FALSE(can_go_back(controller.model(), empty_snapshot()));
    EXPECT_FALSE(controller.apply(intent::Back{}, empty_snapshot()));
    EXPECT_EQ(controller.model().current, WizardStep::device);
}

TEST(Controller, SidebarRefusesStepsNotReachedYet) {
    Controller controller;
    const auto snapshot = empty_snapshot();
    EXPECT_FALSE(controller.apply(intent::GoTo{WizardStep::upload}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::device);
    EXPECT_EQ(controller.model().visited.size(), 1U);
}

TEST(Controller, LibraryAndToolsReturnToTheWizardPageTheUserLeft) {
    const auto snapshot = walk_snapshot();
    auto controller = walking_controller(snapshot);
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
    const auto snapshot = walk_snapshot();
    auto controller = walking_controller(snapshot);
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
    const auto snapshot = walk_snapshot();
    auto controller = walking_controller(snapshot);
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    EXPECT_TRUE(is_reachable(controller.model(), snapshot, WizardStep::recovery));
    EXPECT_TRUE(controller.apply(intent::GoTo{WizardStep::recovery}, snapshot));
}

TEST(Controller, WithTheEngineTheDevicePageNeedsAChosenDevice) {
    Controller controller;
    auto snapshot = engine_snapshot();
    const PageGate gate = page_gate(controller.model(), snapshot, WizardStep::device);
    EXPECT_FALSE(gate.can_continue);
    EXPECT_EQ(gate.reason, "Choose a device first.");
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot));
    EXPECT_FALSE(controller.apply(intent::SelectDevice{"no-such-device"}, snapshot));
    EXPECT_FALSE(controller.model().selected_device.has_value());
    ASSERT_TRUE(controller.apply(intent::SelectDevice{"moog-little-phatty"}, snapshot));
    EXPECT_EQ(controller.model().selected_device, "moog-little-phatty");
    // Chosen, but the engine has not got the device ready yet.
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot));
    snapshot.flow.device_id = "moog-little-phatty";
    ASSERT_TRUE(controller.apply(intent::Next{}, snapshot));
    EXPECT_EQ(controller.model().current, WizardStep::connection);
    // Until the sessions publish their state, no later gate opens by itself.
    EXPECT_FALSE(controller.apply(intent::Next{}, snapshot));
    EXPECT_FALSE(page_gate(controller.model(), snapshot, WizardStep::connection).reason.empty());
}

TEST(Controller, NothingLeavesTheUploadPageWhileBytesAreGoing) {
    auto snapshot = walk_snapshot();
    auto controller = walking_controller(snapshot);
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
    ASSERT_TRUE(controller.apply(intent::ToggleLog{}, empty_snapshot()));
    EXPECT_TRUE(controller.model().show_log);
    ASSERT_TRUE(controller.apply(intent::ToggleLog{}, empty_snapshot()));
    EXPECT_FALSE(controller.model().show_log);
}

TEST(Controller, DescribesIntentsForLogs) {
    EXPECT_EQ(describe(intent::GoTo{WizardStep::backup}), "go to backup");
    EXPECT_EQ(describe(intent::SelectDevice{"k-station"}), "select device k-station");
    EXPECT_EQ(describe(intent::Next{}), "next");
}

// A controller whose engine sink records what it was handed.
struct Recorded {
    std::vector<std::string> posted;
    Controller controller;
    Recorded() {
        controller.set_engine([this](const Intent& value) { posted.push_back(describe(value)); });
    }
};

Snapshot ready_snapshot() {
    auto s = engine_snapshot();
    s.flow.device_id = "moog-little-phatty";
    s.flow.port = "moog-little-phatty";
    return s;
}

TEST(Controller, EngineIntentsGoToTheEngineAndChangeNoPage) {
    Recorded r;
    const auto snapshot = ready_snapshot();
    EXPECT_TRUE(r.controller.apply(intent::StartBackup{}, snapshot));
    EXPECT_TRUE(r.controller.apply(intent::PressButton{"master"}, snapshot));
    EXPECT_TRUE(r.controller.apply(intent::Answer{"bootloader", "ready", ""}, snapshot));
    EXPECT_EQ(r.posted, (std::vector<std::string>{"start backup", "press master",
                                                  "answer bootloader with ready"}));
    EXPECT_EQ(r.controller.model().current, WizardStep::device);
}

TEST(Controller, WithoutAnEngineEngineIntentsAreRefused) {
    Controller controller;
    EXPECT_FALSE(controller.apply(intent::StartUpload{}, ready_snapshot()));
}

TEST(Controller, WhileTheEngineWorksOnlyAnswersCancelAndThePanelGetThrough) {
    Recorded r;
    auto snapshot = ready_snapshot();
    snapshot.flow.engine_busy = true;
    EXPECT_FALSE(r.controller.apply(intent::StartBackup{}, snapshot));
    EXPECT_FALSE(r.controller.apply(intent::UsePracticeFirmware{}, snapshot));
    EXPECT_TRUE(r.controller.apply(intent::Cancel{}, snapshot));
    EXPECT_TRUE(r.controller.apply(intent::Answer{"q", "done", ""}, snapshot));
    EXPECT_TRUE(r.controller.apply(intent::PowerCycle{{"master"}}, snapshot));
    EXPECT_TRUE(r.controller.apply(intent::ArmFault{"power-loss-at=50%"}, snapshot));
    EXPECT_EQ(r.posted.size(), 4U);
    EXPECT_EQ(r.posted.front(), "cancel");
}

TEST(Controller, TheBackupGateOpensOnlyForADoneSkippedOrUnavailableBackup) {
    auto snapshot = ready_snapshot();
    UiModel model;
    for (const auto state : {StepState::idle, StepState::running, StepState::failed}) {
        snapshot.flow.backup = state;
        EXPECT_FALSE(page_gate(model, snapshot, WizardStep::backup).can_continue)
            << to_string(state);
    }
    for (const auto state : {StepState::done, StepState::skipped, StepState::unavailable}) {
        snapshot.flow.backup = state;
        EXPECT_TRUE(page_gate(model, snapshot, WizardStep::backup).can_continue)
            << to_string(state);
    }
}

TEST(Controller, AnUnknownReleaseNeedsTheTypedConfirmationBeforeNext) {
    auto snapshot = ready_snapshot();
    UiModel model;
    EXPECT_EQ(page_gate(model, snapshot, WizardStep::firmware).reason, "Choose a firmware file.");
    snapshot.flow.firmware.loaded = true;
    snapshot.flow.firmware.refused = true;
    EXPECT_FALSE(page_gate(model, snapshot, WizardStep::firmware).can_continue);
    snapshot.flow.firmware.refused = false;
    snapshot.flow.firmware.unknown_release = true;
    EXPECT_FALSE(page_gate(model, snapshot, WizardStep::firmware).can_continue);
    snapshot.flow.firmware_confirmed = true;
    EXPECT_TRUE(page_gate(model, snapshot, WizardStep::firmware).can_continue);
}

TEST(Controller, NextOnTheConfirmPageStartsTheUpload) {
    UiModel model;
    model.current = WizardStep::confirm;
    model.furthest = WizardStep::confirm;
    Recorded r;
    r.controller = Controller(model, [&r](const Intent& v) { r.posted.push_back(describe(v)); });
    ASSERT_TRUE(r.controller.apply(intent::Next{}, ready_snapshot()));
    EXPECT_EQ(r.posted, std::vector<std::string>{"start upload"});
    EXPECT_EQ(r.controller.model().current, WizardStep::upload);
}

TEST(Controller, AFailedUploadKeepsNextClosedAndRecoveryOpen) {
    UiModel model;
    model.current = WizardStep::upload;
    model.furthest = WizardStep::upload;
    Recorded r;
    r.controller = Controller(model, [&r](const Intent& v) { r.posted.push_back(describe(v)); });
    auto snapshot = ready_snapshot();
    snapshot.flow.upload = StepState::failed;
    EXPECT_FALSE(r.controller.apply(intent::Next{}, snapshot));
    ASSERT_TRUE(r.controller.apply(intent::ReportProblem{}, snapshot));
    EXPECT_EQ(r.controller.model().current, WizardStep::recovery);
    EXPECT_FALSE(r.controller.apply(intent::Next{}, snapshot)) << "recovery not done yet";
    snapshot.flow.recovery = StepState::done;
    EXPECT_TRUE(r.controller.apply(intent::Next{}, snapshot));
    EXPECT_EQ(r.controller.model().current, WizardStep::done);
}

} // namespace
} // namespace syx::gui
