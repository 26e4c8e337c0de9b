// syxflash-cli recover: lists interrupted updates from the journal and runs the recovery plan.
#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"
#include "emulator/modelled_firmware.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::run_cli;

fs::path midifly_firmware(const FlowHome& home) {
    const auto path = home / "midifly.syx";
    syx::test::write_messages(path, syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    return path;
}

std::vector<std::string> upload_args(const fs::path& file) {
    return {
        "upload",         "--device",    "parker-midifly",          "--api", "emulated", "--port",
        "parker-midifly", file.string(), "--allow-unknown-release", "--yes"};
}

TEST(RecoverCli, NothingInterruptedSaysSo) {
    FlowHome home;
    const auto r = run_cli({"recover"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("No interrupted updates"), std::string::npos) << r.out;
}

TEST(RecoverCli, KilledUploadIsFoundFromItsJournal) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    {
        // The process dies (SIGKILL) right after message 5 was journaled: no chance to clean up.
        syx::test::ScopedEnv crash("SYXFLASH_CRASH_AT", "journal:progress#5");
        const auto killed = run_cli(upload_args(file));
        ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
    }
    const auto listed = run_cli({"recover", "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const auto doc = nlohmann::json::parse(listed.out);
    ASSERT_EQ(doc["interrupted"].size(), 1u) << listed.out;
    const auto& s = doc["interrupted"][0];
    EXPECT_EQ(s["device"], "parker-midifly");
    EXPECT_EQ(s["finished"], false);
    EXPECT_EQ(s["phase"], "transfer");
    EXPECT_EQ(s["messages_sent"], 5);
    EXPECT_EQ(s["message_count"], 40);

    // The text listing tells the user what to run.
    const auto text = run_cli({"recover"});
    EXPECT_NE(text.out.find("killed or crashed"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("syxflash-cli recover --device parker-midifly"), std::string::npos);

    // Dismissing it by hand removes it from the list.
    const auto resolved = run_cli({"recover", "--resolve", s["session"].get<std::string>()});
    EXPECT_EQ(resolved.exit_code, 0) << resolved.err;
    EXPECT_TRUE(nlohmann::json::parse(run_cli({"recover", "--json"}).out)["interrupted"].empty());
}

TEST(RecoverCli, UnpluggedUploadIsRecoveredWithThePlanAndSlowerPacing) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    {
        syx::test::ScopedEnv faults("SYXFLASH_EMULATED_FAULTS", "unplug-at=20%");
        ASSERT_EQ(run_cli(upload_args(file)).exit_code, 4);
    }
    ASSERT_EQ(nlohmann::json::parse(run_cli({"recover", "--json"}).out)["interrupted"].size(), 1u);

    const auto trace = home / "trace.jsonl";
    const auto r =
        run_cli({"recover", "--device", "parker-midifly", "--api", "emulated", "--port",
                 "parker-midifly", file.string(), "--yes", "--json", "--trace", trace.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["outcome"], "success");
    EXPECT_EQ(result["attempts"], 1);
    EXPECT_GE(result["slowdown"].get<int>(), 2); // the retry is slower than the failed run
    EXPECT_EQ(result["resolved_sessions"].size(), 1u);
    // The plan's step was shown (the Recovery button), and the emulated hands pressed it.
    bool asked_recovery_button = false;
    for (const auto& e : syx::test::json_lines(r.out)) {
        if (e.value("event", "") == "question" && e.value("purpose", "") == "recovery-step" &&
            e.value("text", "").find("Recovery button") != std::string::npos) {
            asked_recovery_button = true;
        }
    }
    EXPECT_TRUE(asked_recovery_button) << r.out;
    // The whole file went out again (chunks joined: 40 messages ending in F7).
    std::size_t messages = 0;
    for (const auto& e : syx::test::read_trace(trace)) {
        messages += e.out && !e.bytes.empty() && e.bytes.back() == 0xF7 ? 1U : 0U;
    }
    EXPECT_EQ(messages, 40u);
    EXPECT_TRUE(nlohmann::json::parse(run_cli({"recover", "--json"}).out)["interrupted"].empty());
}

TEST(RecoverCli, AFailedUploadSaysItsOutcomeOnce) {
    // The session's closing log lines ("transfer-failed: …", "Recovery: …") were printed and
    // then the command's own report said the same again.
    FlowHome home;
    const auto file = midifly_firmware(home);
    syx::test::ScopedEnv faults("SYXFLASH_EMULATED_FAULTS", "unplug-at=20%");
    const auto r = run_cli(upload_args(file));
    ASSERT_EQ(r.exit_code, 4) << r.err;
    const auto count = [&r](const std::string& needle) {
        std::size_t n = 0;
        for (auto at = r.err.find(needle); at != std::string::npos;
             at = r.err.find(needle, at + 1)) {
            ++n;
        }
        return n;
    };
    EXPECT_EQ(count("transfer-failed: The MIDI port failed"), 1u) << r.err;
    EXPECT_EQ(count("Press Recovery, then upgrade again"), 1u) << r.err;
}

TEST(RecoverCli, RecoveringNeedsDeviceAndPort) {
    FlowHome home;
    const auto file = midifly_firmware(home);
    const auto r = run_cli({"recover", file.string()});
    EXPECT_EQ(r.exit_code, 2);
}

} // namespace
