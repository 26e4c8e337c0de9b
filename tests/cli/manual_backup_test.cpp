// A manual backup (the user starts the dump on the device's front panel) run with standard input
// at its end (</dev/null, a script, a service), issue 17: the question whose only answer is
// Cancel is a wait, not a cancellation. The dump arriving ends it, and so do --timeout and Ctrl-C.
// The front panel is pressed by the emulated device's script (SYXFLASH_EMULATED_PRESS).
#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::ScopedEnv;

std::vector<std::string> manual_backup(const std::string& device, const fs::path& out) {
    return {"backup", "--device", device, "--api",     "emulated",
            "--port", device,     "-o",   out.string()};
}

TEST(ManualBackupCli, ADumpStartedOnTheFrontPanelIsSavedWithStandardInputAtItsEnd) {
    FlowHome home;
    // EDIT, MEM. DUMP, ENTER on the Code (its manifest's steps): one preset arrives ~0.4 s in.
    const ScopedEnv press("SYXFLASH_EMULATED_PRESS", "edit@200;mem-dump@300;enter@400");
    const auto out = home / "code.syx";
    auto args = manual_backup("m-audio-code", out);
    // Nobody can say "Done" with stdin closed: a second with nothing more ends the dump.
    args.insert(args.end(), {"--timeout", "1"});
    const auto r = syx::test::run_cli_bounded(args, 20); // stdin is closed at once
    const auto what = syx::test::describe_cli_run(args, r);
    EXPECT_EQ(r.exit_code, 0) << what;
    EXPECT_EQ(r.err.find("cancelled"), std::string::npos) << what;
    EXPECT_NE(r.err.find("standard input has ended"), std::string::npos) << what;
    EXPECT_TRUE(fs::exists(out)) << what;
    EXPECT_TRUE(fs::exists(home / "code.syx.json")) << what;
}

TEST(ManualBackupCli, WithNoDumpTheTimeoutEndsTheWaitAsNoAnswer) {
    FlowHome home;
    const ScopedEnv press("SYXFLASH_EMULATED_PRESS", std::nullopt);
    const auto out = home / "ks.syx";
    auto args = manual_backup("novation-k-station", out); // its only answer is Cancel
    args.insert(args.end(), {"--timeout", "1"});
    const auto started = std::chrono::steady_clock::now();
    const auto r = syx::test::run_cli_bounded(args, 20);
    const auto took = std::chrono::steady_clock::now() - started;
    const auto what = syx::test::describe_cli_run(args, r);
    EXPECT_EQ(r.exit_code, 5) << what; // the device did not answer: no backup claimed
    EXPECT_EQ(r.err.find("cancelled"), std::string::npos) << what;
    EXPECT_NE(r.err.find("Nothing arrived for 1 s"), std::string::npos) << what;
    EXPECT_NE(r.err.find("Nothing arrived from the Novation K-Station"), std::string::npos) << what;
    EXPECT_GE(took, std::chrono::milliseconds(900)) << what; // it did wait
    EXPECT_FALSE(fs::exists(out)) << what;
}

TEST(ManualBackupCli, CtrlCEndsTheWait) {
    FlowHome home;
    const ScopedEnv press("SYXFLASH_EMULATED_PRESS", std::nullopt);
    const auto out = home / "ks.syx";
    // SIGINT after 1 s, as Ctrl-C; `timeout --preserve-status` passes the CLI's own exit code on.
    std::vector<std::string> argv{"timeout", "--preserve-status",           "-k", "10", "-s", "INT",
                                  "1",       syx::test::cli_path().string()};
    const auto args = manual_backup("novation-k-station", out);
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = syx::test::run_process(argv);
    const auto what = syx::test::describe_cli_run(args, r);
    EXPECT_EQ(r.exit_code, 130) << what;
    EXPECT_NE(r.err.find("standard input has ended"), std::string::npos) << what;
    EXPECT_FALSE(fs::exists(out)) << what;
}

} // namespace
