// The wizard's engine and controller driven by the autopilot without a window: the same intents
// as the GUI, the real sessions and the emulated devices, in real time.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "read_archive.hpp"
#include <gtest/gtest.h>

#include "engine/data_paths.hpp"
#include "engine/journal.hpp"
#include "gui/autopilot.hpp"
#include "gui/controller.hpp"
#include "gui/device_cards.hpp"
#include "gui/snapshot_channel.hpp"
#include "gui/wizard_engine.hpp"

namespace syx::gui {
namespace {

namespace fs = std::filesystem;

struct Result {
    bool finished = false;
    std::string failure;
    std::vector<WizardStep> visited;
    Snapshot last;
    // The support bundle read back with libarchive: path inside the archive -> contents.
    std::map<std::string, std::string> bundle;
};

struct RunOptions {
    // Stop driving once this holds (the run is then not "finished").
    std::function<bool(const Snapshot&)> stop_when;
    // Another run's home: keep its journal and files instead of starting clean.
    std::optional<fs::path> home;
};

Result run_autopilot(const std::string& device, std::vector<std::string> faults = {},
                     const RunOptions& run = {}) {
    const fs::path home =
        run.home.value_or(fs::temp_directory_path() /
                          ("syxflash-wizard-test-" + device + std::to_string(faults.size())));
    if (!run.home) {
        fs::remove_all(home);
    }
    fs::create_directories(home / "tmp");
    // Backups and journals go here, not into the home folder of whoever runs the tests.
    setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);   // NOLINT(concurrency-mt-unsafe)
    setenv("XDG_STATE_HOME", (home / "state").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    auto catalogue = engine::load_device_catalogue();
    Snapshot base;
    base.devices = device_cards(catalogue.catalogue);
    base.features.catalogue = true;
    base.features.sessions = true;
    base.simulate_id = device;
    SnapshotChannel channel(base);
    EngineConfig config;
    config.faults = std::move(faults);
    config.work_dir = home / "tmp";
    Result result;
    {
        WizardEngine engine(catalogue, base, config,
                            [&channel](Snapshot s) { channel.publish(std::move(s)); });
        Controller controller;
        controller.set_engine([&engine](const Intent& v) { engine.post(v); });
        controller.apply(intent::SelectDevice{device}, *channel.latest());
        Autopilot pilot;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{240};
        while (!pilot.finished() && !pilot.failed() &&
               std::chrono::steady_clock::now() < deadline) {
            const auto snapshot = channel.latest();
            if (run.stop_when && run.stop_when(*snapshot)) {
                break;
            }
            if (auto next = pilot.next(controller.model(), *snapshot)) {
                if (!controller.apply(*next, *snapshot)) {
                    result.failure = "refused: " + describe(*next);
                    break;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        result.finished = pilot.finished();
        if (result.failure.empty()) {
            result.failure = pilot.failure();
        }
        result.visited = controller.model().visited;
        result.last = *channel.latest();
        if (!result.last.flow.bundle_path.empty()) {
            result.bundle = test::read_archive(result.last.flow.bundle_path).files;
        }
    }
    if (!run.home) {
        fs::remove_all(home);
    }
    return result;
}

// A MIDIFly update cut off by the cable coming out at 30 %, after which the user closes the
// wizard: the journal in `home` holds an interrupted update.
Result unplug_midifly_upload(const fs::path& home) {
    return run_autopilot("parker-midifly", {"unplug-at=30%"},
                         {[](const Snapshot& s) {
                              return s.flow.upload == StepState::failed && !s.flow.engine_busy;
                          },
                          home});
}

// Waits until the newest snapshot satisfies `done` (or the time is up); says whether it did.
bool wait_for(const SnapshotChannel& channel, const std::function<bool(const Snapshot&)>& done,
              std::chrono::seconds limit = std::chrono::seconds{30}) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(*channel.latest()) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return done(*channel.latest());
}

TEST(WizardEngine, TheMidiflyIsUpdatedAndVerifiedThroughTheWizardsIntents) {
    const auto r = run_autopilot("parker-midifly");
    EXPECT_TRUE(r.finished) << r.failure;
    EXPECT_EQ(r.last.flow.backup, StepState::unavailable) << "the MIDIFly has no SysEx backup";
    EXPECT_EQ(r.last.flow.upload, StepState::done);
    EXPECT_EQ(r.last.flow.verify, StepState::done);
    ASSERT_TRUE(r.last.panel.has_value());
    EXPECT_EQ(r.last.panel->mode, "normal");
    EXPECT_EQ(r.last.panel->firmware_version, "2.0.0.9") << "the practice firmware's version";
    EXPECT_FALSE(r.last.flow.bundle_path.empty());
    EXPECT_TRUE(r.last.flow.bundle_path.ends_with(".tar.gz")) << r.last.flow.bundle_path;
    // One archive: the report, the trace and this run's journal, under one folder.
    std::string report;
    std::string trace;
    int journals = 0;
    for (const auto& [name, content] : r.bundle) {
        EXPECT_EQ(name.rfind("syxflash-support-parker-midifly-", 0), 0U) << name;
        const auto file = name.substr(name.find('/') + 1);
        if (file == "report.txt") {
            report = content;
        } else if (file == "trace.txt") {
            trace = content;
        } else if (file.rfind("journal/", 0) == 0) {
            ++journals;
            EXPECT_NE(content.find("\"record\":\"finished\""), std::string::npos) << content;
        } else {
            ADD_FAILURE() << "unexpected file in the bundle: " << name;
        }
    }
    EXPECT_NE(report.find("device: Parker MIDIFly (parker-midifly)"), std::string::npos) << report;
    EXPECT_NE(report.find("upload: done"), std::string::npos) << report;
    EXPECT_NE(trace.find("Firmware "), std::string::npos) << trace;
    EXPECT_EQ(journals, 1) << "the update's journal";
}

TEST(WizardEngine, TheSupportBundleNamesTheBackupButLeavesThePresetsOut) {
    const auto r = run_autopilot("moog-little-phatty");
    ASSERT_TRUE(r.finished) << r.failure;
    ASSERT_FALSE(r.last.flow.backup_file.empty());
    std::string report;
    for (const auto& [name, content] : r.bundle) {
        EXPECT_FALSE(name.ends_with(".syx")) << name << ": presets must not travel in the bundle";
        if (name.ends_with("/report.txt")) {
            report = content;
        }
    }
    EXPECT_NE(report.find("backup file (contents not included): " + r.last.flow.backup_file),
              std::string::npos)
        << report;
}

TEST(WizardEngine, PowerLostMidUploadIsRecoveredByTheGuidedPlan) {
    const auto r = run_autopilot("parker-midifly", {"power-loss-at=50%"});
    EXPECT_TRUE(r.finished) << r.failure;
    EXPECT_EQ(r.last.flow.update_outcome ? r.last.flow.update_outcome->kind
                                         : session::OutcomeKind::success,
              session::OutcomeKind::transfer_failed);
    EXPECT_EQ(r.last.flow.recovery, StepState::done);
    EXPECT_NE(std::find(r.visited.begin(), r.visited.end(), WizardStep::recovery), r.visited.end());
    ASSERT_TRUE(r.last.panel.has_value());
    EXPECT_FALSE(r.last.panel->fault_events.empty()) << "the fault fired";
}

TEST(WizardEngine, AnUploadCutOffByAnUnplugIsOfferedAtTheNextStartAndRecoveredFromThere) {
    const fs::path home = fs::temp_directory_path() / "syxflash-wizard-interrupted-test";
    fs::remove_all(home);
    // First start: the cable comes out at 30 %, and the user closes the wizard there.
    const auto first = unplug_midifly_upload(home);
    ASSERT_EQ(first.last.flow.upload, StepState::failed) << first.failure;
    ASSERT_TRUE(first.last.flow.interrupted.empty()) << "nothing was interrupted before it";
    const auto journal = home / "state" / "syxflash" / "journal";
    ASSERT_EQ(engine::find_interrupted(journal).size(), 1U);

    // Next start: a new engine reads the journal and offers that update first.
    auto catalogue = engine::load_device_catalogue();
    SnapshotChannel channel(Snapshot{});
    {
        WizardEngine engine(catalogue, Snapshot{}, EngineConfig{{}, home / "tmp"},
                            [&channel](Snapshot s) { channel.publish(std::move(s)); });
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
        while ((channel.latest()->flow.engine_busy || channel.latest()->generation < 2) &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
    }
    const auto& offered = channel.latest()->flow.interrupted;
    ASSERT_EQ(offered.size(), 1U);
    const InterruptedUpdate& u = offered.front();
    EXPECT_EQ(u.device_id, "parker-midifly");
    EXPECT_EQ(u.device_name, "Parker MIDIFly");
    EXPECT_TRUE(u.device_known);
    EXPECT_TRUE(u.file_present) << u.file;
    EXPECT_GT(u.message_count, 1U);
    EXPECT_GT(u.messages_sent, 0U) << "some messages went out before the unplug";
    EXPECT_LT(u.messages_sent, u.message_count);
    EXPECT_NE(u.when.find(" at "), std::string::npos) << u.when;

    // The autopilot takes the offer: Recovery for that device with the journal's file.
    const auto second = run_autopilot("parker-midifly", {}, {{}, home});
    EXPECT_TRUE(second.finished) << second.failure;
    ASSERT_GE(second.visited.size(), 2U);
    EXPECT_EQ(second.visited[1], WizardStep::recovery) << "straight from the offer to Recovery";
    EXPECT_EQ(second.last.flow.recovery, StepState::done);
    EXPECT_EQ(second.last.flow.firmware.path, u.file) << "the journal's firmware";
    EXPECT_TRUE(second.last.flow.interrupted.empty());
    EXPECT_TRUE(engine::find_interrupted(journal).empty()) << "the entry is marked resolved";
    fs::remove_all(home);
}

// Half-flashed, and the firmware file has gone since: the start-up offer leads to Recovery,
// the file is chosen there (here, as a practising user would, the simulated device's practice
// firmware), and the unit is recovered. No backup is asked of a unit that cannot make one.
TEST(WizardEngine, AnInterruptedUpdateWhoseFileIsGoneIsRecoveredFromTheRecoveryPage) {
    const fs::path home = fs::temp_directory_path() / "syxflash-wizard-file-gone-test";
    fs::remove_all(home);
    const auto first = unplug_midifly_upload(home);
    ASSERT_EQ(first.last.flow.upload, StepState::failed) << first.failure;
    const fs::path sent = first.last.flow.firmware.path;
    ASSERT_TRUE(fs::remove(sent));

    const auto second = run_autopilot("parker-midifly", {}, {{}, home});
    EXPECT_TRUE(second.finished) << second.failure;
    ASSERT_GE(second.visited.size(), 2U);
    EXPECT_EQ(second.visited[1], WizardStep::recovery) << "straight from the offer to Recovery";
    EXPECT_EQ(std::count(second.visited.begin(), second.visited.end(), WizardStep::backup), 0)
        << "the Backup page is not in the way";
    EXPECT_EQ(second.last.flow.recovery, StepState::done);
    EXPECT_TRUE(second.last.flow.firmware.loaded);
    EXPECT_TRUE(engine::find_interrupted(home / "state" / "syxflash" / "journal").empty())
        << "the entry is marked resolved";
    fs::remove_all(home);
}

// The file chosen again for a recovery keeps the interrupted update's confirmation only when it
// is that very file (same SHA-256), wherever it now lives; the browser opens where it was.
TEST(WizardEngine, OnlyTheVeryFileOfTheInterruptedUpdateKeepsItsConfirmation) {
    const fs::path home = fs::temp_directory_path() / "syxflash-wizard-moved-file-test";
    fs::remove_all(home);
    const auto first = unplug_midifly_upload(home);
    ASSERT_EQ(first.last.flow.upload, StepState::failed) << first.failure;
    ASSERT_TRUE(first.last.flow.firmware.unknown_release) << "a practice file needs confirming";
    const fs::path sent = first.last.flow.firmware.path;
    const fs::path moved = home / "downloads" / "midifly-firmware.syx";
    fs::create_directories(moved.parent_path());
    fs::rename(sent, moved); // the user tidied their folders between the two starts
    // The same messages in another file (gzip of it): a different file as far as trust goes.
    const fs::path other = home / "downloads" / "midifly-firmware.syx.gz";
    const std::string pack = "gzip -c '" + moved.string() + "' > '" + other.string() + "'";
    ASSERT_EQ(std::system(pack.c_str()), 0); // NOLINT(concurrency-mt-unsafe)

    auto catalogue = engine::load_device_catalogue();
    SnapshotChannel channel(Snapshot{});
    WizardEngine engine(catalogue, Snapshot{}, EngineConfig{{}, home / "tmp"},
                        [&channel](Snapshot s) { channel.publish(std::move(s)); });
    ASSERT_TRUE(
        wait_for(channel, [](const Snapshot& s) { return s.flow.interrupted.size() == 1; }));
    const InterruptedUpdate offered = channel.latest()->flow.interrupted.front();
    EXPECT_FALSE(offered.file_present);
    EXPECT_EQ(offered.file, sent.string());

    engine.post(intent::RecoverInterrupted{offered.session, offered.device_id});
    ASSERT_TRUE(wait_for(channel, [&](const Snapshot& s) {
        return s.flow.resuming_session == offered.session && !s.flow.engine_busy;
    }));
    EXPECT_FALSE(channel.latest()->flow.firmware_ready()) << "nothing to send until chosen";
    EXPECT_EQ(fs::path(channel.latest()->flow.browser.path), sent.parent_path())
        << "the browser opens where the file was";

    engine.post(intent::ChooseFirmware{other.string()});
    ASSERT_TRUE(wait_for(channel, [&](const Snapshot& s) {
        return s.flow.firmware.path == other.string() && !s.flow.engine_busy;
    }));
    EXPECT_TRUE(channel.latest()->flow.firmware.loaded);
    EXPECT_TRUE(channel.latest()->flow.firmware.unknown_release);
    EXPECT_FALSE(channel.latest()->flow.firmware_confirmed) << "another file: confirm it again";
    // Only the F0 00 01 25 prefix of MIDIFly firmware is documented (MIDIFly manual, SYSEX
    // Specification): the firmware page says the judgement rests on modelled rules.
    const auto& findings = channel.latest()->flow.firmware.findings;
    EXPECT_TRUE(std::any_of(findings.begin(), findings.end(), [](const std::string& f) {
        return f.find("cannot tell a MIDIFly firmware file from other MIDIFly data") !=
               std::string::npos;
    })) << "the modelled-rules notice is on the firmware page";

    engine.post(intent::ChooseFirmware{moved.string()});
    ASSERT_TRUE(wait_for(channel, [&](const Snapshot& s) {
        return s.flow.firmware.path == moved.string() && !s.flow.engine_busy;
    }));
    EXPECT_TRUE(channel.latest()->flow.firmware_confirmed) << "the very file, moved";
    EXPECT_TRUE(channel.latest()->flow.firmware_ready());
    fs::remove_all(home);
}

TEST(WizardEngine, ClosingTheWindowMidUploadStopsTheSessionInsteadOfHanging) {
    const fs::path home = fs::temp_directory_path() / "syxflash-wizard-close-test";
    fs::remove_all(home);
    fs::create_directories(home / "tmp");
    setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);   // NOLINT(concurrency-mt-unsafe)
    setenv("XDG_STATE_HOME", (home / "state").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    auto catalogue = engine::load_device_catalogue();
    SnapshotChannel channel(Snapshot{});
    auto engine =
        std::make_unique<WizardEngine>(catalogue, Snapshot{}, EngineConfig{{}, home / "tmp"},
                                       [&channel](Snapshot s) { channel.publish(std::move(s)); });
    engine->post(intent::SelectDevice{"parker-midifly"});
    engine->post(intent::UsePracticeFirmware{});
    ASSERT_TRUE(wait_for(channel, [](const Snapshot& s) { return s.flow.firmware.loaded; }));
    engine->post(intent::ConfirmUnknownRelease{"send unknown firmware"});
    ASSERT_TRUE(wait_for(channel, [](const Snapshot& s) { return s.flow.firmware_confirmed; }));
    engine->post(intent::StartUpload{});
    // Answer the bootloader question as the user would, then wait for bytes to go out.
    ASSERT_TRUE(wait_for(channel, [&engine](const Snapshot& s) {
        if (s.flow.run && s.flow.run->question) {
            engine->post(intent::Answer{s.flow.run->question->id, "ready", ""});
        }
        return s.transfer_running;
    }));
    const auto start = std::chrono::steady_clock::now();
    engine.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{10});
    fs::remove_all(home);
}

TEST(WizardEngine, TheFileBrowserListsFoldersThenFirmwareFilesAndHidesTheRest) {
    const fs::path dir = fs::temp_directory_path() / "syxflash-browse-test";
    fs::remove_all(dir);
    fs::create_directories(dir / "sub");
    fs::create_directories(dir / ".hidden");
    for (const char* name : {"b.syx", "a.mid", "notes.txt", "photo.jpg", ".secret.syx"}) {
        std::ofstream(dir / name) << "x";
    }
    SnapshotChannel channel(Snapshot{});
    {
        WizardEngine engine(CatalogueLoad{}, Snapshot{}, EngineConfig{{}, dir},
                            [&channel](Snapshot s) { channel.publish(std::move(s)); });
        engine.post(intent::BrowseFolder{dir.string()});
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
        while ((channel.latest()->flow.browser.path != dir.string() ||
                channel.latest()->flow.engine_busy) &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
    }
    const auto& b = channel.latest()->flow.browser;
    EXPECT_EQ(b.path, dir.string());
    EXPECT_EQ(b.parent, dir.parent_path().string());
    std::vector<std::string> names;
    for (const auto& e : b.entries) {
        names.push_back(e.name + (e.folder ? "/" : ""));
    }
    EXPECT_EQ(names, (std::vector<std::string>{"sub/", "a.mid", "b.syx", "notes.txt"}));
    fs::remove_all(dir);
}

} // namespace
} // namespace syx::gui
