// End to end through a real JACK server (DESIGN.md §9, issue 6): `syxflash-cli emulate` serves a
// device on virtual JACK ports in its own process, and `syxflash-cli backup` / `upload` talk to it
// with the RtMidi JACK backend like they would to a real instrument. Part of syxflash_jack_tests,
// which runs against the private server of the syxflash_jack fixture (tests/transport/tests.cmake).
#include <cstdio>
#include <thread>

#include "emulate_process.hpp"
#include "jack_peer.hpp"
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/flow_cli_support.hpp"
#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/pacer.hpp"
#include "emulator/device_catalogue.hpp"
#include "emulator/modelled_firmware.hpp"
#include "emulator/moog_little_phatty_model.hpp"
#include "engine/manifest_files.hpp"
#include "engine/transfer_backends.hpp"
#include "transport/midi_transport.hpp"
#ifdef SYXFLASH_JACK_WITH_GUI
#include "engine/data_paths.hpp"
#include "gui/device_cards.hpp"
#include "gui/snapshot_channel.hpp"
#include "gui/wizard_engine.hpp"
#endif

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syx::test::FlowHome;
using syx::test::run_cli;

// The JACK transport, or nullptr when no server runs.
std::unique_ptr<syx::transport::MidiTransport> jack_or_skip() {
    syx::engine::register_transport_backends();
    auto made = syx::transport::make_transport(syx::transport::MidiApi::jack);
    if (!made.ok() || !(*made)->list_ports().ok()) {
        return nullptr;
    }
    return std::move(made).value();
}

bool wait_for_port(syx::transport::MidiTransport& jack, const std::string& name) {
    for (int i = 0; i < 100; ++i) {
        const auto ports = jack.list_ports();
        if (ports.ok() && std::any_of(ports->begin(), ports->end(),
                                      [&](const auto& p) { return p.name == name + "-out:out"; })) {
            return true;
        }
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

TEST(FlowsOverJack, LittlePhattyBackupFromTheEmulateProcess) {
    auto jack = jack_or_skip();
    if (!jack) {
        GTEST_SKIP() << "no JACK server running";
    }
    FlowHome home;
    const std::string name = "syx-flows-lp-" + std::to_string(::getpid());
    syx::test::EmulateProcess emulate(
        {"emulate", "moog-little-phatty", "--api", "jack", "--name", name});
    ASSERT_TRUE(wait_for_port(*jack, name));

    const auto out = home / "lp.syx";
    const auto r = run_cli({"backup", "--device", "moog-little-phatty", "--api", "jack", "--port",
                            name, "-o", out.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    // The ~17 KiB bulk dump crossed JACK (in pieces: RtMidi's JACK ring holds 16 KiB) and was
    // joined back byte for byte.
    auto model = syx::emu::make_device_model("moog-little-phatty");
    const auto* lp = dynamic_cast<syx::emu::MoogLittlePhattyModel*>(model.get());
    ASSERT_NE(lp, nullptr);
    const auto file = syx::test::read_file_bytes(out);
    EXPECT_EQ(file, std::vector<unsigned char>(lp->bulk().begin(), lp->bulk().end()));
    EXPECT_TRUE(fs::exists(home / "lp.syx.json"));
    EXPECT_EQ(syx::test::result_of(r.out)["ok"], true);
}

TEST(FlowsOverJack, Prophet600UploadToTheEmulateProcessEndsWithS) {
    auto jack = jack_or_skip();
    if (!jack) {
        GTEST_SKIP() << "no JACK server running";
    }
    FlowHome home;
    const std::string name = "syx-flows-p6-" + std::to_string(::getpid());
    syx::test::EmulateProcess emulate(
        {"emulate", "gligli-prophet-600", "--api", "jack", "--name", name});
    ASSERT_TRUE(wait_for_port(*jack, name));
    // The person at the instrument: To Tape + From Tape held at power-on → "U".
    emulate.type("power-cycle to-tape from-tape");

    // A short firmware in the GliGli shape (8 × 333-byte blocks + the 8-byte end message).
    const auto firmware = home / "p600.syx";
    syx::test::write_messages(firmware, syx::emu::make_prophet600_test_firmware(8));
    // --yes confirms the bootloader steps (done above); the display answer is typed as a person
    // reading "S" would. Its backup is a front-panel patch dump (sysex_patch.tex), not part of
    // this test, so it is skipped explicitly.
    const auto r =
        run_cli({"upload", "--device", "gligli-prophet-600", "--api", "jack", "--port", name,
                 firmware.string(), "--allow-unknown-release", "--skip-backup", "--yes", "--json"},
                "S\n");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_EQ(syx::test::result_of(r.out)["outcome"], "success");
    // The device itself agrees: its display shows S (success) after the transfer over JACK.
    emulate.type("display");
    std::this_thread::sleep_for(300ms);
    const std::string printed = emulate.stop().second;
    EXPECT_NE(printed.find("display: S"), std::string::npos) << printed;
}

// The one paced sender on a real JACK server (issue 12): `upload` (not only `send`) keeps the
// manifest's gap at a separate receiving client. The CLI sends to a listening client that stamps
// each arrival and forwards it, unchanged, to the emulate process (the device), so the gaps are
// measured by a third party while the device still takes the whole upload and shows "S".
TEST(FlowsOverJack, UploadGapsAtASeparateClientAreAtLeastWireTimePlusTheManifestsGap) {
    auto jack = jack_or_skip();
    if (!jack) {
        GTEST_SKIP() << "no JACK server running";
    }
    FlowHome home;
    const std::string name = "syx-flows-gap-" + std::to_string(::getpid());
    syx::test::EmulateProcess emulate(
        {"emulate", "gligli-prophet-600", "--api", "jack", "--name", name});
    ASSERT_TRUE(wait_for_port(*jack, name));
    emulate.type("power-cycle to-tape from-tape");

    // The forwarder's way on to the device: its own output, connected to the device's input.
    RtMidiOut forward(RtMidi::UNIX_JACK, "syx-gap-fwd");
    bool connected = false;
    for (unsigned i = 0; i < forward.getPortCount(); ++i) {
        if (forward.getPortName(i) == name + ":in") {
            forward.openPort(i, "out");
            connected = true;
        }
    }
    ASSERT_TRUE(connected) << "no port " << name << ":in";
    const std::string listener_name = "syx-gap-" + std::to_string(::getpid());
    syx::test::JackPeer listener(listener_name);
    listener.set_responder([&forward](const std::vector<std::uint8_t>& in) {
        forward.sendMessage(&in);
        return std::vector<std::uint8_t>{};
    });

    const auto firmware = home / "p600.syx";
    const auto messages = syx::emu::make_prophet600_test_firmware(8);
    syx::test::write_messages(firmware, messages);
    const auto r = run_cli({"upload", "--device", "gligli-prophet-600", "--api", "jack", "--port",
                            listener_name, firmware.string(), "--allow-unknown-release",
                            "--skip-backup", "--yes", "--json"},
                           "S\n");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["outcome"], "success");
    const auto link = result["link"] == "din" ? syx::Link::din : syx::Link::usb;

    // The manifest's gap for that link, from the shipped manifest itself.
    const auto loaded = syx::load_manifest_file(syx::test::source_dir() / "firmware-manifests" /
                                                "gligli-prophet-600.toml");
    ASSERT_TRUE(loaded.ok());
    const syx::Manifest* p600 = &*loaded.manifest;
    ASSERT_NE(p600->pacing.for_link(link), nullptr);
    const auto& rules = p600->pacing.for_link(link)->rules;
    ASSERT_GT(rules.gap_after_message.count(), 0);

    const auto arrivals = listener.arrivals();
    ASSERT_EQ(arrivals.size(), messages.size());
    double smallest_margin_ms = 1e9;
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
        EXPECT_EQ(arrivals[i].bytes, messages[i]) << "message " << i + 1;
        if (i == 0) {
            continue;
        }
        // Each message arrives whole, when its last byte is in: the gap before it is at least
        // its own wire time plus the manifest's gap after the previous one.
        const auto required =
            syx::wire_time(arrivals[i].bytes.size(), link, rules) +
            std::chrono::duration_cast<std::chrono::nanoseconds>(rules.gap_after_message);
        const auto measured = arrivals[i].time - arrivals[i - 1].time;
        const double margin =
            std::chrono::duration<double, std::milli>(measured - required).count();
        smallest_margin_ms = std::min(smallest_margin_ms, margin);
        EXPECT_GE(measured, required) << "before message " << i + 1 << ": " << margin << " ms";
    }
    std::printf("[figures] jack upload p600 %zu messages on %s: smallest gap margin %.3f ms\n",
                arrivals.size(), syx::to_string(link), smallest_margin_ms);
    // The device took it all: its display shows S.
    emulate.type("display");
    std::this_thread::sleep_for(300ms);
    const std::string printed = emulate.stop().second;
    EXPECT_NE(printed.find("display: S"), std::string::npos) << printed;
}

#ifdef SYXFLASH_JACK_WITH_GUI
// The wizard's engine in hardware mode with --api jack: it lists the JACK ports on its worker,
// Detect finds the emulated Little Phatty by its identity reply on the emulate process's ports,
// and the backup runs through the port chosen for it.
TEST(FlowsOverJack, WizardEngineInHardwareModeDetectsAndBacksUpTheEmulatedDevice) {
    using namespace syx::gui;
    auto jack = jack_or_skip();
    if (!jack) {
        GTEST_SKIP() << "no JACK server running";
    }
    FlowHome home;
    const std::string name = "syx-wizard-lp-" + std::to_string(::getpid());
    syx::test::EmulateProcess emulate(
        {"emulate", "moog-little-phatty", "--api", "jack", "--name", name});
    ASSERT_TRUE(wait_for_port(*jack, name));
    fs::create_directories(home / "tmp");

    const auto catalogue = syx::engine::load_device_catalogue();
    Snapshot base;
    base.devices = device_cards(catalogue.catalogue);
    SnapshotChannel channel(base);
    HardwareConfig hardware;
    hardware.apis = {syx::transport::MidiApi::jack}; // --api jack
    WizardEngine engine(
        catalogue, base, EngineConfig{{}, home / "tmp"},
        [&channel](Snapshot s) { channel.publish(std::move(s)); }, hardware);
    // Snapshots are published by their own thread: wait for the state the intent leads to, not
    // for a fixed time (a snapshot from before the intent can still be the latest one).
    const auto settle = [&channel](const auto& reached) {
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        for (;;) {
            const Snapshot s = *channel.latest();
            if ((!s.flow.engine_busy && reached(s)) ||
                std::chrono::steady_clock::now() > deadline) {
                return s;
            }
            std::this_thread::sleep_for(10ms);
        }
    };
    auto s = settle([](const Snapshot& x) { return x.mode == RunMode::hardware; });
    ASSERT_EQ(s.mode, RunMode::hardware) << s.mode_reason;
    EXPECT_EQ(s.flow.hardware.api, "jack");

    engine.post(intent::DetectDevices{});
    s = settle(
        [](const Snapshot& x) { return x.flow.hardware.detect_ran && !x.flow.hardware.detecting; });
    const DetectRow* found = nullptr;
    for (const auto& d : s.flow.hardware.detected) {
        if (d.output.rfind(name, 0) == 0) {
            found = &d;
        }
    }
    std::string asked;
    for (const auto& d : s.flow.hardware.detected) {
        asked += " '" + d.output + "' (" + d.problem + ")";
    }
    for (const auto& r : s.flow.hardware.ports) {
        asked += " port '" + r.output + "' " + to_string(r.kind);
    }
    ASSERT_NE(found, nullptr) << "the emulate process's port was asked; asked:" << asked;
    EXPECT_EQ(found->input, name + "-out:out") << "paired by name";
    EXPECT_EQ(found->device_id, "moog-little-phatty") << found->problem;
    const std::string output = found->output;

    engine.post(intent::SelectDevice{found->device_id});
    engine.post(intent::ChoosePort{output, false});
    s = settle([&output](const Snapshot& x) { return x.flow.port == output; });
    std::string log;
    for (const auto& line : s.log) {
        log += "\n  " + line;
    }
    ASSERT_EQ(s.flow.port, output) << "wizard log:" << log;
    engine.post(intent::StartBackup{});
    s = settle([](const Snapshot& x) {
        return x.flow.backup == StepState::done || x.flow.backup == StepState::failed;
    });
    EXPECT_EQ(s.flow.backup, StepState::done) << s.flow.backup_text;
    EXPECT_FALSE(s.flow.backup_file.empty());
}
#endif

} // namespace
