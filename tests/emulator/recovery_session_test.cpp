// The fault matrix (issue 6, DESIGN.md §9): every fault ends either in a verified success after
// the manifest's guided recovery, or in an honest terminal state — never a false success.
// Virtual time against the emulators; the "user" follows the on-screen steps on the emulated
// panel (session_harness.hpp).
#include <gtest/gtest.h>

#include "core/recovery_session.hpp"
#include "emulator/modelled_firmware.hpp"
#include "emulator/session_harness.hpp"

namespace {

using namespace syx;
using namespace syx::session;
using namespace std::chrono_literals;
using syx::test::SessionHarness;
using syx::test::UserSteps;

struct Run {
    Outcome update;
    std::optional<Outcome> recovery;
    std::unique_ptr<emu::FaultyDevice> device;
    std::unique_ptr<SessionHarness> harness;
    std::unique_ptr<RecoverySession> recovery_session;
};

Run update_then_recover(const std::string& id, Link link, const std::vector<std::string>& faults,
                        std::shared_ptr<const SysexFile> fw, test::Answerer answerer = UserSteps{},
                        std::uint64_t cancel_at = 0, std::uint64_t write_error_at = 0) {
    Run r;
    r.device = test::emulated(id, link, faults);
    r.harness = std::make_unique<SessionHarness>(*r.device);
    if (cancel_at > 0) {
        r.harness->cancel_when_bytes_sent(cancel_at);
    }
    if (write_error_at > 0) {
        r.harness->write_error_when_bytes_sent(write_error_at);
    }
    UpdateOptions o;
    o.link = link;
    o.backup = BackupGate{BackupGateKind::given_file, "test"};
    o.unknown_release = UnknownReleasePolicy::allow;
    const auto& manifest = test::shipped_manifest(id);
    UpdateSession update(manifest, fw, o);
    r.update = r.harness->run(update, answerer);
    if (r.update.kind == OutcomeKind::success || r.update.recovery_plan.empty()) {
        return r;
    }
    RecoveryOptions ro;
    ro.plan = r.update.recovery_plan;
    ro.update = o;
    r.recovery_session = std::make_unique<RecoverySession>(manifest, fw, ro);
    r.recovery = r.harness->run(*r.recovery_session, answerer);
    return r;
}

std::shared_ptr<const SysexFile> firmware(const std::string& id) {
    return test::syx_file(emu::make_test_firmware(id, {2, 0, 1, 0}));
}

// Success is only ever claimed for a device that really runs the new firmware.
void expect_verified(const Run& r, const std::string& version) {
    ASSERT_TRUE(r.recovery.has_value()) << r.update.message;
    EXPECT_EQ(r.recovery->kind, OutcomeKind::success) << r.recovery->message;
    EXPECT_EQ(r.device->mode(), "normal");
    EXPECT_EQ(r.device->firmware_version_text(), version);
}

TEST(FaultMatrix, UnplugAtHalfTheTransferRecoversOverUsbAfterThePlan) {
    auto r = update_then_recover("moog-little-phatty", Link::usb, {"unplug-at=50%"},
                                 firmware("moog-little-phatty"));
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    EXPECT_EQ(exit_code_for(r.update.kind), 4);
    EXPECT_EQ(r.update.recovery_plan, "resend-firmware-usb");
    EXPECT_TRUE(r.update.device_touched);
    EXPECT_FALSE(r.update.recovery_steps.empty());
    expect_verified(r, "2.0.1.0");
    // The user did what the plan said: MASTER at power-on, PRESET, cable back in.
    const auto& acts = r.harness->user_actions;
    EXPECT_NE(std::find(acts.begin(), acts.end(), "replug"), acts.end());
    EXPECT_EQ(r.recovery_session->attempts(), 1U);
    EXPECT_EQ(r.recovery_session->slowdown(), 2U);
}

TEST(FaultMatrix, PowerLossMidFlashLeavesTheBootloaderAndTheDisplayLeadsToThePlan) {
    auto r = update_then_recover("moog-little-phatty", Link::usb, {"power-loss-at=40%"},
                                 firmware("moog-little-phatty"));
    // The session noticed at verify: no identity reply, the display reads SEND FIRMWARE SX.
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    EXPECT_EQ(r.update.recovery_plan, "resend-firmware-usb");
    expect_verified(r, "2.0.1.0");
}

TEST(FaultMatrix, BytesDroppedAboveARateRecoverWithSlowerSmallerSends) {
    auto r = update_then_recover("moog-little-phatty", Link::usb, {"drop-above-rate=1000"},
                                 firmware("moog-little-phatty"));
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    EXPECT_GT(r.device->bytes_dropped(), 0U);
    expect_verified(r, "2.0.1.0");
    EXPECT_GE(r.recovery_session->slowdown(), 2U);
}

TEST(FaultMatrix, BytesDroppedAtAnyRateEndHonestlyAfterTheBoundedRetries) {
    auto r = update_then_recover("moog-little-phatty", Link::usb, {"drop-above-rate=20"},
                                 firmware("moog-little-phatty"));
    ASSERT_TRUE(r.recovery.has_value());
    EXPECT_EQ(r.recovery->kind, OutcomeKind::transfer_failed) << r.recovery->message;
    EXPECT_EQ(r.recovery_session->attempts(), 3U); // bounded
    EXPECT_NE(r.device->mode(), "normal");         // and indeed not updated
}

TEST(FaultMatrix, NakFromTheMidiflyLeadsToTheRecoveryButtonAndASecondUpgrade) {
    auto r = update_then_recover("parker-midifly", Link::din, {"nak-message=2"},
                                 firmware("parker-midifly"));
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    EXPECT_EQ(r.update.recovery_plan, "recovery-button");
    EXPECT_NE(r.update.message.find("NAK"), std::string::npos);
    const auto& acts = r.harness->user_actions;
    ASSERT_TRUE(r.recovery.has_value());
    EXPECT_NE(std::find(acts.begin(), acts.end(), "press recovery"), acts.end());
    expect_verified(r, r.device->firmware_version_text());
    EXPECT_EQ(r.device->firmware_version_text().empty(), false);
}

TEST(FaultMatrix, UserReportsTheErrorDisplayAndTheRepeatPlanSucceeds) {
    // An interface that loses bytes above 2000 B/s: whole 333-byte messages at DIN speed lose
    // bytes, the Prophet-600 shows "E" [C], and the user reads it to the session.
    auto fw = test::syx_file(emu::make_prophet600_test_firmware(12));
    auto r = update_then_recover("gligli-prophet-600", Link::din, {"drop-above-rate=2000"}, fw);
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    EXPECT_EQ(r.update.recovery_plan, "repeat-until-success");
    ASSERT_TRUE(r.recovery.has_value());
    EXPECT_EQ(r.recovery->kind, OutcomeKind::success) << r.recovery->message;
    EXPECT_EQ(r.device->display_text(), "S");
}

TEST(FaultMatrix, APageDamagedAfterValidationShowsEOnTheProphet600AndTheRepeatSucceeds) {
    // The file validates; the fault damages one byte of page message 3 on the way (validation is
    // not involved). The updater checks the page CRC as validation does and shows "E" [C:
    // gligli/p600fw firmware/p600firmware.c updater_main()]; repeating the upload succeeds.
    auto fw = test::syx_file(emu::make_prophet600_test_firmware(6));
    auto r = update_then_recover("gligli-prophet-600", Link::din, {"corrupt-message=3"}, fw);
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    EXPECT_EQ(r.update.recovery_plan, "repeat-until-success");
    const auto& events = r.device->events();
    ASSERT_FALSE(events.empty());
    EXPECT_NE(events[0].find("corrupt-message=3"), std::string::npos);
    ASSERT_TRUE(r.recovery.has_value());
    EXPECT_EQ(r.recovery->kind, OutcomeKind::success) << r.recovery->message;
    EXPECT_EQ(r.device->display_text(), "S");
}

TEST(FaultMatrix, CancelDuringTheCriticalPhaseIsNeverSilentAndRecovers) {
    auto r = update_then_recover("moog-little-phatty", Link::usb, {},
                                 firmware("moog-little-phatty"), UserSteps{}, 6000);
    EXPECT_EQ(r.update.kind, OutcomeKind::cancelled);
    EXPECT_EQ(exit_code_for(r.update.kind), 130);
    EXPECT_TRUE(r.update.device_touched);
    EXPECT_EQ(r.update.recovery_plan, "resend-firmware-usb");
    EXPECT_NE(r.update.message.find("waiting for firmware"), std::string::npos);
    expect_verified(r, "2.0.1.0");
}

TEST(FaultMatrix, WriteErrorMidTransferRecoversAfterThePlan) {
    auto r = update_then_recover("parker-midifly", Link::din, {}, firmware("parker-midifly"),
                                 UserSteps{}, 0, 3000);
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    EXPECT_NE(r.update.message.find("write-error"), std::string::npos) << r.update.message;
    EXPECT_EQ(r.update.recovery_plan, "recovery-button");
    EXPECT_TRUE(r.update.device_touched);
    expect_verified(r, r.device->firmware_version_text());
    EXPECT_EQ(r.device->firmware_version_text(), "2.0.1.0");
}

TEST(FaultMatrix, BlankDisplayReportedAfterAFailureEndsAtTheServiceCentre) {
    // The user reports a blank display at verify: only a service centre can help; no retry.
    UserSteps base;
    auto answer = [base](const Question& q, SessionHarness& h) mutable -> std::optional<Event> {
        if (q.purpose == QuestionPurpose::display_check) {
            return Event::user_answered(q.id, "other", "(blank display)");
        }
        return base(q, h);
    };
    auto r = update_then_recover("moog-little-phatty", Link::usb, {"power-loss-at=30%"},
                                 firmware("moog-little-phatty"), answer);
    EXPECT_EQ(r.update.kind, OutcomeKind::service_centre) << r.update.message;
    EXPECT_EQ(exit_code_for(r.update.kind), 4);
    EXPECT_EQ(r.update.recovery_plan, "service-centre");
    EXPECT_NE(r.update.message.find("service centre"), std::string::npos);
    ASSERT_TRUE(r.recovery.has_value());
    EXPECT_EQ(r.recovery->kind, OutcomeKind::service_centre);
    EXPECT_EQ(r.recovery->messages_sent, 0U); // nothing more was sent
}

TEST(FaultMatrix, Prophet600PowerLossBlankDisplayIsNotSuccessAndRecovers) {
    auto fw = test::syx_file(emu::make_prophet600_test_firmware(12));
    auto r = update_then_recover("gligli-prophet-600", Link::din, {"power-loss-at=2000"}, fw);
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed) << r.update.message;
    ASSERT_TRUE(r.recovery.has_value());
    EXPECT_EQ(r.recovery->kind, OutcomeKind::success) << r.recovery->message;
    EXPECT_EQ(r.device->display_text(), "S");
}

TEST(FaultMatrix, UnplugWithoutTheCableBackEndsHonestlyAfterTheBound) {
    // The MIDIFly plan says nothing about the cable, so the port stays away: every retry fails
    // at once and the recovery stops at the bound without claiming anything.
    auto r = update_then_recover("parker-midifly", Link::din, {"unplug-at=30%"},
                                 firmware("parker-midifly"));
    EXPECT_EQ(r.update.kind, OutcomeKind::transfer_failed);
    ASSERT_TRUE(r.recovery.has_value());
    EXPECT_EQ(r.recovery->kind, OutcomeKind::transfer_failed) << r.recovery->message;
    EXPECT_NE(r.device->mode(), "normal");
}

TEST(RecoverySession, TerminalPlanSendsNothing) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    RecoveryOptions ro;
    ro.plan = "service-centre";
    RecoverySession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                      ro);
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::service_centre);
    EXPECT_EQ(h.bytes_written, 0U);
    EXPECT_EQ(outcome.recovery_steps.size(), 2U);
}

TEST(RecoverySession, StoppingDuringTheStepsIsCancelledNotSuccess) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    RecoveryOptions ro;
    ro.plan = "slower-or-usb";
    RecoverySession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                      ro);
    const auto outcome = h.run(s, [](const Question& q, SessionHarness&) {
        return std::optional<Event>(Event::user_answered(q.id, "cancel"));
    });
    EXPECT_EQ(outcome.kind, OutcomeKind::cancelled);
    EXPECT_EQ(h.bytes_written, 0U);
}

} // namespace
