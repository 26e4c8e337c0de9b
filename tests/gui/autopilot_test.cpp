#include <filesystem>
#include <fstream>

#include "cards.hpp"
#include "support/test_support.hpp"
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

// "What does the display show?" with two of the manifest's messages (the second: ERROR 2).
session::Question display_check() {
    auto q = question("display-check", session::QuestionPurpose::display_check);
    q.choices = {{"display:0", "UPDATE OK — success"},
                 {"display:1", "ERROR 2 — bytes lost"},
                 {"other", "Something else"}};
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
    ask(s, display_check());
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

// Hardware mode (--autopilot --api): real ports, no simulated panel.
Snapshot on_ports() {
    Snapshot s;
    s.mode = RunMode::hardware;
    s.devices = {test::card("moog-little-phatty"), test::card("parker-midifly")};
    s.flow.hardware.api = "alsa";
    s.flow.hardware.scanned = true;
    return s;
}

// One call to next(), each later than every pause before it.
std::optional<std::string> step(Autopilot& pilot, const UiModel& model, const Snapshot& s) {
    static auto now = Clock::now();
    now += std::chrono::seconds{5};
    const auto v = pilot.next(model, s, now);
    return v ? std::optional<std::string>(describe(*v)) : std::nullopt;
}

TEST(Autopilot, OnRealPortsDetectsThenTakesTheDeviceThatAnsweredAndItsPort) {
    Autopilot pilot(AutopilotHardware{"/tmp/lp.syx", ""});
    auto s = on_ports();
    UiModel model;
    model.current = WizardStep::device;
    EXPECT_EQ(step(pilot, model, s), "detect devices");
    s.flow.hardware.detecting = true;
    EXPECT_EQ(step(pilot, model, s), std::nullopt) << "waits for Detect";
    s.flow.hardware.detecting = false;
    s.flow.hardware.detect_ran = true;
    DetectRow silent;
    silent.output = "UM-ONE:UM-ONE MIDI 1 20:0";
    silent.problem = "no answer";
    DetectRow lp;
    lp.output = "Little Phatty:Little Phatty MIDI 1 24:0";
    lp.device_id = "moog-little-phatty";
    s.flow.hardware.detected = {silent, lp};
    EXPECT_EQ(step(pilot, model, s), "select device moog-little-phatty");
    // On the Connection page the engine took another port: the autopilot takes Detect's.
    model.selected_device = "moog-little-phatty";
    model.current = WizardStep::connection;
    PortRow other;
    other.output = silent.output;
    other.chosen = true;
    PortRow own;
    own.output = lp.output;
    s.flow.hardware.ports = {other, own};
    EXPECT_EQ(step(pilot, model, s), "choose port " + lp.output);
    EXPECT_FALSE(pilot.failed());
}

TEST(Autopilot, OnRealPortsFailsWhenDetectFindsNoKnownDevice) {
    Autopilot pilot(AutopilotHardware{"/tmp/lp.syx", ""});
    auto s = on_ports();
    s.flow.hardware.detect_ran = true;
    DetectRow silent;
    silent.output = "UM-ONE:UM-ONE MIDI 1 20:0";
    silent.problem = "no answer";
    s.flow.hardware.detected = {silent};
    UiModel model;
    model.current = WizardStep::device;
    EXPECT_EQ(step(pilot, model, s), std::nullopt);
    ASSERT_TRUE(pilot.failed());
    EXPECT_NE(pilot.failure().find("no answer"), std::string::npos) << pilot.failure();
}

TEST(Autopilot, OnRealPortsReadsTheDisplayFromTheDeviceModelsOutput) {
    const auto file = syx::test::process_temp_path("syxflash-autopilot-display.log");
    {
        std::ofstream out(file);
        out << "Emulating moog-little-phatty on rawmidi device 'hw:CARD=lp'\n"
            << "display: PRESET 00 / OS 2.0.0.4\n"
            << "fault: something\n"
            << "display: ERROR 2\n";
    }
    Autopilot pilot(AutopilotHardware{"/tmp/lp.syx", file.string()});
    auto s = on_ports();
    ask(s, display_check());
    UiModel model;
    model.current = WizardStep::upload;
    EXPECT_EQ(step(pilot, model, s), "answer display-check with display:1");
    std::filesystem::remove(file);
}

TEST(Autopilot, OnRealPortsChoosesTheGivenFirmwareFile) {
    Autopilot pilot(AutopilotHardware{"/tmp/lp.syx", ""});
    auto s = on_ports();
    s.flow.device_id = "moog-little-phatty";
    s.flow.firmware_supported = true;
    UiModel model;
    model.selected_device = "moog-little-phatty";
    model.current = WizardStep::firmware;
    EXPECT_EQ(step(pilot, model, s), "choose firmware /tmp/lp.syx");
}
} // namespace
} // namespace syx::gui
