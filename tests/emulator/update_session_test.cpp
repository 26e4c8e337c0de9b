// The update flow against the emulators in virtual time (issue 6, DESIGN.md §7).
#include <gtest/gtest.h>

#include "core/update_session.hpp"
#include "emulator/modelled_firmware.hpp"
#include "emulator/moog_little_phatty_model.hpp"
#include "emulator/session_harness.hpp"

namespace {

using namespace syx;
using namespace syx::session;
using namespace std::chrono_literals;
using syx::test::SessionHarness;
using syx::test::UserSteps;

const Bytes kIdentityRequest{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}; // MIDI 1.0 [C]

UpdateOptions options(Link link) {
    UpdateOptions o;
    o.link = link;
    o.backup = BackupGate{BackupGateKind::given_file, "test backup"};
    o.unknown_release = UnknownReleasePolicy::allow; // modelled test firmware is no release
    return o;
}

std::shared_ptr<const SysexFile> firmware(const std::string& id,
                                          std::array<std::uint8_t, 4> version = {2, 0, 1, 0}) {
    return test::syx_file(emu::make_test_firmware(id, version));
}

// Messages of a file, as bytes.
std::vector<Bytes> messages_of(const SysexFile& f) {
    std::vector<Bytes> out;
    for (const auto& m : f.messages) {
        const auto b = f.bytes_of(m);
        out.emplace_back(b.begin(), b.end());
    }
    return out;
}

TEST(UpdateSession, LittlePhattyHappyPathIdentifiesFlashesAndVerifiesTheNewVersion) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    const auto fw = firmware("moog-little-phatty");
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), fw, options(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    // identity request, the firmware (byte-identical to the file), identity request again
    ASSERT_EQ(h.messages_in.size(), 3U);
    EXPECT_EQ(h.messages_in[0], kIdentityRequest);
    EXPECT_EQ(h.messages_in[1], messages_of(*fw)[0]);
    EXPECT_EQ(h.messages_in[2], kIdentityRequest);
    EXPECT_EQ(device->firmware_version_text(), "2.0.1.0");
    EXPECT_EQ(device->mode(), "normal");
    ASSERT_TRUE(s.identity_after().has_value());
    EXPECT_EQ(s.identity_after()->version_text, "2.0.1.0");
    EXPECT_EQ(s.identity_before()->version_text, "2.0.0.4");
    EXPECT_TRUE(outcome.device_touched);
    EXPECT_EQ(outcome.messages_sent, 1U);
    // OS 1.x/2.x needs no buttons; nothing told the user to hold MASTER at power-on, which on
    // OS 2.x skips the firmware request [R: forum t/5050] and on OS 3.x leads to the erase
    // prompt [R].
    for (const auto& a : h.user_actions) {
        EXPECT_EQ(a.find("master"), std::string::npos) << a;
        EXPECT_EQ(a.find("preset"), std::string::npos) << a;
    }
    // The critical phase was announced and progress reached the total.
    EXPECT_EQ(s.progress().messages_done, 1U);
    EXPECT_EQ(s.progress().bytes_done, s.progress().bytes_total);
}

TEST(UpdateSession, BootloaderQuestionNamesThePanelButtons) {
    // Octatrack: hold FUNC at power-on, then TRIG 3 (MIDI UPGRADE) [R: Zac-Kyoti/octatrack-kyoti-fw
    // FLASHING.md, section 1].
    auto device = test::emulated("elektron-octatrack", Link::din);
    SessionHarness h(*device);
    UpdateSession s(test::shipped_manifest("elektron-octatrack"), firmware("elektron-octatrack"),
                    options(Link::din));
    h.run(s, UserSteps{});
    const auto it = std::find_if(h.questions.begin(), h.questions.end(), [](const auto& q) {
        return q.purpose == QuestionPurpose::enter_bootloader;
    });
    ASSERT_NE(it, h.questions.end());
    EXPECT_NE(std::find(it->buttons.begin(), it->buttons.end(), "FUNC"), it->buttons.end());
    EXPECT_NE(std::find(it->buttons.begin(), it->buttons.end(), "TRIG 3"), it->buttons.end());
}

TEST(UpdateSession, LittlePhattyBootloaderQuestionNeverAsksForTheOs3ErasePrompt) {
    // OS 3.x: MASTER at power-on, then PRESET erases the flash, and the update that follows is
    // an Intel hex file sent by Moog's PhattyLoader, which syxflash does not send [R: Moog forum
    // threads quoting the Slim Phatty and LP instructions]. The steps must not lead there.
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                    options(Link::usb));
    h.run(s, UserSteps{});
    const auto it = std::find_if(h.questions.begin(), h.questions.end(), [](const auto& q) {
        return q.purpose == QuestionPurpose::enter_bootloader;
    });
    ASSERT_NE(it, h.questions.end());
    EXPECT_EQ(std::find(it->buttons.begin(), it->buttons.end(), "MASTER"), it->buttons.end());
    EXPECT_EQ(std::find(it->buttons.begin(), it->buttons.end(), "PRESET"), it->buttons.end());
}

TEST(UpdateSession, MidiflySendsExactlyTheFilesMessagesAtLeast150msApartAtTheReceiver) {
    auto device = test::emulated("parker-midifly", Link::din);
    SessionHarness h(*device);
    const auto fw = firmware("parker-midifly");
    UpdateSession s(test::shipped_manifest("parker-midifly"), fw, options(Link::din));
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(h.messages_in, messages_of(*fw)); // nothing else: no identity request either
    ASSERT_GE(h.arrivals.size(), 2U);
    for (std::size_t i = 1; i < h.arrivals.size(); ++i) {
        // silence at the device's input between one F7 and the next F0 [C: MIDIFly manual]
        EXPECT_GE(h.arrivals[i].first - h.arrivals[i - 1].second, 150ms) << "message " << i;
    }
    EXPECT_EQ(device->mode(), "normal");
}

TEST(UpdateSession, OctatrackFollowsTheStartupMenuStepsOverDin) {
    auto device = test::emulated("elektron-octatrack", Link::din);
    SessionHarness h(*device);
    UpdateSession s(test::shipped_manifest("elektron-octatrack"), firmware("elektron-octatrack"),
                    options(Link::din));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(h.user_actions.front(), "power-cycle holding func");
    EXPECT_EQ(h.user_actions[1], "press trig-3");
    EXPECT_EQ(device->firmware_version_text().empty(), false);
}

TEST(UpdateSession, OctatrackOverUsbIsRefusedWithNothingSent) {
    auto device = test::emulated("elektron-octatrack", Link::usb);
    SessionHarness h(*device);
    UpdateSession s(test::shipped_manifest("elektron-octatrack"), firmware("elektron-octatrack"),
                    options(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::refused);
    EXPECT_EQ(h.bytes_written, 0U);
}

TEST(UpdateSession, Prophet600HappyPathEndsOnTheSuccessDisplay) {
    auto device = test::emulated("gligli-prophet-600", Link::din);
    SessionHarness h(*device);
    const auto fw = test::syx_file(emu::make_prophet600_test_firmware(20));
    UpdateSession s(test::shipped_manifest("gligli-prophet-600"), fw, options(Link::din));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(device->display_text(), "S");
    EXPECT_EQ(h.messages_in.size(), 21U);
    for (std::size_t i = 1; i < h.arrivals.size(); ++i) {
        EXPECT_GE(h.arrivals[i].first - h.arrivals[i - 1].second, 250ms); // [C] ≥ 250 ms
    }
}

TEST(UpdateSession, RealProphet600ReleaseIsKnownAndFlashes) {
    SYX_REQUIRE_FIXTURE(path, "gligli_prophet600_firmware_2_0992.syx");
    auto file = read_sysex_file(path);
    ASSERT_TRUE(file.ok());
    auto device = test::emulated("gligli-prophet-600", Link::din);
    SessionHarness h(*device);
    auto o = options(Link::din);
    o.unknown_release = UnknownReleasePolicy::refuse; // the real release is known by SHA-256
    UpdateSession s(test::shipped_manifest("gligli-prophet-600"),
                    std::make_shared<const SysexFile>(std::move(*file)), o);
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
}

// ---- refusals: nothing is sent

TEST(UpdateSession, FileFailingValidationSendsNothingAtAll) {
    auto device = test::emulated("parker-midifly", Link::din);
    SessionHarness h(*device);
    // Little Phatty firmware offered to the MIDIFly: wrong manufacturer bytes.
    UpdateSession s(test::shipped_manifest("parker-midifly"), firmware("moog-little-phatty"),
                    options(Link::din));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::refused);
    EXPECT_EQ(exit_code_for(outcome.kind), 3);
    EXPECT_EQ(h.bytes_written, 0U);
    EXPECT_TRUE(h.questions.empty());
    EXPECT_FALSE(outcome.device_touched);
}

TEST(UpdateSession, UnknownReleaseIsRefusedUnlessAllowedOrTypedConfirmation) {
    {
        auto device = test::emulated("parker-midifly", Link::din);
        SessionHarness h(*device);
        auto o = options(Link::din);
        o.unknown_release = UnknownReleasePolicy::refuse;
        UpdateSession s(test::shipped_manifest("parker-midifly"), firmware("parker-midifly"), o);
        EXPECT_EQ(h.run(s, UserSteps{}).kind, OutcomeKind::refused);
        EXPECT_EQ(h.bytes_written, 0U);
    }
    {
        auto device = test::emulated("parker-midifly", Link::din);
        SessionHarness h(*device);
        auto o = options(Link::din);
        o.unknown_release = UnknownReleasePolicy::ask_typed;
        UpdateSession s(test::shipped_manifest("parker-midifly"), firmware("parker-midifly"), o);
        const auto outcome = h.run(s, [](const Question& q, SessionHarness&) {
            EXPECT_EQ(q.purpose, QuestionPurpose::typed_confirmation);
            return std::optional<Event>(Event::user_answered(q.id, "continue", "send it"));
        });
        EXPECT_EQ(outcome.kind, OutcomeKind::refused); // wrong typed text
        EXPECT_EQ(h.bytes_written, 0U);
    }
    {
        auto device = test::emulated("parker-midifly", Link::din);
        SessionHarness h(*device);
        auto o = options(Link::din);
        o.unknown_release = UnknownReleasePolicy::ask_typed;
        UpdateSession s(test::shipped_manifest("parker-midifly"), firmware("parker-midifly"), o);
        EXPECT_EQ(h.run(s, UserSteps{}).kind, OutcomeKind::success);
    }
}

TEST(UpdateSession, MissingBackupIsRefusedForDevicesWithABackupProcedure) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    auto o = options(Link::usb);
    o.backup = {};
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                    o);
    EXPECT_EQ(h.run(s, UserSteps{}).kind, OutcomeKind::refused);
    EXPECT_EQ(h.bytes_written, 0U);
    // A device with no backup procedure needs none.
    auto midifly = test::emulated("parker-midifly", Link::din);
    SessionHarness hm(*midifly);
    auto om = options(Link::din);
    om.backup = {};
    UpdateSession sm(test::shipped_manifest("parker-midifly"), firmware("parker-midifly"), om);
    EXPECT_EQ(hm.run(sm, UserSteps{}).kind, OutcomeKind::success);
}

TEST(UpdateSession, WrongDeviceAnsweringStopsBeforeAnyFirmwareIsSent) {
    // Another instrument on the Little Phatty's port answering the identity request with a
    // Novation reply (F0 7E 7F 06 02 00 20 29 …; the bytes after the manufacturer are modelled
    // [M]): any reply not matching the manifest must stop the update. The Phatty emulator
    // stands in for that instrument with its reply template swapped.
    auto spec = emu::default_model_spec("moog-little-phatty");
    spec->identity_reply = {0xF0,         0x7E,         std::nullopt, 0x06,         0x02, 0x00,
                            0x20,         0x29,         0x01,         0x00,         0x41, 0x00,
                            std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0xF7};
    auto device = emu::make_device_model(*spec);
    SessionHarness h(*device);
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                    options(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::refused) << outcome.message;
    ASSERT_EQ(h.messages_in.size(), 1U);
    EXPECT_EQ(h.messages_in[0], kIdentityRequest);
    EXPECT_FALSE(outcome.device_touched);
}

TEST(UpdateSession, NoReplyToTheIdentityRequestSendsNoFirmware) {
    auto device = test::emulated("moog-little-phatty", Link::usb, {"no-reply"});
    SessionHarness h(*device);
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                    options(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::no_answer);
    for (const auto& m : h.messages_in) {
        EXPECT_EQ(m, kIdentityRequest);
    }
    EXPECT_EQ(device->firmware_version_text(), "2.0.0.4"); // untouched
}

TEST(UpdateSession, SlowReplyStillVerifies) {
    auto device = test::emulated("moog-little-phatty", Link::usb, {"slow-reply=1000"});
    SessionHarness h(*device);
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                    options(Link::usb));
    const auto outcome = h.run(s, UserSteps{});
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(device->firmware_version_text(), "2.0.1.0");
}

TEST(UpdateSession, CancelDuringTheTransferAsksAndContinuingFinishesVerified) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    h.cancel_when_bytes_sent(8000);
    UserSteps u;
    u.on_stop_question = "continue";
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                    options(Link::usb));
    const auto outcome = h.run(s, u);
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    EXPECT_EQ(h.cancels_delivered, 1U);
    EXPECT_TRUE(std::any_of(h.questions.begin(), h.questions.end(),
                            [](const auto& q) { return q.id == "confirm-stop-transfer"; }));
}

TEST(UpdateSession, OfferRestoreAfterAVerifiedUpdate) {
    auto device = test::emulated("moog-little-phatty", Link::usb);
    SessionHarness h(*device);
    auto o = options(Link::usb);
    o.offer_restore = true;
    UserSteps u;
    u.confirm["offer-restore"] = "restore";
    UpdateSession s(test::shipped_manifest("moog-little-phatty"), firmware("moog-little-phatty"),
                    o);
    const auto outcome = h.run(s, u);
    EXPECT_EQ(outcome.kind, OutcomeKind::success);
    EXPECT_TRUE(outcome.restore_requested);
}

TEST(UpdateSession, ProgressCarriesAnEtaFromThePacingPlanAndMeasuredGaps) {
    auto device = test::emulated("parker-midifly", Link::din);
    SessionHarness h(*device);
    const auto fw = firmware("parker-midifly");
    h.cancel_when_bytes_sent(fw->message_bytes().size() / 2); // look at progress half-way
    UpdateSession s(test::shipped_manifest("parker-midifly"), fw, options(Link::din));
    std::optional<Progress> mid;
    UserSteps u;
    u.on_stop_question = "continue";
    const auto outcome = h.run(s, [&](const Question& q, SessionHarness& hh) {
        if (q.id == "confirm-stop-transfer") {
            mid = s.progress();
        }
        return u(q, hh);
    });
    EXPECT_EQ(outcome.kind, OutcomeKind::success);
    ASSERT_TRUE(mid.has_value());
    EXPECT_TRUE(mid->critical);
    EXPECT_EQ(mid->phase, "transfer");
    ASSERT_TRUE(mid->eta.has_value());
    // Every message still to go needs at least its 150 ms gap [C]: the ETA cannot be less.
    const auto remaining = mid->messages_total - mid->messages_done;
    ASSERT_GT(remaining, 1U);
    EXPECT_GE(*mid->eta, (remaining - 1) * 150ms);
    ASSERT_TRUE(s.progress().smallest_measured_gap.has_value());
    EXPECT_GE(*s.progress().smallest_measured_gap, 150ms);
    EXPECT_FALSE(s.progress().critical);
}

} // namespace
