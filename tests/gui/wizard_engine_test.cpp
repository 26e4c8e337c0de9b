// The wizard's engine and controller driven by the autopilot without a window: the same intents
// as the GUI, the real sessions and the emulated devices, in real time.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <variant>

#include "read_archive.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/update_session.hpp"
#include "emulator/modelled_firmware.hpp"
#include "engine/data_paths.hpp"
#include "engine/journal.hpp"
#include "engine/update_flow_job.hpp"
#include "engine/update_job.hpp"
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
    // Where the wizard writes its files (practice firmware); default home/tmp.
    std::optional<fs::path> work_dir;
    // Acts before the autopilot does (a user who does something else); nullopt: the pilot acts.
    std::function<std::optional<Intent>(const Snapshot&)> before_pilot;
};

// Options for a run in another run's `home`, stopping once `stop_when` holds (if given).
RunOptions in_home(const fs::path& home, std::function<bool(const Snapshot&)> stop_when = {}) {
    RunOptions o;
    o.home = home;
    o.stop_when = std::move(stop_when);
    return o;
}

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
    base.simulate_id = device;
    SnapshotChannel channel(base);
    EngineConfig config;
    config.faults = std::move(faults);
    config.work_dir = run.work_dir.value_or(home / "tmp");
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
            if (auto first = run.before_pilot ? run.before_pilot(*snapshot) : std::nullopt) {
                engine.post(*first);
            } else if (auto next = pilot.next(controller.model(), *snapshot)) {
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
    return run_autopilot("parker-midifly", {"unplug-at=30%"}, in_home(home, [](const Snapshot& s) {
                             return s.flow.upload == StepState::failed && !s.flow.engine_busy;
                         }));
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
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-interrupted-test");
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
    const auto second = run_autopilot("parker-midifly", {}, in_home(home));
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
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-file-gone-test");
    fs::remove_all(home);
    const auto first = unplug_midifly_upload(home);
    ASSERT_EQ(first.last.flow.upload, StepState::failed) << first.failure;
    const fs::path sent = first.last.flow.firmware.path;
    ASSERT_TRUE(fs::remove(sent));

    const auto second = run_autopilot("parker-midifly", {}, in_home(home));
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
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-moved-file-test");
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
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-close-test");
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
    engine->post(intent::ConfirmUnknownRelease{std::string(session::kUnknownReleasePhrase)});
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

// The journal is file I/O with fsyncs. While its writer is stuck (a slow disk, here a writer
// held on a latch), what the UI thread does must not wait for it: intents are taken and the
// snapshots that follow them still arrive. The writer started the journal under the lock the
// UI thread takes; before that, both waits below ran into their bound.
TEST(WizardEngine, AStuckJournalWriteDoesNotHoldUpTheUiThread) {
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-stuck-journal-test");
    fs::remove_all(home);
    fs::create_directories(home / "tmp");
    setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);   // NOLINT(concurrency-mt-unsafe)
    setenv("XDG_STATE_HOME", (home / "state").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    auto catalogue = engine::load_device_catalogue();
    SnapshotChannel channel(Snapshot{});
    std::promise<void> writing;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto engine =
        std::make_unique<WizardEngine>(catalogue, Snapshot{}, EngineConfig{{}, home / "tmp"},
                                       [&channel](Snapshot s) { channel.publish(std::move(s)); });
    engine->set_journal_starter(
        [&writing, released](const engine::JournalStart& start, const fs::path& dir) {
            writing.set_value();
            released.wait();
            return engine::start_update_journal(start, dir);
        });
    engine->post(intent::SelectDevice{"parker-midifly"});
    engine->post(intent::UsePracticeFirmware{});
    ASSERT_TRUE(wait_for(channel, [](const Snapshot& s) { return s.flow.firmware.loaded; }));
    engine->post(intent::ConfirmUnknownRelease{std::string(session::kUnknownReleasePhrase)});
    ASSERT_TRUE(wait_for(channel, [](const Snapshot& s) { return s.flow.firmware_confirmed; }));
    engine->post(intent::StartUpload{});
    ASSERT_EQ(writing.get_future().wait_for(std::chrono::seconds{30}), std::future_status::ready);

    // The writer is stuck now. The UI thread presses a panel button (an intent that logs).
    auto ui = std::async(std::launch::async,
                         [&engine] { engine->post(intent::PressButton{"no-such-button"}); });
    const bool intent_taken = ui.wait_for(std::chrono::seconds{5}) == std::future_status::ready;
    const bool snapshot_came = wait_for(
        channel,
        [](const Snapshot& s) {
            return std::any_of(s.log.begin(), s.log.end(), [](const std::string& line) {
                return line.find("pressed no-such-button") != std::string::npos;
            });
        },
        std::chrono::seconds{5});
    release.set_value(); // whatever happened, let the writer go so the engine can stop
    EXPECT_TRUE(intent_taken) << "the UI thread waited for the journal writer";
    EXPECT_TRUE(snapshot_came) << "no snapshot while the journal writer was stuck";
    engine->post(intent::Cancel{});
    engine.reset();
    fs::remove_all(home);
}

TEST(WizardEngine, TheFileBrowserListsFoldersThenFirmwareFilesAndHidesTheRest) {
    const fs::path dir = syx::test::process_temp_path("syxflash-browse-test");
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

// ---- issue 12: the wizard on the engine's update rules --------------------------------------

// A MIDIFly update journaled as cut off mid-transfer on `api` ("jack": a real unit), for a short
// practice firmware (4 messages: a recovery takes a second) written to `file`. Returns its
// session id.
// A short MIDIFly practice firmware (4 messages) whose data bytes start at `fill`, written to
// `file`; returns its bytes.
std::vector<std::uint8_t> write_short_midifly_firmware(const fs::path& file,
                                                       std::uint8_t fill = 0x10) {
    static constexpr std::uint8_t kPrefix[] = {0x00, 0x01, 0x25};
    std::vector<std::uint8_t> bytes;
    for (std::uint16_t i = 0; i < 4; ++i) {
        const std::vector<std::uint8_t> data(64, static_cast<std::uint8_t>(fill + i));
        const auto m = emu::encode_firmware_block(kPrefix, i, 4, {2, 0, 0, 9}, data);
        bytes.insert(bytes.end(), m.begin(), m.end());
    }
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), // NOLINT
               static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

std::string journal_cut_off_midifly(const fs::path& journal, const std::string& api,
                                    const fs::path& file) {
    const auto bytes = write_short_midifly_firmware(file);
    const std::size_t message_count = 4;
    engine::JournalStart start;
    start.device_id = "parker-midifly";
    start.device_name = "Parker MIDIFly";
    start.port = api == "emulated" ? "parker-midifly" : "UM-ONE";
    start.api = api;
    start.link = "din";
    start.file = file;
    start.file_sha256 = to_hex(sha256(bytes));
    start.message_count = message_count;
    start.total_bytes = bytes.size();
    auto j = engine::UpdateJournal::start(start, journal);
    EXPECT_TRUE(j.ok());
    if (!j) {
        return {};
    }
    EXPECT_TRUE(j->phase("transfer").ok());
    EXPECT_TRUE(j->progress(message_count / 3, bytes.size() / 3).ok());
    EXPECT_TRUE(j->finish("failed", engine::DeviceState::unknown, "cut off").ok());
    return j->session_id();
}

// The offers a fresh engine makes at start-up, simulating `simulate_id`.
std::vector<InterruptedUpdate> start_up_offers(const fs::path& home,
                                               const std::string& simulate_id) {
    setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);   // NOLINT(concurrency-mt-unsafe)
    setenv("XDG_STATE_HOME", (home / "state").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    Snapshot base;
    base.simulate_id = simulate_id;
    SnapshotChannel channel(base);
    {
        WizardEngine engine(engine::load_device_catalogue(), base, EngineConfig{{}, home / "tmp"},
                            [&channel](Snapshot s) { channel.publish(std::move(s)); });
        // Busy from the constructor's first job until the last: the first snapshot that is not
        // busy has the offers (snapshots are built off the worker and coalesce, so how many
        // there were before it says nothing).
        EXPECT_TRUE(wait_for(
            channel, [](const Snapshot& s) { return !s.flow.engine_busy && s.generation >= 1; }));
    }
    return channel.latest()->flow.interrupted;
}

// Red team: `--simulate novation-k-station` took a MIDIFly's start-up offer, and a simulation
// was offered a real unit's interrupted update.
TEST(WizardEngine, AStartUpOfferBelongsToItsDeviceAndItsKindOfLink) {
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-offer-owner-test");
    fs::remove_all(home);
    const fs::path journal = home / "state" / "syxflash" / "journal";
    const auto real = journal_cut_off_midifly(journal, "jack", home / "fw" / "real.syx");
    const auto simulated = journal_cut_off_midifly(journal, "emulated", home / "fw" / "sim.syx");
    ASSERT_EQ(engine::find_interrupted(journal).size(), 2U);

    EXPECT_TRUE(start_up_offers(home, "novation-k-station").empty())
        << "a K-Station simulation is not offered the MIDIFly's updates";
    const auto offers = start_up_offers(home, "parker-midifly");
    ASSERT_EQ(offers.size(), 1U) << "only the simulated MIDIFly's entry";
    EXPECT_EQ(offers.front().session, simulated);
    EXPECT_NE(offers.front().session, real);
    fs::remove_all(home);
}

// Red team: a recovery run through the emulated MIDIFly resolved a real unit's entry. The
// simulated recovery resolves the simulated entries only; the real one stays for the real unit.
TEST(WizardEngine, ASimulatedRecoveryNeverResolvesARealDevicesEntry) {
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-real-entry-test");
    fs::remove_all(home);
    const fs::path journal = home / "state" / "syxflash" / "journal";
    // The real unit's entry first: the oldest, the one an unfiltered offer list shows first.
    const auto real = journal_cut_off_midifly(journal, "jack", home / "fw" / "real.syx");
    journal_cut_off_midifly(journal, "emulated", home / "fw" / "sim.syx");

    const auto r = run_autopilot("parker-midifly", {}, in_home(home));
    EXPECT_TRUE(r.finished) << r.failure;
    EXPECT_EQ(r.last.flow.recovery, StepState::done);
    const auto left = engine::find_interrupted(journal);
    ASSERT_EQ(left.size(), 1U) << "the simulated entry is resolved, the real one is not";
    EXPECT_EQ(left.front().session, real);
    EXPECT_EQ(left.front().api, "jack");
    fs::remove_all(home);
}

// The wizard journals the firmware's absolute path, as the CLI does: the entry is read later
// from another working directory.
TEST(WizardEngine, TheJournalNamesTheFirmwareByItsAbsolutePath) {
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-absolute-path-test");
    fs::remove_all(home);
    fs::create_directories(home / "relative-work");
    const auto cwd = fs::current_path();
    fs::current_path(home);
    auto options = in_home(home, [](const Snapshot& s) {
        return s.flow.upload == StepState::failed && !s.flow.engine_busy;
    });
    options.work_dir = fs::path("relative-work");
    const auto r = run_autopilot("parker-midifly", {"unplug-at=5%"}, options);
    fs::current_path(cwd);
    ASSERT_EQ(r.last.flow.upload, StepState::failed) << r.failure;
    ASSERT_TRUE(fs::path(r.last.flow.firmware.path).is_relative()) << r.last.flow.firmware.path;
    const auto entries = engine::find_interrupted(home / "state" / "syxflash" / "journal");
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_TRUE(fs::path(entries.front().file).is_absolute()) << entries.front().file;
    EXPECT_EQ(fs::path(entries.front().file),
              (home / r.last.flow.firmware.path).lexically_normal());
    fs::remove_all(home);
}

// One typed phrase for an unknown release, the CLI's core one, not the wizard's own.
TEST(WizardEngine, TheUnknownReleaseIsConfirmedWithCoresPhrase) {
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-phrase-test");
    fs::remove_all(home);
    const auto r = run_autopilot("parker-midifly", {}, in_home(home, [](const Snapshot& s) {
                                     return s.flow.firmware.loaded && !s.flow.engine_busy;
                                 }));
    ASSERT_TRUE(r.last.flow.firmware.unknown_release) << r.failure;
    EXPECT_EQ(r.last.flow.firmware.typed_confirmation, session::kUnknownReleasePhrase);
    fs::remove_all(home);
}

// Red team: an Octatrack upload sent while the unit was not in MIDI UPGRADE ended with "Every
// firmware message has been sent", and Verify read the unchanged version without saying so. The
// user says "ready" without opening the startup menu: the unit ignores the firmware, and the
// update is a failure that leads to the recovery plan, saying the version did not change.
// A short Octatrack firmware (2 blocks) in the emulator's format, written under `home`.
fs::path short_octatrack_firmware(const fs::path& home) {
    static constexpr std::uint8_t kPrefix[] = {0x00, 0x20, 0x3C};
    std::vector<std::uint8_t> bytes;
    for (std::uint16_t i = 0; i < 2; ++i) {
        const std::vector<std::uint8_t> data(64, static_cast<std::uint8_t>(0x20 + i));
        const auto m = emu::encode_firmware_block(kPrefix, i, 2, {2, 0, 0, 9}, data);
        bytes.insert(bytes.end(), m.begin(), m.end());
    }
    const fs::path file = home / "fw" / "octatrack.syx";
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), // NOLINT
               static_cast<std::streamsize>(bytes.size()));
    return file;
}

// An Octatrack run in `home` that chooses `file` on the Firmware page and stops once the update
// has an outcome. `no_buttons`: the user answers the loader steps "ready" without pressing
// anything (the pilot's hands otherwise open MIDI UPGRADE).
Result octatrack_update(const fs::path& home, const fs::path& file, bool no_buttons) {
    auto chosen = std::make_shared<bool>(false);
    auto options = in_home(home, [](const Snapshot& s) {
        return s.flow.update_outcome.has_value() && !s.flow.engine_busy;
    });
    options.before_pilot = [file, chosen, no_buttons](const Snapshot& s) -> std::optional<Intent> {
        if (!*chosen && s.flow.device_id == "elektron-octatrack") {
            *chosen = true;
            return intent::ChooseFirmware{file.string()};
        }
        const auto& run = s.flow.run;
        if (no_buttons && run && run->question &&
            run->question->purpose == session::QuestionPurpose::enter_bootloader) {
            return intent::Answer{run->question->id, "ready", ""};
        }
        return std::nullopt;
    };
    return run_autopilot("elektron-octatrack", {}, options);
}

TEST(WizardEngine, AnOctatrackNotInMidiUpgradeIsAFailureThatSaysTheVersionDidNotChange) {
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-octatrack-test");
    fs::remove_all(home);
    const fs::path file = short_octatrack_firmware(home);
    const auto r = octatrack_update(home, file, true);
    ASSERT_TRUE(r.last.flow.update_outcome.has_value()) << r.failure;
    const auto& outcome = *r.last.flow.update_outcome;
    EXPECT_EQ(outcome.kind, session::OutcomeKind::transfer_failed) << outcome.message;
    EXPECT_NE(outcome.message.find("did not change"), std::string::npos) << outcome.message;
    EXPECT_EQ(r.last.flow.verify, StepState::failed);
    EXPECT_FALSE(r.last.flow.recovery_steps.empty()) << "the recovery plan is offered";
    EXPECT_EQ(r.last.flow.firmware.path, file.string()) << "the short file was sent";
    fs::remove_all(home);
}

// The autopilot's hands are the CLI's (engine/emulated_hands): they open the startup menu's
// MIDI UPGRADE, wait for the restart and read the Octatrack's normal screen ("OS 2.00", no
// message the manifest lists) as its normal screen, so a good update is verified.
TEST(WizardEngine, AnOctatrackUpdatedByTheAutopilotsHandsIsVerifiedFromItsNormalScreen) {
    const fs::path home = syx::test::process_temp_path("syxflash-wizard-octatrack-hands-test");
    fs::remove_all(home);
    const auto r = octatrack_update(home, short_octatrack_firmware(home), false);
    ASSERT_TRUE(r.last.flow.update_outcome.has_value()) << r.failure;
    const auto& outcome = *r.last.flow.update_outcome;
    EXPECT_EQ(outcome.kind, session::OutcomeKind::success) << outcome.message;
    EXPECT_EQ(r.last.flow.verify, StepState::done);
    ASSERT_TRUE(r.last.panel.has_value());
    EXPECT_EQ(r.last.panel->firmware_version, "2.00") << "the emulator runs the file's OS";
    fs::remove_all(home);
}

// ---- issue 12: each gate once, in the engine; the wizard presents the engine's words --------

// A host that only listens: what the CLI's job says about the same request.
class ListeningHost final : public engine::JobHost {
public:
    void on_event(const engine::JobEvent& event) override {
        if (const auto* n = std::get_if<engine::job_event::Notice>(&event)) {
            notices.push_back(n->text);
        }
    }
    std::vector<std::string> notices;
};

// The engine's JobProblem text for `request` (what `syxflash-cli upload`/`recover` prints).
std::string engine_problem(engine::UpdateJobRequest request) {
    ListeningHost host;
    auto prepared = engine::UpdateJob::prepare(std::move(request), host);
    const auto* problem = std::get_if<engine::JobProblem>(&prepared);
    return problem != nullptr ? problem->message : std::string("(the engine accepted it)");
}

// A fresh home for one test: backups, journals and user manifests stay in it.
fs::path fresh_home(const std::string& name) {
    const fs::path home = fs::temp_directory_path() / name;
    fs::remove_all(home);
    fs::create_directories(home / "tmp");
    setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);   // NOLINT(concurrency-mt-unsafe)
    setenv("XDG_STATE_HOME", (home / "state").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    return home;
}

// Unsets an environment variable however the test ends.
struct UnsetOnExit {
    const char* name;
    explicit UnsetOnExit(const char* variable) : name(variable) {}
    UnsetOnExit(const UnsetOnExit&) = delete;
    UnsetOnExit& operator=(const UnsetOnExit&) = delete;
    ~UnsetOnExit() { unsetenv(name); } // NOLINT(concurrency-mt-unsafe)
};

bool has_line(const Snapshot& s, const std::string& text) {
    return std::any_of(s.log.begin(), s.log.end(), [&](const std::string& line) {
        return line.find(text) != std::string::npos;
    });
}

// The release gate lives in the engine: an upload of an unknown release that nobody confirmed
// (an intent the pages do not send, as a stale or hostile UI might) is refused before anything
// is sent, in the words `syxflash-cli upload` uses.
TEST(WizardEngine, AnUnconfirmedUnknownReleaseIsRefusedWithTheEnginesText) {
    const fs::path home = fresh_home("syxflash-wizard-unconfirmed-test");
    const fs::path file = home / "fw" / "midifly.syx";
    write_short_midifly_firmware(file);
    SnapshotChannel channel(Snapshot{});
    {
        WizardEngine engine(engine::load_device_catalogue(), Snapshot{},
                            EngineConfig{{}, home / "tmp"},
                            [&channel](Snapshot s) { channel.publish(std::move(s)); });
        engine.post(intent::SelectDevice{"parker-midifly"});
        engine.post(intent::ChooseFirmware{file.string()});
        ASSERT_TRUE(wait_for(channel, [](const Snapshot& s) {
            return s.flow.firmware.loaded && !s.flow.engine_busy;
        }));
        ASSERT_TRUE(channel.latest()->flow.firmware.unknown_release);
        ASSERT_FALSE(channel.latest()->flow.firmware_confirmed);
        engine.post(intent::StartUpload{});
        ASSERT_TRUE(wait_for(channel, [](const Snapshot& s) {
            return s.flow.update_outcome.has_value() && !s.flow.engine_busy;
        }));
    }
    const auto& last = *channel.latest();
    const auto& outcome = *last.flow.update_outcome;
    EXPECT_EQ(outcome.kind, session::OutcomeKind::refused) << outcome.message;
    engine::UpdateJobRequest cli;
    cli.device_id = "parker-midifly";
    cli.file = file;
    EXPECT_EQ(outcome.message, engine_problem(cli));
    EXPECT_NE(outcome.message.find("Nothing was sent"), std::string::npos) << outcome.message;
    EXPECT_EQ(last.flow.upload, StepState::failed);
    EXPECT_EQ(outcome.messages_sent, 0U);
    EXPECT_TRUE(engine::list_sessions(home / "state" / "syxflash" / "journal").empty())
        << "no update was started";
    fs::remove_all(home);
}

// Red team: recovering a journaled update accepted a file whose SHA-256 differs from the
// journaled one without saying so. The wizard's recovery names it and sends nothing, with the
// text `syxflash-cli recover` prints; the entry stays for the right file.
TEST(WizardEngine, ARecoveryWithAnotherFileThanTheJournaledOneIsNamedAndRefused) {
    const fs::path home = fresh_home("syxflash-wizard-other-file-test");
    const fs::path journal = home / "state" / "syxflash" / "journal";
    const fs::path journaled = home / "fw" / "sent.syx";
    const auto session = journal_cut_off_midifly(journal, "emulated", journaled);
    const fs::path other = home / "fw" / "other.syx";
    write_short_midifly_firmware(other, 0x30); // the same layout, other data
    Snapshot base;
    base.simulate_id = "parker-midifly";
    SnapshotChannel channel(base);
    {
        WizardEngine engine(engine::load_device_catalogue(), base, EngineConfig{{}, home / "tmp"},
                            [&channel](Snapshot s) { channel.publish(std::move(s)); });
        ASSERT_TRUE(
            wait_for(channel, [](const Snapshot& s) { return s.flow.interrupted.size() == 1; }));
        engine.post(intent::RecoverInterrupted{session, "parker-midifly"});
        engine.post(intent::ChooseFirmware{other.string()});
        ASSERT_TRUE(wait_for(channel, [&](const Snapshot& s) {
            return s.flow.firmware.path == other.string() && !s.flow.engine_busy;
        }));
        engine.post(intent::ConfirmUnknownRelease{std::string(session::kUnknownReleasePhrase)});
        engine.post(intent::StartRecovery{});
        ASSERT_TRUE(wait_for(channel, [](const Snapshot& s) {
            return s.flow.recovery_outcome.has_value() && !s.flow.engine_busy;
        }));
    }
    const auto& last = *channel.latest();
    const auto& outcome = *last.flow.recovery_outcome;
    EXPECT_EQ(outcome.kind, session::OutcomeKind::refused) << outcome.message;
    EXPECT_NE(outcome.message.find("is not the file the interrupted update sent"),
              std::string::npos)
        << outcome.message;
    EXPECT_NE(outcome.message.find(journaled.string()), std::string::npos) << outcome.message;
    engine::UpdateJobRequest cli;
    cli.device_id = "parker-midifly";
    cli.file = other;
    cli.recovery = true;
    cli.api = "emulated";
    cli.allow_unknown_release = true;
    EXPECT_EQ(outcome.message, engine_problem(cli));
    EXPECT_EQ(last.flow.recovery, StepState::failed);
    const auto left = engine::find_interrupted(journal);
    ASSERT_EQ(left.size(), 1U) << "nothing was recovered";
    EXPECT_EQ(left.front().session, session);
    EXPECT_EQ(engine::list_sessions(journal).size(), 1U) << "no transfer was journaled";
    fs::remove_all(home);
}

// Red team: a user manifest overriding a shipped device with `gap_ms = 0` was used silently.
// The wizard's update goes through the engine's gap floor: the manifest is named and the
// documented gap raised in the engine's words, and the messages leave that far apart.
TEST(WizardEngine, AUserManifestsGapBelowTheDocumentedFloorIsRaisedAndNamedNeverUsed) {
    const fs::path home = fresh_home("syxflash-wizard-gap-floor-test");
    const fs::path config = home / "config";
    ASSERT_TRUE(syx::test::write_user_manifest_with_gap(config, "parker-midifly", 0));
    setenv("XDG_CONFIG_HOME", config.c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    const UnsetOnExit unset{"XDG_CONFIG_HOME"};   // later tests see the shipped manifests only
    const fs::path file = home / "fw" / "midifly.syx";
    write_short_midifly_firmware(file);
    auto started = engine::start_job("parker-midifly", file);
    ASSERT_TRUE(std::holds_alternative<engine::JobStart>(started));
    const auto notices = std::get<engine::JobStart>(started).notices;
    ASSERT_FALSE(notices.empty());

    auto chosen = std::make_shared<bool>(false);
    auto options = in_home(home, [](const Snapshot& s) {
        return (s.flow.upload == StepState::done || s.flow.upload == StepState::failed) &&
               s.flow.run && !s.flow.run->gaps_ms.empty();
    });
    options.before_pilot = [file, chosen](const Snapshot& s) -> std::optional<Intent> {
        if (!*chosen && s.flow.device_id == "parker-midifly") {
            *chosen = true;
            return intent::ChooseFirmware{file.string()};
        }
        return std::nullopt;
    };
    const auto r = run_autopilot("parker-midifly", {}, options);
    ASSERT_EQ(r.last.flow.upload, StepState::done) << r.failure;
    for (const auto& notice : notices) {
        EXPECT_TRUE(has_line(r.last, notice)) << "the run says: " << notice;
    }
    EXPECT_TRUE(std::any_of(notices.begin(), notices.end(), [](const std::string& n) {
        return n.find("parker-midifly.toml") != std::string::npos;
    }));
    ASSERT_TRUE(r.last.flow.run.has_value());
    const auto& gaps = r.last.flow.run->gaps_ms;
    ASSERT_EQ(gaps.size(), 3U) << "4 messages";
    for (const float gap : gaps) {
        EXPECT_GE(gap, 140.0F) << "the documented 150 ms, not the manifest's 0 ms";
    }
    fs::remove_all(home);
}

} // namespace
} // namespace syx::gui
