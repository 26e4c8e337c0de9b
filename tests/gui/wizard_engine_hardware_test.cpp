// The WizardEngine in hardware mode against a fake MIDI system that lists the port names a real
// Linux machine shows (ALSA sequencer, `aconnect -l` style): a Little Phatty on its own USB port,
// a Roland UM-ONE interface, a Scarlett audio interface's MIDI jacks and Midi Through. The Little
// Phatty answers the Identity Request; the UM-ONE has its OUT cabled to its IN (loopback).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "engine/data_paths.hpp"
#include "engine/transfer_backends.hpp"
#include "gui/device_cards.hpp"
#include "gui/snapshot_channel.hpp"
#include "gui/wizard_engine.hpp"

namespace syx::gui {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kPhatty = "Little Phatty SE:Little Phatty SE MIDI 1 24:0";
const std::string kUmOne = "UM-ONE:UM-ONE MIDI 1 20:0";
const std::string kScarlett = "Scarlett 2i4 USB:Scarlett 2i4 USB MIDI 1 16:0";
const std::string kThrough = "Midi Through:Midi Through Port-0 14:0";

// What is plugged in, shared by every transport the engine makes.
struct FakeMidiSystem {
    std::mutex mutex;
    std::vector<std::vector<std::uint8_t>> sent_to_phatty;
    // The UM-ONE's loopback cable: flip this byte (index into the stream) when set.
    std::optional<std::size_t> corrupt_at;
    std::size_t looped = 0;
    int identity_requests = 0;
};

class FakeAlsaTransport final : public transport::MidiTransport {
public:
    explicit FakeAlsaTransport(std::shared_ptr<FakeMidiSystem> system)
        : m_system(std::move(system)) {}
    transport::MidiApi api() const override { return transport::MidiApi::alsa; }
    Result<std::vector<transport::PortInfo>> list_ports() override {
        std::vector<transport::PortInfo> ports;
        for (const auto direction :
             {transport::PortDirection::output, transport::PortDirection::input}) {
            // /proc/asound says the LP, the UM-ONE and the Scarlett are USB cards.
            ports.push_back({kThrough, direction, transport::MidiApi::alsa, false});
            ports.push_back({kScarlett, direction, transport::MidiApi::alsa, true});
            ports.push_back({kUmOne, direction, transport::MidiApi::alsa, true});
            ports.push_back({kPhatty, direction, transport::MidiApi::alsa, true});
        }
        return ports;
    }
    void set_receive_callback(transport::ReceiveCallback callback) override {
        m_callback = std::move(callback);
    }
    Status open(const transport::OpenOptions& o) override {
        m_options = o;
        return Ok{};
    }
    Status send(std::span<const std::uint8_t> bytes) override {
        const std::vector<std::uint8_t> message(bytes.begin(), bytes.end());
        const std::vector<std::uint8_t> identity_request{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
        if (m_options.output_port == kPhatty) {
            {
                std::lock_guard lock(m_system->mutex);
                m_system->sent_to_phatty.push_back(message);
                m_system->identity_requests += message == identity_request ? 1 : 0;
            }
            if (message == identity_request && m_options.input_port == kPhatty) {
                // DEVICES.md: F0 7E 7F 06 02 04 00 05 00 01 v1 v2 v3 v4 F7 [confirmed].
                deliver({0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00, 0x01, 0x01, 0x03,
                         0x00, 0x00, 0xF7});
            }
        } else if (m_options.output_port == kUmOne && m_options.input_port == kUmOne) {
            auto back = message;
            {
                std::lock_guard lock(m_system->mutex);
                for (auto& b : back) {
                    if (m_system->corrupt_at && *m_system->corrupt_at == m_system->looped) {
                        b ^= 0x01;
                    }
                    ++m_system->looped;
                }
            }
            deliver(back);
        }
        return Ok{};
    }
    std::optional<std::size_t> max_send_bytes() const override { return std::nullopt; }
    std::chrono::microseconds delivery_jitter() const override { return 0us; }
    Result<transport::TimePoint> wait_until_sent(std::chrono::milliseconds) override {
        return transport::Clock::now();
    }
    Status ports_still_present() override { return Ok{}; }
    void close() override {}

private:
    void deliver(const std::vector<std::uint8_t>& bytes) {
        if (m_callback) {
            m_callback(bytes, transport::Clock::now());
        }
    }
    std::shared_ptr<FakeMidiSystem> m_system;
    transport::ReceiveCallback m_callback;
    transport::OpenOptions m_options;
};

class HardwareEngine : public ::testing::Test {
protected:
    void SetUp() override {
        m_home = fs::temp_directory_path() /
                 ("syxflash-hw-test-" +
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::remove_all(m_home);
        fs::create_directories(m_home / "tmp");
        setenv("XDG_DATA_HOME", (m_home / "data").c_str(), 1);   // NOLINT(concurrency-mt-unsafe)
        setenv("XDG_STATE_HOME", (m_home / "state").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    }
    void TearDown() override {
        m_engine.reset();
        fs::remove_all(m_home);
    }

    void start(std::vector<transport::MidiApi> apis, bool alsa_works = true) {
        *m_alsa_works = alsa_works;
        m_catalogue = engine::load_device_catalogue();
        Snapshot base;
        base.devices = device_cards(m_catalogue.catalogue);
        m_channel = std::make_unique<SnapshotChannel>(base);
        EngineConfig config;
        config.work_dir = m_home / "tmp";
        HardwareConfig hardware;
        hardware.apis = std::move(apis);
        hardware.detect.timeout = 200ms;
        hardware.loopback.settle = 200ms;
        hardware.make_transport =
            [system = m_system, alsa = m_alsa_works](
                transport::MidiApi api) -> Result<std::unique_ptr<transport::MidiTransport>> {
            if (api == transport::MidiApi::alsa && alsa->load()) {
                return std::unique_ptr<transport::MidiTransport>(
                    std::make_unique<FakeAlsaTransport>(system));
            }
            if (api == transport::MidiApi::emulated) {
                engine::register_transport_backends();
                return transport::make_transport(api);
            }
            return make_error(ErrorCode::transfer_failed,
                              fmt::format("{}: cannot connect (container without it)",
                                          transport::to_string(api)));
        };
        m_engine = std::make_unique<WizardEngine>(
            m_catalogue, base, config, [this](Snapshot s) { m_channel->publish(std::move(s)); },
            std::move(hardware));
        settle();
    }

    // Waits until the worker has nothing left to do.
    Snapshot settle() {
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        std::this_thread::sleep_for(20ms);
        while (m_channel->latest()->flow.engine_busy &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(5ms);
        }
        return *m_channel->latest();
    }

    Snapshot post(const Intent& value) {
        m_engine->post(value);
        return settle();
    }

    static const PortRow* row(const Snapshot& s, const std::string& name) {
        for (const auto& r : s.flow.hardware.ports) {
            if (r.output == name) {
                return &r;
            }
        }
        return nullptr;
    }

    fs::path m_home;
    CatalogueLoad m_catalogue;
    std::shared_ptr<FakeMidiSystem> m_system = std::make_shared<FakeMidiSystem>();
    // Whether the ALSA sequencer is there (a container has none); flipped to plug it in.
    std::shared_ptr<std::atomic<bool>> m_alsa_works = std::make_shared<std::atomic<bool>>(true);
    std::unique_ptr<SnapshotChannel> m_channel;
    std::unique_ptr<WizardEngine> m_engine;
};

TEST_F(HardwareEngine, NoMidiSystemMeansSimulatedModeWithAPlainReason) {
    start({transport::MidiApi::alsa, transport::MidiApi::jack}, false);
    const auto s = *m_channel->latest();
    EXPECT_EQ(s.mode, RunMode::simulated);
    EXPECT_EQ(s.mode_reason.rfind("No MIDI ports found (alsa: not available; jack: not "
                                  "available): practising with the built-in emulator.",
                                  0),
              0U)
        << s.mode_reason;
    EXPECT_NE(s.mode_reason.find("choose Rescan"), std::string::npos);
    // Choosing a device then gives the emulated one, as with --simulate.
    const auto chosen = post(intent::SelectDevice{"moog-little-phatty"});
    EXPECT_TRUE(chosen.panel.has_value());
    EXPECT_EQ(chosen.flow.port, "moog-little-phatty");
}

TEST_F(HardwareEngine, PortsFoundMeansHardwareModeAndTheDevicesUsbPortIsChosen) {
    start({transport::MidiApi::alsa, transport::MidiApi::jack});
    auto s = *m_channel->latest();
    EXPECT_EQ(s.mode, RunMode::hardware);
    EXPECT_EQ(s.flow.hardware.api, "alsa");
    EXPECT_TRUE(s.mode_reason.empty());

    s = post(intent::SelectDevice{"moog-little-phatty"});
    EXPECT_FALSE(s.panel.has_value()) << "no emulated panel beside a real instrument";
    ASSERT_EQ(s.flow.hardware.ports.size(), 4U);
    const auto& first = s.flow.hardware.ports.front();
    EXPECT_EQ(first.output, kPhatty);
    EXPECT_TRUE(first.recommended);
    EXPECT_EQ(first.badge, "the Moog Little Phatty's own USB port");
    EXPECT_EQ(s.flow.hardware.ports.back().output, kThrough);
    EXPECT_EQ(s.flow.hardware.ports.back().kind, PortKind::virtual_port);
    ASSERT_NE(row(s, kUmOne), nullptr);
    EXPECT_EQ(row(s, kUmOne)->kind, PortKind::interface);
    EXPECT_EQ(row(s, kUmOne)->badge, "MIDI interface, so DIN");
    EXPECT_EQ(row(s, kUmOne)->input, kUmOne) << "ALSA: the same name both ways";
    // The best port was taken; the link follows it.
    EXPECT_EQ(s.flow.port, kPhatty);
    EXPECT_EQ(s.flow.link, Link::usb);
    EXPECT_TRUE(first.chosen);
}

TEST_F(HardwareEngine, ChoosingDinWhileTheUsbPortIsThereWarnsAndNeedsAConfirmClick) {
    start({transport::MidiApi::alsa});
    post(intent::SelectDevice{"moog-little-phatty"});
    auto s = post(intent::ChoosePort{kUmOne, false});
    ASSERT_TRUE(s.flow.hardware.din_warning.has_value());
    EXPECT_EQ(s.flow.hardware.din_warning->port, kUmOne);
    const std::string& text = s.flow.hardware.din_warning->text;
    EXPECT_NE(text.find(kPhatty), std::string::npos) << "names the connected USB port";
    EXPECT_NE(text.find("3125 bytes/s"), std::string::npos) << text;
    EXPECT_EQ(s.flow.port, kPhatty) << "nothing changes before the confirm click";
    EXPECT_EQ(s.flow.link, Link::usb);

    s = post(intent::ChoosePort{kUmOne, true});
    EXPECT_FALSE(s.flow.hardware.din_warning.has_value());
    EXPECT_EQ(s.flow.port, kUmOne);
    EXPECT_EQ(s.flow.link, Link::din) << "pacing for DIN through the interface";
    EXPECT_TRUE(row(s, kUmOne)->chosen);
    EXPECT_FALSE(row(s, kPhatty)->chosen);
}

TEST_F(HardwareEngine, ADinOnlyDeviceGetsDinWithoutAWarning) {
    start({transport::MidiApi::alsa});
    // The Prophet-600 (gligli) has DIN only: its own USB port cannot exist.
    auto s = post(intent::SelectDevice{"gligli-prophet-600"});
    const auto* um = row(s, kUmOne);
    ASSERT_NE(um, nullptr);
    EXPECT_TRUE(um->usable);
    s = post(intent::ChoosePort{kUmOne, false});
    EXPECT_FALSE(s.flow.hardware.din_warning.has_value());
    EXPECT_EQ(s.flow.port, kUmOne);
    EXPECT_EQ(s.flow.link, Link::din);
}

TEST_F(HardwareEngine, DetectFindsTheLittlePhattyOnItsPort) {
    start({transport::MidiApi::alsa});
    const auto s = post(intent::DetectDevices{});
    EXPECT_TRUE(s.flow.hardware.detect_ran);
    const DetectRow* phatty = nullptr;
    for (const auto& d : s.flow.hardware.detected) {
        EXPECT_NE(d.output, kThrough) << "software ports are not asked";
        if (d.output == kPhatty) {
            phatty = &d;
        } else {
            EXPECT_TRUE(d.identity.empty());
            // The UM-ONE's loopback cable brings our own request back: not an answer.
            EXPECT_NE(d.problem.find(d.output == kUmOne ? "1 other message(s), no identity reply"
                                                        : "no answer within 200 ms"),
                      std::string::npos)
                << d.problem;
        }
    }
    ASSERT_NE(phatty, nullptr);
    EXPECT_EQ(phatty->device_id, "moog-little-phatty");
    EXPECT_EQ(phatty->device_name, "Moog Little Phatty");
    EXPECT_EQ(phatty->input, kPhatty);
    EXPECT_NE(phatty->identity.find("version 01 03 00 00"), std::string::npos) << phatty->identity;
    EXPECT_EQ(s.flow.hardware.detected.size(), 3U);
}

TEST_F(HardwareEngine, LoopbackSelfTestPassesWhenEveryByteComesBack) {
    start({transport::MidiApi::alsa});
    post(intent::SelectDevice{"moog-little-phatty"});
    const auto s = post(intent::RunSelfTest{kUmOne});
    EXPECT_TRUE(s.flow.hardware.self_test.ran);
    EXPECT_TRUE(s.flow.hardware.self_test.passed) << s.flow.hardware.self_test.summary;
    EXPECT_EQ(s.flow.hardware.self_test.port, kUmOne);
    EXPECT_EQ(m_system->looped, 4096U);
}

TEST_F(HardwareEngine, LoopbackSelfTestNamesTheCorruptedMessageAndByte) {
    m_system->corrupt_at = 256 * 2 + 9; // message 3, byte 10
    start({transport::MidiApi::alsa});
    post(intent::SelectDevice{"moog-little-phatty"});
    const auto s = post(intent::RunSelfTest{kUmOne});
    EXPECT_FALSE(s.flow.hardware.self_test.passed);
    EXPECT_NE(s.flow.hardware.self_test.summary.find("Corrupted at message 3 byte 10"),
              std::string::npos)
        << s.flow.hardware.self_test.summary;
    EXPECT_NE(s.flow.hardware.self_test.summary.find("use the instrument's USB port"),
              std::string::npos);
}

TEST_F(HardwareEngine, RescanAfterPluggingInLeavesSimulatedMode) {
    start({transport::MidiApi::alsa}, false);
    EXPECT_EQ(m_channel->latest()->mode, RunMode::simulated);
    auto s = post(intent::SelectDevice{"moog-little-phatty"});
    EXPECT_TRUE(s.panel.has_value());
    *m_alsa_works = true; // the instrument is plugged in
    s = post(intent::Rescan{});
    EXPECT_EQ(s.mode, RunMode::hardware);
    EXPECT_TRUE(s.mode_reason.empty());
    EXPECT_FALSE(s.panel.has_value()) << "the emulator steps aside";
    EXPECT_EQ(s.flow.device_id, "moog-little-phatty") << "the chosen device stays chosen";
    EXPECT_EQ(s.flow.port, kPhatty);
}

TEST_F(HardwareEngine, BackupRunsOnTheChosenPortOfTheEmulatedMidiSystem) {
    // api "emulated": each catalogue device is a port named by its id, answering as the device.
    start({transport::MidiApi::emulated});
    auto s = post(intent::SelectDevice{"moog-little-phatty"});
    ASSERT_EQ(s.mode, RunMode::hardware);
    s = post(intent::ChoosePort{"moog-little-phatty", false});
    ASSERT_EQ(s.flow.port, "moog-little-phatty");
    s = post(intent::DetectDevices{});
    bool found = false;
    for (const auto& d : s.flow.hardware.detected) {
        found = found || (d.output == "moog-little-phatty" && d.device_id == "moog-little-phatty");
    }
    EXPECT_TRUE(found) << "the emulated Little Phatty answered the Identity Request";
    // The backup session runs through the chosen port (the engine's transport for it).
    s = post(intent::StartBackup{});
    EXPECT_EQ(s.flow.backup, StepState::done) << s.flow.backup_text;
    ASSERT_TRUE(s.flow.run.has_value());
    EXPECT_EQ(s.flow.run->session, RunKind::backup);
}

} // namespace
} // namespace syx::gui
