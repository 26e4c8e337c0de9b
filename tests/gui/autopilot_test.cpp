#include "cards.hpp"
#include <gtest/gtest.h>

#include "gui/autopilot.hpp"
#include "gui/controller.hpp"

namespace syx::gui {
namespace {

TEST(Autopilot, WalksEveryPageThroughTheUsersIntentsAndQuits) {
    Autopilot pilot;
    Controller controller;
    const Snapshot snapshot;
    int steps = 0;
    while (auto next = pilot.next(controller.model(), snapshot)) {
        ASSERT_TRUE(controller.apply(*next, snapshot)) << describe(*next);
        ASSERT_LT(++steps, 100);
    }
    EXPECT_TRUE(pilot.finished());
    EXPECT_FALSE(pilot.failed()) << pilot.failure();
    EXPECT_TRUE(controller.model().quit_requested);
    EXPECT_EQ(controller.model().visited, pilot.plan());
    EXPECT_EQ(pilot.plan().size(), kWizardStepCount);
}

TEST(Autopilot, ChoosesADeviceLikeAUserBeforeLeavingTheDevicePage) {
    Autopilot pilot;
    Controller controller;
    Snapshot snapshot;
    snapshot.features.catalogue = true;
    snapshot.devices = {test::card("novation-k-station"), test::card("parker-midifly")};
    auto first = pilot.next(controller.model(), snapshot);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(describe(*first), "select device novation-k-station");
    ASSERT_TRUE(controller.apply(*first, snapshot));
    int steps = 0;
    while (auto next = pilot.next(controller.model(), snapshot)) {
        ASSERT_TRUE(controller.apply(*next, snapshot)) << describe(*next);
        ASSERT_LT(++steps, 100);
    }
    EXPECT_TRUE(pilot.finished()) << pilot.failure();
    EXPECT_EQ(controller.model().visited, pilot.plan());
    EXPECT_EQ(controller.model().selected_device, "novation-k-station");
}

TEST(Autopilot, FailsWithAReasonWhenTheWizardWillNotLetItOn) {
    Autopilot pilot;
    Controller controller;
    Snapshot snapshot;
    snapshot.features.sessions = true; // real gates: no device chosen, so no way on
    int steps = 0;
    while (auto next = pilot.next(controller.model(), snapshot)) {
        controller.apply(*next, snapshot);
        ASSERT_LT(++steps, 100);
    }
    EXPECT_TRUE(pilot.failed());
    EXPECT_FALSE(pilot.finished());
    EXPECT_NE(pilot.failure().find("connection"), std::string::npos) << pilot.failure();
    EXPECT_NE(pilot.failure().find("Choose a device first"), std::string::npos) << pilot.failure();
}

} // namespace
} // namespace syx::gui
