// The wizard's engine and controller driven by the autopilot without a window: the same intents
// as the GUI, the real sessions and the emulated devices, in real time.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "engine/data_paths.hpp"
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
    bool bundle_has_report = false;
};

Result run_autopilot(const std::string& device, std::vector<std::string> faults = {}) {
    const fs::path home = fs::temp_directory_path() /
                          ("syxflash-wizard-test-" + device + std::to_string(faults.size()));
    fs::remove_all(home);
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
        result.bundle_has_report =
            !result.last.flow.bundle_path.empty() &&
            fs::exists(fs::path(result.last.flow.bundle_path) / "report.txt");
    }
    fs::remove_all(home);
    return result;
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
    EXPECT_TRUE(r.bundle_has_report) << "report.txt in the support bundle";
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
    const auto wait_for = [&channel](const std::function<bool(const Snapshot&)>& done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
        while (!done(*channel.latest()) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
        return done(*channel.latest());
    };
    engine->post(intent::SelectDevice{"parker-midifly"});
    engine->post(intent::UsePracticeFirmware{});
    ASSERT_TRUE(wait_for([](const Snapshot& s) { return s.flow.firmware.loaded; }));
    engine->post(intent::ConfirmUnknownRelease{"send unknown firmware"});
    ASSERT_TRUE(wait_for([](const Snapshot& s) { return s.flow.firmware_confirmed; }));
    engine->post(intent::StartUpload{});
    // Answer the bootloader question as the user would, then wait for bytes to go out.
    ASSERT_TRUE(wait_for([&engine](const Snapshot& s) {
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
