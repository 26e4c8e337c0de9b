// syxflash-cli upload against the in-process emulators (--api emulated): the gate, validation,
// pacing at the device, the journal and the recovery guidance.
#include <algorithm>
#include <array>
#include <cstdio>

#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"
#include "core/link.hpp"
#include "emulator/modelled_firmware.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::run_cli;

// A MIDIFly firmware in the emulator's MODELLED layout (emulator/modelled_firmware.hpp: the real
// layout is unknown [M]); 40 messages starting F0 00 01 25 as the manual says [C].
fs::path midifly_firmware(const FlowHome& home) {
    const auto path = home / "midifly.syx";
    syx::test::write_messages(path, syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    return path;
}

std::vector<std::string> midifly_upload(const fs::path& file, const fs::path& trace) {
    return {
        "upload",         "--device",    "parker-midifly",          "--api", "emulated", "--port",
        "parker-midifly", file.string(), "--allow-unknown-release", "--yes", "--json",   "--trace",
        trace.string()};
}

std::vector<std::vector<std::uint8_t>> messages_of(const fs::path& file) {
    const auto bytes = syx::test::read_file_bytes(file);
    std::vector<std::vector<std::uint8_t>> out;
    std::vector<std::uint8_t> current;
    for (auto b : bytes) {
        current.push_back(b);
        if (b == 0xF7) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    return out;
}

TEST(UploadCli, MidiflyGetsExactlyTheFilesMessagesAtLeast150msApart) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    const auto trace_path = home / "trace.jsonl";
    const auto r = run_cli(midifly_upload(file, trace_path));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["ok"], true);
    EXPECT_EQ(result["outcome"], "success");
    // No documented dump: no backup flag needed, and the run says so.
    EXPECT_EQ(result["backup"], nullptr);
    bool logged_no_backup = false;
    for (const auto& e : syx::test::json_lines(r.out)) {
        if (e.value("event", "") == "log" &&
            e.value("text", "").find("No backup needed") != std::string::npos) {
            logged_no_backup = true;
        }
    }
    EXPECT_TRUE(logged_no_backup) << r.out;

    // Exactly the file's messages, in order, nothing else (no identity request: the MIDIFly
    // answers none [M]). Long messages may go out in chunks at the link's byte rate; joined,
    // they are the file's messages.
    const bool din = result["link"] == "din";
    const auto wire_ms = [&](std::size_t bytes) {
        return din ? static_cast<double>(bytes) * syx::kDinMicrosecondsPerByte / 1000.0 : 0.0;
    };
    std::vector<std::vector<std::uint8_t>> sent;
    std::vector<double> starts;
    std::vector<double> ends; // when the message's last byte has left on the wire
    std::vector<std::uint8_t> current;
    for (const auto& e : syx::test::read_trace(trace_path)) {
        if (!e.out) {
            continue;
        }
        if (current.empty()) {
            starts.push_back(e.t_ms);
        }
        current.insert(current.end(), e.bytes.begin(), e.bytes.end());
        if (current.back() == 0xF7) {
            ends.push_back(e.t_ms + wire_ms(e.bytes.size()));
            sent.push_back(std::move(current));
            current.clear();
        }
    }
    EXPECT_EQ(sent, messages_of(file));
    // … with at least 150 ms of silence between one message's last byte and the next one's first
    // [C: manual], the DIN wire time of each message counted.
    ASSERT_EQ(starts.size(), ends.size());
    for (std::size_t i = 1; i < starts.size(); ++i) {
        EXPECT_GE(starts[i] - ends[i - 1], 150.0) << "before message " << i + 1;
    }
    // The journal knows it finished.
    const auto listed = run_cli({"recover", "--json"});
    ASSERT_EQ(listed.exit_code, 0);
    EXPECT_TRUE(nlohmann::json::parse(listed.out)["interrupted"].empty()) << listed.out;
}

TEST(UploadCli, FileFailingValidationExits3AndSendsNothing) {
    FlowHome home;
    // A Little Phatty bank is not MIDIFly firmware: wrong manufacturer prefix.
    auto messages = syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0});
    messages[3][2] = 0x02; // F0 00 02 25: another manufacturer
    const auto file = home / "bad.syx";
    syx::test::write_messages(file, messages);
    const auto trace_path = home / "trace.jsonl";
    const auto r = run_cli(midifly_upload(file, trace_path));
    EXPECT_EQ(r.exit_code, 3) << r.err << r.out;
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["messages_sent"], 0);
    EXPECT_EQ(result["verdict"], "refused");
    ASSERT_FALSE(result["findings"].empty());
    // The finding is located: message 4.
    bool located = false;
    for (const auto& f : result["findings"]) {
        located = located || (f["message_index"].is_number() && f["message_index"] == 3);
    }
    EXPECT_TRUE(located) << result.dump(2);
    EXPECT_EQ(syx::test::count_out(syx::test::read_trace(trace_path)), 0u);
    EXPECT_FALSE(fs::exists(home.journal())); // no transfer, nothing to journal
}

TEST(UploadCli, UnknownReleaseNeedsExplicitPermission) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    const auto trace_path = home / "trace.jsonl";
    const auto r =
        run_cli({"upload", "--device", "parker-midifly", "--api", "emulated", "--port",
                 "parker-midifly", file.string(), "--yes", "--trace", trace_path.string()});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("--allow-unknown-release"), std::string::npos) << r.err;
    EXPECT_EQ(syx::test::count_out(syx::test::read_trace(trace_path)), 0u);
}

TEST(UploadCli, UnplugMidUploadExits4WithRecoveryStepsAndAJournalEntry) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    syx::test::ScopedEnv faults("SYXFLASH_EMULATED_FAULTS", "unplug-at=30%");
    auto args = midifly_upload(file, home / "trace.jsonl");
    args.erase(std::find(args.begin(), args.end(), "--json"));
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 4) << r.err << r.out;
    // The device's own plan, in plain words, and the command that continues.
    EXPECT_NE(r.err.find("Recovery button"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("syxflash-cli recover --device parker-midifly"), std::string::npos)
        << r.err;

    const auto listed = run_cli({"recover", "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const auto doc = nlohmann::json::parse(listed.out);
    ASSERT_EQ(doc["interrupted"].size(), 1u) << listed.out;
    const auto& s = doc["interrupted"][0];
    EXPECT_EQ(s["device"], "parker-midifly");
    EXPECT_EQ(s["outcome"], "transfer-failed");
    EXPECT_EQ(s["phase"], "transfer");
    EXPECT_GT(s["messages_sent"].get<int>(), 0);
    EXPECT_LT(s["messages_sent"].get<int>(), 40);
    EXPECT_EQ(s["file"], fs::absolute(file).string());
}

TEST(UploadCli, GivenBackupIsCheckedAndATamperedOneRefused) {
    FlowHome home;
    const auto backup = home / "lp.syx";
    const auto b = run_cli({"backup", "--device", "moog-little-phatty", "--api", "emulated",
                            "--port", "moog-little-phatty", "-o", backup.string()});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    auto bytes = syx::test::read_file_bytes(backup);
    bytes[1000] ^= 0x01;
    fs::remove(backup);
    syx::test::write_file_bytes(backup, bytes);
    const auto firmware = home / "lp-os.syx";
    syx::test::write_messages(firmware,
                              syx::emu::make_test_firmware("moog-little-phatty", {2, 1, 0, 0}));
    const auto trace_path = home / "trace.jsonl";
    const auto r =
        run_cli({"upload", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                 "moog-little-phatty", firmware.string(), "--backup", backup.string(),
                 "--allow-unknown-release", "--yes", "--trace", trace_path.string()});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("SHA-256"), std::string::npos) << r.err;
    EXPECT_EQ(syx::test::count_out(syx::test::read_trace(trace_path)), 0u);
}

TEST(UploadCli, LittlePhattyUpdateBacksUpFirstVerifiesAndRestoresThePresets) {
    FlowHome home;
    const auto firmware = home / "lp-os.syx";
    const auto os = syx::emu::make_test_firmware("moog-little-phatty", {2, 1, 0, 0});
    syx::test::write_messages(firmware, os);
    const auto trace_path = home / "trace.jsonl";
    const auto r =
        run_cli({"upload", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                 "moog-little-phatty", firmware.string(), "--allow-unknown-release", "--yes",
                 "--json", "--trace", trace_path.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["backup_gate"], "made-now");
    // The backup made before the update is a verified one in the library…
    ASSERT_TRUE(result["backup"].is_string());
    const fs::path backup = result["backup"].get<std::string>();
    EXPECT_EQ(backup.parent_path(), home.library() / "moog-little-phatty");
    const auto backup_bytes = syx::test::read_file_bytes(backup);
    // … the device confirmed the new version (identity after the restart) …
    EXPECT_NE(result["message"].get<std::string>().find("2.1.0.0"), std::string::npos)
        << result.dump(2);
    // … and the wire shows the order: backup dump request, firmware, then the presets back.
    std::vector<std::vector<std::uint8_t>> sent;
    std::vector<std::uint8_t> current;
    for (const auto& e : syx::test::read_trace(trace_path)) {
        if (e.out) {
            current.insert(current.end(), e.bytes.begin(), e.bytes.end());
            if (current.back() == 0xF7) {
                sent.push_back(std::move(current));
                current.clear();
            }
        }
    }
    const auto index_of = [&](const std::vector<std::uint8_t>& m) {
        return std::find(sent.begin(), sent.end(), m) - sent.begin();
    };
    // dagargo/phatty phatty/connector.py REQUEST_BULK = [4, 5, 6, 2] + 11 zeros, framed: 17 bytes.
    std::vector<std::uint8_t> bulk_request{0xF0, 0x04, 0x05, 0x06, 0x02};
    bulk_request.insert(bulk_request.end(), 11, 0x00);
    bulk_request.push_back(0xF7);
    const auto request_at = index_of(bulk_request);
    const auto firmware_at = index_of(os[0]);
    const auto restore_at =
        index_of(std::vector<std::uint8_t>(backup_bytes.begin(), backup_bytes.end()));
    ASSERT_LT(restore_at, static_cast<std::ptrdiff_t>(sent.size()));
    EXPECT_LT(request_at, firmware_at);
    EXPECT_LT(firmware_at, restore_at);
}

TEST(UploadCli, BackupAndSkipBackupTogetherIsAUsageError) {
    FlowHome home;
    const auto r =
        run_cli({"upload", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                 "moog-little-phatty", "x.syx", "--backup", "b.syx", "--skip-backup"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST(UploadCli, Prophet600FixtureIsUploadedAndVerifiedFromTheDisplay) {
    SYX_REQUIRE_FIXTURE(fixture, "gligli_prophet600_firmware_2_0992.syx");
    FlowHome home;
    const auto trace_path = home / "trace.jsonl";
    // The Prophet-600's patch backup is a front-panel dump (gligli/p600fw patchmgmt.tex) that
    // only a person can start, so this script skips it explicitly.
    const auto r = run_cli({"upload", "--device", "gligli-prophet-600", "--api", "emulated",
                            "--port", "gligli-prophet-600", fixture.string(), "--yes", "--json",
                            "--skip-backup", "--trace", trace_path.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["outcome"], "success");
    // Every message of the release went out, and nothing else (no dump request: the backup was
    // skipped).
    std::size_t messages = 0;
    for (const auto& e : syx::test::read_trace(trace_path)) {
        messages += e.out && !e.bytes.empty() && e.bytes.back() == 0xF7 ? 1U : 0U;
    }
    EXPECT_EQ(messages, 184u);
    EXPECT_NE(result["message"].get<std::string>().find("\"S\""), std::string::npos)
        << result.dump(2);
}

// The Octatrack cannot report its OS over MIDI, so after the upload its display is read. Its
// normal screen shows the OS version ("OCTATRACK / OS 1.5.0.0"), which is no message the manifest
// lists: the emulated hands (engine/emulated_hands, shared with the wizard's autopilot) answer
// "its normal screen" because the emulator runs normally. Reading it as an unknown message made
// a good update fail.
TEST(UploadCli, AnOctatrackShowingItsNormalScreenAfterTheUpdateIsVerified) {
    FlowHome home;
    const auto firmware = home / "ot-os.syx";
    const std::array<std::uint8_t, 3> prefix{0x00, 0x20, 0x3C}; // Elektron's SysEx ID
    const std::vector<std::uint8_t> data(64, 0x11);
    std::vector<syx::emu::Bytes> blocks;
    for (std::uint16_t i = 0; i < 4; ++i) {
        blocks.push_back(syx::emu::encode_firmware_block(prefix, i, 4, {1, 5, 0, 0}, data));
    }
    syx::test::write_messages(firmware, blocks);
    const auto r = run_cli({"upload", "--device", "elektron-octatrack", "--api", "emulated",
                            "--port", "elektron-octatrack", firmware.string(),
                            "--allow-unknown-release", "--yes", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["outcome"], "success") << result.dump(2);
}

} // namespace

namespace {

// "transfer: 21 of 40 message(s) sent, …" lines on stderr, as counts.
std::vector<int> piped_progress_counts(const std::string& err) {
    std::vector<int> counts;
    std::size_t start = 0;
    while (start < err.size()) {
        auto end = err.find('\n', start);
        end = end == std::string::npos ? err.size() : end;
        const std::string line = err.substr(start, end - start);
        int done = 0;
        int total = 0;
        if (std::sscanf(line.c_str(), "transfer: %d of %d message(s) sent", &done, &total) == 2) {
            counts.push_back(done);
        }
        start = end + 1;
    }
    return counts;
}

} // namespace

// Issue 17: a log or a pipe gets no progress bar, so it gets a line every few seconds (the
// interval shortened here) with what was actually sent. Before, a piped upload printed none.
TEST(UploadCli, PipedUploadPrintsAProgressLineEveryFewSeconds) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    syx::test::ScopedEnv faults("SYXFLASH_EMULATED_FAULTS", "unplug-at=30%");
    syx::test::ScopedEnv interval("SYXFLASH_PROGRESS_INTERVAL_MS", "300");
    auto args = midifly_upload(file, home / "trace.jsonl");
    args.erase(std::find(args.begin(), args.end(), "--json"));
    const auto r = run_cli(args); // stderr is a pipe here
    ASSERT_EQ(r.exit_code, 4) << r.err << r.out;
    const auto counts = piped_progress_counts(r.err);
    ASSERT_GE(counts.size(), 2u) << r.err;
    EXPECT_TRUE(std::is_sorted(counts.begin(), counts.end())) << r.err;
    EXPECT_LT(counts.front(), counts.back()) << r.err;
    // Every number shown is what had left by then: never more than the journal's final count.
    const auto listed = run_cli({"recover", "--json"});
    const auto doc = nlohmann::json::parse(listed.out);
    ASSERT_EQ(doc["interrupted"].size(), 1u) << listed.out;
    EXPECT_LE(counts.back(), doc["interrupted"][0]["messages_sent"].get<int>()) << r.err;
    EXPECT_NE(r.err.find(" of 40 message(s) sent, "), std::string::npos) << r.err;
}

// Issue 17: a device that never answers over MIDI (MIDIFly: no identity, no dump, no handshake)
// can be updated through a one-way cable (an output port only); the run says that nothing can be
// verified over MIDI. Before, upload demanded an input port (exit 2).
TEST(UploadCli, OneWayCableToADeviceThatNeverAnswersIsAllowedAndSaysSo) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    const auto trace_path = home / "trace.jsonl";
    auto args = midifly_upload(file, trace_path);
    // Unplugged after a few messages to keep the test short: the point is that it was sent.
    args.insert(args.end(), {"--fault", "one-way-cable", "--fault", "unplug-at=10%"});
    const auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 4) << r.err << r.out;
    bool said_so = false;
    for (const auto& e : syx::test::json_lines(r.out)) {
        if (e.value("event", "") == "notice" &&
            e.value("text", "").find("nothing can be verified over MIDI") != std::string::npos) {
            said_so = true;
        }
    }
    EXPECT_TRUE(said_so) << r.out;
    EXPECT_GT(syx::test::result_of(r.out)["messages_sent"].get<int>(), 0) << r.out;
    // Nothing came back over the one-way cable.
    const auto trace = syx::test::read_trace(trace_path);
    EXPECT_FALSE(trace.empty());
    for (const auto& e : trace) {
        EXPECT_TRUE(e.out);
    }
}

// A device that answers (the Little Phatty: identity, dumps) still needs its input port: without
// one the run is a usage error naming the missing input, and nothing is sent.
TEST(UploadCli, OneWayCableToADeviceThatAnswersIsStillRefused) {
    FlowHome home;
    const auto firmware = home / "lp-os.syx";
    syx::test::write_messages(firmware,
                              syx::emu::make_test_firmware("moog-little-phatty", {2, 1, 0, 0}));
    const auto r =
        run_cli({"upload", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                 "moog-little-phatty", firmware.string(), "--allow-unknown-release",
                 "--skip-backup", "--yes", "--fault", "one-way-cable"});
    EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
    EXPECT_NE(r.err.find("no input port matches"), std::string::npos) << r.err;
}
