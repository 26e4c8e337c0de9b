// Clumsy command lines and a clumsy machine (issue 17, "Input" and "Data"): typos get a
// suggestion, a wrong option or port is reported once and blames nothing else, an empty or
// unknown --api lists the APIs, a machine without an ALSA sequencer is told what to use instead,
// `recover --resolve` takes ids only, and damaged journal entries are listed by file name.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/flow_cli_support.hpp"
#include "emulator/modelled_firmware.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::ProcessResult;

ProcessResult run(const std::vector<std::string>& args) {
    return syx::test::run_cli_bounded(args);
}

std::string describe(const std::vector<std::string>& args, const ProcessResult& r) {
    return syx::test::describe_cli_run(args, r);
}

std::size_t count_of(const std::string& text, const std::string& word) {
    std::size_t n = 0;
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
        ++n;
    }
    return n;
}

bool contains(const std::string& text, const std::string& word) {
    return text.find(word) != std::string::npos;
}

fs::path midifly_firmware(const FlowHome& home) {
    const auto path = home / "midifly.syx";
    syx::test::write_messages(path, syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    return path;
}

// CLI11 alone said "--device is required" for `--devcie` (the required option was missing).
TEST(CliUsage, AMistypedOptionIsNamedWithASuggestion) {
    FlowHome home;
    const std::vector<std::string> args{"validate", "--devcie", "parker-midifly",
                                        midifly_firmware(home).string()};
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << describe(args, r);
    EXPECT_TRUE(contains(r.err, "'--devcie'")) << describe(args, r);
    EXPECT_TRUE(contains(r.err, "did you mean --device?")) << describe(args, r);
    EXPECT_FALSE(contains(r.err, "is required")) << describe(args, r);
}

TEST(CliUsage, AMistypedCommandIsNamedWithASuggestion) {
    const std::vector<std::string> args{"valdiate", "--device", "parker-midifly", "x.syx"};
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << describe(args, r);
    EXPECT_TRUE(contains(r.err, "did you mean validate?")) << describe(args, r);
    EXPECT_FALSE(contains(r.err, "subcommand is required")) << describe(args, r); // CLI11's words
}

// CLI11 listed the file after an unknown option among the arguments it did not expect.
TEST(CliUsage, AWrongOptionDoesNotAlsoBlameTheFile) {
    FlowHome home;
    const std::string file = midifly_firmware(home).string();
    const std::vector<std::string> args{"validate", "--device", "parker-midifly", "--frobnicate",
                                        file};
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << describe(args, r);
    EXPECT_EQ(count_of(r.err, "--frobnicate"), 1U) << describe(args, r);
    EXPECT_FALSE(contains(r.err, "midifly.syx")) << describe(args, r);
}

// A command that needs both directions names a wrong port once: the output side, not the input
// side again.
TEST(CliUsage, AWrongPortIsReportedOnce) {
    FlowHome home;
    const std::vector<std::string> args{"backup",       "--device", "moog-little-phatty",
                                        "--api",        "emulated", "--port",
                                        "no-such-port", "-o",       (home / "out.syx").string()};
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << describe(args, r);
    EXPECT_EQ(count_of(r.err, "'no-such-port'"), 1U) << describe(args, r);
    EXPECT_FALSE(contains(r.err, "input port")) << describe(args, r);
    EXPECT_FALSE(fs::exists(home / "out.syx"));
}

// `--api ""` used to become the default API (ALSA) without a word; now it is a usage error
// listing the APIs, as an unknown one is.
TEST(CliUsage, AnEmptyOrUnknownApiIsAUsageErrorWithTheList) {
    for (const std::string api : {"", "midi-over-carrier-pigeon"}) {
        for (const auto& args :
             {std::vector<std::string>{"ports", "--api", api},
              std::vector<std::string>{"identify", "--api", api, "--port", "x"}}) {
            const auto r = run(args);
            EXPECT_EQ(r.exit_code, 2) << describe(args, r);
            EXPECT_TRUE(contains(r.err, "alsa, jack")) << describe(args, r);
            EXPECT_TRUE(contains(r.err, "emulated")) << describe(args, r);
            EXPECT_FALSE(contains(r.err, "ALSA sequencer")) << describe(args, r);
        }
    }
}

// Without /dev/snd/seq (these test containers have none) `ports` failed with RtMidi's own text
// and exit 4, as if a transfer had failed.
TEST(CliUsage, NoAlsaSequencerIsAUsageErrorThatSaysWhatToUseInstead) {
    if (::access("/dev/snd/seq", F_OK) == 0) {
        GTEST_SKIP() << "this machine has an ALSA sequencer";
    }
    for (const auto& args :
         {std::vector<std::string>{"ports", "--api", "alsa"},
          std::vector<std::string>{"identify", "--api", "alsa", "--port", "x"}}) {
        const auto r = run(args);
        EXPECT_EQ(r.exit_code, 2) << describe(args, r);
        EXPECT_TRUE(contains(r.err, "no ALSA sequencer on this machine")) << describe(args, r);
        EXPECT_TRUE(contains(r.err, "--api jack")) << describe(args, r);
        EXPECT_TRUE(contains(r.err, "--api emulated")) << describe(args, r);
        EXPECT_EQ(count_of(r.err, "ALSA sequencer"), 1U) << describe(args, r);
    }
}

// `--resolve ../../x` appended a "resolved" record to a journal outside the journal folder: here
// a valid interrupted-update journal sits at state/x.jsonl, where "../../x" leads, and must stay
// as it was.
TEST(CliUsage, ResolveTakesASessionIdNotAPath) {
    FlowHome home;
    fs::create_directories(home.journal());
    const std::string start =
        R"({"record":"start","session":"x","time":"2026-12-05T10:15:00Z","pid":1,)"
        R"("device":"parker-midifly","device_name":"Parker MIDIFly","port":"p","api":"emulated",)"
        R"("link":"din","file":"/nonexistent.syx","file_sha256":"00","message_count":40,)"
        R"("total_bytes":100})"
        "\n";
    const fs::path outside = home.journal().parent_path().parent_path() / "x.jsonl";
    const std::vector<unsigned char> bytes(start.begin(), start.end());
    syx::test::write_file_bytes(outside, bytes);
    for (const std::string& id :
         std::vector<std::string>{"../../x", outside.string(), "a/b", ".."}) {
        const std::vector<std::string> args{"recover", "--resolve", id};
        const auto r = run(args);
        EXPECT_EQ(r.exit_code, 2) << describe(args, r);
        EXPECT_TRUE(contains(r.err, "is not a session id")) << describe(args, r);
    }
    EXPECT_EQ(syx::test::read_file_bytes(outside), bytes) << "a record was appended to " << outside;
    EXPECT_TRUE(fs::is_empty(home.journal()));
}

// A journal whose first line is garbage, empty or binary used to leave "No interrupted updates"
// with no warning at all.
TEST(CliUsage, DamagedJournalEntriesAreListedByFileName) {
    FlowHome home;
    fs::create_directories(home.journal());
    syx::test::write_file_bytes(home.journal() / "garbage.jsonl",
                                {'n', 'o', 't', ' ', 'j', 's', 'o', 'n', '{', '\n'});
    syx::test::write_file_bytes(home.journal() / "empty.jsonl", {});
    syx::test::write_file_bytes(home.journal() / "binary.jsonl",
                                {0x00, 0xff, 0x01, 0x02, 0x80, 0x7f, 0x00, 0x1b, '\n'});
    const std::vector<std::string> args{"recover"};
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << describe(args, r);
    for (const std::string name : {"garbage.jsonl", "empty.jsonl", "binary.jsonl"}) {
        EXPECT_TRUE(contains(r.out, "Unreadable journal entry " + name)) << describe(args, r);
    }
    EXPECT_TRUE(contains(r.out, "it is empty")) << describe(args, r);
    EXPECT_TRUE(contains(r.out, "binary data")) << describe(args, r);
    EXPECT_FALSE(contains(r.out, "No interrupted updates")) << describe(args, r);

    const std::vector<std::string> json_args{"recover", "--json"};
    const auto j = run(json_args);
    ASSERT_EQ(j.exit_code, 0) << describe(json_args, j);
    const auto doc = nlohmann::json::parse(j.out);
    ASSERT_TRUE(doc.contains("unreadable")) << j.out;
    EXPECT_EQ(doc["unreadable"].size(), 3U) << j.out;
}

} // namespace
