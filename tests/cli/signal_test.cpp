// SIGTERM and SIGHUP during a flow (issue 12/17 follow-up): a shutdown, a service manager or a
// closed terminal used to kill syxflash-cli outright, mid-upload, leaving the journal saying
// "killed or crashed" and no word on screen. They are handled like an insisting Ctrl-C: the run
// stops at its next safe point (between messages), the journal records where the upload stood,
// the state report and the recovery hint are printed, and the exit code is 128 + the signal
// (143 for SIGTERM, 129 for SIGHUP; 130 stays Ctrl-C's).
#include <csignal>
#include <fstream>
#include <thread>

#include <fmt/core.h>

#include "cli/background_cli.hpp"
#include "cli/flow_cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syx::test::BackgroundCli;
using syx::test::FlowHome;
using syx::test::ScopedEnv;

using syx::test::complete_messages_out;
using syx::test::journal_records;

TEST(SignalCli, SigtermMidUploadStopsBetweenMessagesJournalsWhereItStoodAndExits143) {
    FlowHome home;
    const auto trace = home / "trace.jsonl";
    BackgroundCli cli(syx::test::slow_midifly_upload(home / "midifly.syx", trace), home / "out.txt",
                      home / "err.txt");
    const auto started = std::chrono::steady_clock::now();
    while (complete_messages_out(trace) < 3 && std::chrono::steady_clock::now() - started < 10s) {
        std::this_thread::sleep_for(20ms);
    }
    cli.signal(SIGTERM);
    const auto code = cli.wait(5s);
    ASSERT_TRUE(code.has_value()) << "still running 5 s after SIGTERM";
    const std::string err = cli.err();
    EXPECT_EQ(*code, 143) << err; // killed outright before: -15
    const std::size_t left = complete_messages_out(trace);
    EXPECT_GE(left, 3u);
    EXPECT_LT(left, 40u);
    // The state report and the recovery hint.
    const std::string stood = fmt::format("stopped by SIGTERM after {} of 40 messages", left);
    EXPECT_NE(err.find("cancelled: Transfer " + stood), std::string::npos) << err;
    EXPECT_NE(err.find("What to do now"), std::string::npos) << err;
    EXPECT_NE(err.find("syxflash-cli recover --device parker-midifly"), std::string::npos) << err;

    // The journal: a note of where the upload stood, and a finished record.
    std::string note;
    std::optional<nlohmann::json> finished;
    for (const auto& r : journal_records(home.journal())) {
        if (r.value("record", "") == "note" &&
            r.value("text", "").rfind("SIGTERM: stopping now", 0) == 0) {
            note = r["text"];
        }
        if (r.value("record", "") == "finished") {
            finished = r;
        }
    }
    EXPECT_NE(note.find(fmt::format("the device was receiving 'transfer'; {} of 40 message(s) "
                                    "sent, {} not sent",
                                    left, 40 - left)),
              std::string::npos)
        << note;
    ASSERT_TRUE(finished.has_value()) << "the journal reads as killed or crashed";
    EXPECT_EQ((*finished)["outcome"], "cancelled");
    EXPECT_EQ((*finished)["device_state"], "unknown");
}

TEST(SignalCli, SighupDuringABackupWaitEndsItAsCancelledWith129AndNoFile) {
    FlowHome home;
    const ScopedEnv press("SYXFLASH_EMULATED_PRESS", std::nullopt);
    const auto out = home / "ks.syx";
    BackgroundCli cli({"backup", "--device", "novation-k-station", "--api", "emulated", "--port",
                       "novation-k-station", "-o", out.string()},
                      home / "out.txt", home / "err.txt");
    const auto started = std::chrono::steady_clock::now();
    while (cli.err().find("standard input has ended") == std::string::npos &&
           std::chrono::steady_clock::now() - started < 10s) {
        std::this_thread::sleep_for(20ms);
    }
    cli.signal(SIGHUP);
    const auto code = cli.wait(5s);
    ASSERT_TRUE(code.has_value()) << "still running 5 s after SIGHUP";
    const std::string err = cli.err();
    EXPECT_EQ(*code, 129) << err; // killed outright before: -1
    EXPECT_NE(err.find("cancelled: Backup cancelled"), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(home / "ks.syx.json"));
}

// Ctrl-C in the same moment a Little Phatty's dump arrives whole (about 50 ms into an emulated
// automatic backup) exited 0 and saved the backup: the session had finished before it looked
// at the flag. Ctrl-C means no backup, whenever it comes before the run ends: exit 130, no
// backup claimed, no file left (the pair, the library copy, an incomplete dump, temporaries).
// SYXFLASH_CRASH_DELAY_MS stretches the save (every crash point waits), so the signal lands
// after the dump arrived, inside the save, on every run.
TEST(SignalCli, CtrlCAsTheDumpArrivesClaimsNoBackupAndLeavesNoFile) {
    FlowHome home;
    const ScopedEnv delay("SYXFLASH_CRASH_DELAY_MS", "30");
    const auto folder = home / "out";
    fs::create_directories(folder);
    BackgroundCli cli({"backup", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                       "moog-little-phatty", "-o", (folder / "lp.syx").string(), "--json"},
                      home / "out.jsonl", home / "err.txt");
    const auto started = std::chrono::steady_clock::now();
    while (cli.out().find("complete: 1 message(s)") == std::string::npos &&
           std::chrono::steady_clock::now() - started < 10s) {
        std::this_thread::sleep_for(5ms);
    }
    cli.interrupt();
    const auto code = cli.wait(10s);
    ASSERT_TRUE(code.has_value()) << "still running 10 s after Ctrl-C";
    const std::string out = cli.out();
    EXPECT_EQ(*code, 130) << out << cli.err();
    const auto result = syx::test::result_of(out);
    EXPECT_EQ(result.value("outcome", ""), "cancelled") << out;
    EXPECT_TRUE(result["output"].is_null()) << out;
    EXPECT_EQ(out.find("backup_saved"), std::string::npos) << out;
    std::vector<std::string> left;
    for (const auto& dir : {fs::path(folder), home.library()}) {
        if (fs::is_directory(dir)) {
            for (const auto& entry : fs::recursive_directory_iterator(dir)) {
                if (entry.is_regular_file()) {
                    left.push_back(entry.path().string());
                }
            }
        }
    }
    EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front());
}

// `backup` to a device that never answers printed its "did not answer" three times: the
// identify step's closing line, the backup's closing line, then the command's report. Once.
TEST(SignalCli, BackupFromADeviceThatNeverAnswersSaysSoOnce) {
    FlowHome home;
    const auto out = home / "lp.syx";
    const std::vector<std::string> args{"backup",   "--device", "moog-little-phatty", "--api",
                                        "emulated", "--port",   "moog-little-phatty", "--fault",
                                        "no-reply", "-o",       out.string()};
    const auto r = syx::test::run_cli_bounded(args, 20);
    const auto what = syx::test::describe_cli_run(args, r);
    EXPECT_EQ(r.exit_code, 5) << what;
    std::size_t said = 0;
    for (auto at = r.err.find("did not answer"); at != std::string::npos;
         at = r.err.find("did not answer", at + 1)) {
        ++said;
    }
    EXPECT_EQ(said, 1u) << what;
    EXPECT_NE(r.err.find("no-answer: The Moog Little Phatty did not answer the identity request"),
              std::string::npos)
        << what;
    EXPECT_FALSE(fs::exists(out)) << what;
}

} // namespace
