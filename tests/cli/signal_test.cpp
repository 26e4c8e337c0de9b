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

std::vector<nlohmann::json> journal_records(const fs::path& folder) {
    std::vector<nlohmann::json> records;
    if (!fs::is_directory(folder)) {
        return records;
    }
    for (const auto& entry : fs::directory_iterator(folder)) {
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded()) {
                records.push_back(std::move(j));
            }
        }
    }
    return records;
}

std::size_t complete_messages_out(const fs::path& trace) {
    std::size_t left = 0;
    for (const auto& e : syx::test::read_trace(trace)) {
        if (e.out && !e.bytes.empty() && e.bytes.back() == 0xF7) {
            ++left;
        }
    }
    return left;
}

TEST(SignalCli, SigtermMidUploadStopsBetweenMessagesJournalsWhereItStoodAndExits143) {
    FlowHome home;
    const auto file = home / "midifly.syx";
    syx::test::write_messages(file, syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    const auto trace = home / "trace.jsonl";
    // 40 messages at least 150 ms apart over DIN: about 6 s if it ran to the end.
    BackgroundCli cli({"upload", "--device", "parker-midifly", "--api", "emulated", "--port",
                       "parker-midifly", file.string(), "--allow-unknown-release", "--yes",
                       "--link", "din", "--trace", trace.string()},
                      home / "out.txt", home / "err.txt");
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

} // namespace
