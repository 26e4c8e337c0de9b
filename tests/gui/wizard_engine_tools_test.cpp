// The Tools page's and the Library export's engine jobs in simulated mode, through the same
// intents the buttons emit: the bytes really reach the emulated device (its model checks the gap
// at its input), a dump it sends is recorded into a new file, a backup is exported.
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <thread>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/sysex_file.hpp"
#include "emulator/modelled_firmware.hpp"
#include "engine/backup_store.hpp"
#include "engine/data_paths.hpp"
#include "gui/snapshot_channel.hpp"
#include "gui/wizard_engine.hpp"

namespace syx::gui {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

class ToolsEngine : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_home = fs::temp_directory_path() / (std::string("syxflash-tools-") + info->name());
        fs::remove_all(m_home);
        fs::create_directories(m_home / "tmp");
        fs::create_directories(m_home / "out");
        setenv("XDG_DATA_HOME", (m_home / "data").c_str(), 1);   // NOLINT(concurrency-mt-unsafe)
        setenv("XDG_STATE_HOME", (m_home / "state").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
        m_engine = std::make_unique<WizardEngine>(
            engine::load_device_catalogue(), Snapshot{}, EngineConfig{{}, m_home / "tmp"},
            [this](Snapshot s) { m_channel.publish(std::move(s)); });
    }
    void TearDown() override {
        m_engine.reset();
        fs::remove_all(m_home);
    }

    bool wait_for(const std::function<bool(const Snapshot&)>& done,
                  std::chrono::seconds limit = std::chrono::seconds{30}) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done(*m_channel.latest()) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
        return done(*m_channel.latest());
    }
    bool idle() {
        return wait_for([](const Snapshot& s) { return !s.flow.engine_busy; });
    }
    void select(const std::string& id) {
        m_engine->post(intent::SelectDevice{id});
        ASSERT_TRUE(wait_for([&id](const Snapshot& s) {
            return s.flow.port == id && !s.flow.engine_busy && s.panel.has_value();
        }));
    }
    bool tool_finished(ToolJob job) {
        return wait_for([job](const Snapshot& s) {
            return s.flow.tools.job == job && !s.flow.tools.running &&
                   !s.flow.tools.result.empty() && !s.flow.engine_busy;
        });
    }
    // A MIDIFly upgrade in the emulator's MODELLED layout [M] (modelled_firmware.hpp).
    fs::path midifly_file(std::uint16_t blocks) {
        const std::array<std::uint8_t, 3> prefix{0x00, 0x01, 0x25};
        Bytes data(40);
        for (std::size_t i = 0; i < data.size(); ++i) {
            data[i] = static_cast<std::uint8_t>((i * 5) & 0x7F);
        }
        Bytes all;
        for (std::uint16_t i = 0; i < blocks; ++i) {
            const auto m = emu::encode_firmware_block(prefix, i, blocks, {3, 1, 0, 0}, data);
            all.insert(all.end(), m.begin(), m.end());
        }
        const fs::path path = m_home / "midifly-3.1.syx";
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(all.data()), // NOLINT
                   static_cast<std::streamsize>(all.size()));
        return path;
    }
    Snapshot latest() { return *m_channel.latest(); }

    fs::path m_home;
    SnapshotChannel m_channel{Snapshot{}};
    std::unique_ptr<WizardEngine> m_engine;
};

TEST_F(ToolsEngine, SendingWithTheMidiflysGapReachesTheDeviceWithEveryGapKept) {
    select("parker-midifly");
    EXPECT_EQ(latest().flow.tools.default_gap_ms, 150) << "the manifest's gap is offered";
    const auto file = midifly_file(4);
    m_engine->post(intent::ToolsChooseFile{file.string()});
    ASSERT_TRUE(wait_for([](const Snapshot& s) { return s.flow.tools.file_messages == 4; }));
    EXPECT_TRUE(latest().flow.tools.file_problem.empty());
    m_engine->post(intent::ToolsSend{file.string(), 150, "din"});
    ASSERT_TRUE(tool_finished(ToolJob::send));
    const Snapshot s = latest();
    EXPECT_TRUE(s.flow.tools.result_ok) << s.flow.tools.result;
    // The emulated MIDIFly corrupts its memory when a message follows the previous one's F7 by
    // less than 150 ms at its input [C: manual]; it took all four and runs the new version.
    ASSERT_TRUE(s.panel.has_value());
    EXPECT_EQ(s.panel->mode, "normal") << s.panel->display;
    EXPECT_EQ(s.panel->firmware_version, "3.1.0.0");
    ASSERT_EQ(s.flow.tools.gaps_ms.size(), 3U);
    for (const float gap : s.flow.tools.gaps_ms) {
        EXPECT_GE(gap, 150.0F);
    }
}

TEST_F(ToolsEngine, AGapLongerThanTheDevicesIsKeptToo) {
    select("parker-midifly");
    const auto file = midifly_file(3);
    m_engine->post(intent::ToolsSend{file.string(), 320, "usb"});
    ASSERT_TRUE(tool_finished(ToolJob::send));
    const Snapshot s = latest();
    EXPECT_TRUE(s.flow.tools.result_ok) << s.flow.tools.result;
    EXPECT_EQ(s.panel->firmware_version, "3.1.0.0");
    ASSERT_EQ(s.flow.tools.gaps_ms.size(), 2U);
    for (const float gap : s.flow.tools.gaps_ms) {
        EXPECT_GE(gap, 320.0F);
    }
}

TEST_F(ToolsEngine, AGapShorterThanTheDeviceNeedsIsSentAsAskedAndTheDeviceSaysSo) {
    // The control for the test above: the device's own check does fail on a short gap.
    select("parker-midifly");
    const auto file = midifly_file(3);
    m_engine->post(intent::ToolsSend{file.string(), 40, "usb"});
    ASSERT_TRUE(tool_finished(ToolJob::send));
    const Snapshot s = latest();
    EXPECT_EQ(s.panel->mode, "error") << s.panel->display;
}

TEST_F(ToolsEngine, CancelStopsASendBetweenMessages) {
    select("parker-midifly");
    const auto file = midifly_file(20);
    m_engine->post(intent::ToolsSend{file.string(), 300, "usb"});
    ASSERT_TRUE(wait_for(
        [](const Snapshot& s) { return s.flow.tools.running && s.flow.tools.messages_done >= 1; }));
    m_engine->post(intent::Cancel{});
    ASSERT_TRUE(tool_finished(ToolJob::send));
    const Snapshot s = latest();
    EXPECT_FALSE(s.flow.tools.result_ok);
    EXPECT_NE(s.flow.tools.result.find("Cancelled"), std::string::npos) << s.flow.tools.result;
    EXPECT_LT(s.flow.tools.messages_done, 20U);
}

TEST_F(ToolsEngine, ADumpTheDeviceSendsIsRecordedIntoANewFileInTheDataFolder) {
    select("jomox-mbrane-11");
    m_engine->post(intent::ToolsReceive{600});
    ASSERT_TRUE(wait_for([](const Snapshot& s) { return s.flow.tools.running; }));
    m_engine->post(intent::PressButton{"dump-pattern"});
    ASSERT_TRUE(tool_finished(ToolJob::receive));
    Snapshot s = latest();
    ASSERT_TRUE(s.flow.tools.result_ok) << s.flow.tools.result;
    const fs::path first = s.flow.tools.received_file;
    EXPECT_EQ(first.parent_path(), m_home / "data" / "syxflash" / "received");
    auto syx = read_sysex_file(first);
    ASSERT_TRUE(syx.ok()) << syx.error().message;
    ASSERT_EQ(syx->messages.size(), 1U);
    const auto bytes = syx->bytes_of(syx->messages[0]);
    // The Jomox scheme F0 31 7F <product> <type 02 = pattern> 55 … F7 (emulator, DEVICES.md).
    EXPECT_EQ(bytes[0], 0xF0);
    EXPECT_EQ(bytes[1], 0x31);
    EXPECT_EQ(bytes[4], 0x02);
    EXPECT_EQ(bytes.back(), 0xF7);
    EXPECT_FALSE(syx->has_errors());

    // A second recording never overwrites the first.
    const auto before = syx::test::read_file_bytes(first);
    m_engine->post(intent::ToolsReceive{600});
    ASSERT_TRUE(wait_for([](const Snapshot& x) {
        return x.flow.tools.running && x.flow.tools.received_file.empty();
    }));
    m_engine->post(intent::PressButton{"dump-pattern"});
    ASSERT_TRUE(tool_finished(ToolJob::receive));
    s = latest();
    ASSERT_TRUE(s.flow.tools.result_ok) << s.flow.tools.result;
    EXPECT_NE(fs::path(s.flow.tools.received_file), first);
    EXPECT_EQ(syx::test::read_file_bytes(first), before);
}

TEST_F(ToolsEngine, AMidiflySettingIsSentAsTheManualDocumentsIt) {
    select("parker-midifly");
    m_engine->post(intent::SendMidiflySetting{"single-channel", 4});
    ASSERT_TRUE(tool_finished(ToolJob::setting));
    Snapshot s = latest();
    EXPECT_TRUE(s.flow.tools.result_ok) << s.flow.tools.result;
    EXPECT_NE(s.flow.tools.result.find(
                  "F0 00 01 25 27 00 00 00 00 00 01 00 00 00 0A 03 02 00 00 00 00 00 04 F7"),
              std::string::npos)
        << s.flow.tools.result;
    // The emulated MIDIFly writes any F0 00 01 25 message it does not recognise as a setting
    // into program memory [M]: still "normal" means it took it as the documented setting.
    EXPECT_EQ(s.panel->mode, "normal") << s.panel->display;

    m_engine->post(intent::SendMidiflySetting{"string-4", 0});
    ASSERT_TRUE(wait_for([](const Snapshot& x) {
        return !x.flow.engine_busy && !x.flow.tools.result_ok &&
               x.flow.tools.result.find("will not guess") != std::string::npos;
    })) << latest().flow.tools.result;
    EXPECT_EQ(latest().panel->mode, "normal");
}

TEST_F(ToolsEngine, MidiflySettingsAreNotSentToAnotherDevice) {
    select("moog-little-phatty");
    m_engine->post(intent::SendMidiflySetting{"single-channel", 0});
    ASSERT_TRUE(tool_finished(ToolJob::setting));
    EXPECT_FALSE(latest().flow.tools.result_ok);
    EXPECT_NE(latest().flow.tools.result.find("Parker MIDIFly only"), std::string::npos);
}

TEST_F(ToolsEngine, ABackupIsExportedWithItsSidecarAndNeverOverExistingFiles) {
    engine::BackupContent c;
    c.device_id = "m-audio-code";
    c.device_name = "M-Audio Code";
    c.messages = {{0xF0, 0x00, 0x01, 0x05, 0x10, 0x20, 0xF7}};
    c.complete = true;
    c.completeness = "1 of 1 preset";
    c.backup_kind = "manual";
    auto saved = engine::save_backup(c, engine::SaveBackupOptions{});
    ASSERT_TRUE(saved.ok()) << saved.error().message;
    m_engine->post(intent::RefreshLibrary{});
    ASSERT_TRUE(wait_for([](const Snapshot& s) { return s.flow.library.size() == 1; }));
    const std::string file = latest().flow.library.front().file;

    m_engine->post(intent::ExportBackup{file, (m_home / "out").string()});
    ASSERT_TRUE(wait_for([](const Snapshot& s) { return !s.flow.export_result.empty(); }));
    ASSERT_TRUE(idle());
    EXPECT_TRUE(latest().flow.export_ok) << latest().flow.export_result;
    const fs::path name = fs::path(file).filename();
    const fs::path copy = m_home / "out" / name;
    EXPECT_EQ(syx::test::read_file_bytes(copy), syx::test::read_file_bytes(file));
    EXPECT_EQ(syx::test::read_file_bytes(m_home / "out" / (name.string() + ".json")).empty(),
              false);
    auto side = engine::read_sidecar(m_home / "out" / (name.string() + ".json"));
    ASSERT_TRUE(side.ok()) << side.error().message;
    EXPECT_EQ(side->sha256, saved->metadata.sha256);

    const auto before = syx::test::read_file_bytes(copy);
    m_engine->post(intent::ExportBackup{file, (m_home / "out").string()});
    ASSERT_TRUE(wait_for([](const Snapshot& s) {
        return s.flow.export_result.find("suffix") != std::string::npos;
    })) << latest().flow.export_result;
    EXPECT_EQ(syx::test::read_file_bytes(copy), before);
    const fs::path second =
        m_home / "out" /
        (fs::path(file).stem().string() + "-2" + fs::path(file).extension().string());
    EXPECT_EQ(syx::test::read_file_bytes(second), syx::test::read_file_bytes(file));
    EXPECT_TRUE(fs::exists(second.string() + ".json"));
}

} // namespace
} // namespace syx::gui
