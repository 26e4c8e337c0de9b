// Ctrl-C during a CLI upload (issue 12): the first asks to stop (with --yes the transfer goes
// on, as continuing is safer), a second insists: the run stops at once, exits 130, and its
// journal records where it stood (a note with the counts, a finished record the recovery can
// use) instead of looking "killed or crashed".
#include <fstream>
#include <thread>

#include "cli/background_cli.hpp"
#include "cli/flow_cli_support.hpp"
#include "emulator/modelled_firmware.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syx::test::BackgroundCli;
using syx::test::FlowHome;

TEST(InterruptCli, SecondCtrlCWithYesStopsTheUploadAndJournalsWhereItStood) {
    FlowHome home;
    const auto trace = home / "trace.jsonl";
    auto args = syx::test::slow_midifly_upload(home / "midifly.syx", trace);
    args.push_back("--json");
    BackgroundCli cli(args, home / "out.jsonl", home / "err.txt");
    // Wait until a few messages have gone out.
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < 10s) {
        const auto out = cli.out();
        if (out.find("\"messages_done\":3") != std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    cli.interrupt();
    std::this_thread::sleep_for(400ms);
    cli.interrupt();
    const auto code = cli.wait(5s);
    ASSERT_TRUE(code.has_value()) << "still running 5 s after the second Ctrl-C";
    EXPECT_EQ(*code, 130) << cli.out();

    // What left, from the trace: complete outgoing messages.
    const std::size_t left = syx::test::complete_messages_out(trace);
    EXPECT_GE(left, 3u);
    EXPECT_LT(left, 40u);

    // The journal: a note of where it stood, and a finished record (not "killed or crashed").
    ASSERT_TRUE(fs::is_directory(home.journal()));
    const auto records = syx::test::journal_records(home.journal());
    std::string note;
    const nlohmann::json* finished = nullptr;
    for (const auto& r : records) {
        if (r.value("record", "") == "note" &&
            r.value("text", "").find("second Ctrl-C") != std::string::npos) {
            note = r["text"];
        }
        if (r.value("record", "") == "finished") {
            finished = &r;
        }
    }
    EXPECT_NE(note.find("receiving 'transfer'"), std::string::npos) << note;
    EXPECT_NE(note.find(" of 40 message(s) sent"), std::string::npos) << note;
    ASSERT_NE(finished, nullptr) << "the journal still reads as killed or crashed";
    EXPECT_EQ((*finished)["outcome"], "cancelled");
    EXPECT_EQ((*finished)["device_state"], "unknown");

    // `recover` offers it, counting exactly what left.
    const auto listed = syx::test::run_cli({"recover", "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const auto doc = nlohmann::json::parse(listed.out);
    ASSERT_EQ(doc["interrupted"].size(), 1u) << listed.out;
    EXPECT_EQ(doc["interrupted"][0]["messages_sent"].get<std::size_t>(), left);
    EXPECT_EQ(doc["interrupted"][0]["outcome"], "cancelled");
}

} // namespace
