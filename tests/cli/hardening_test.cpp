// Hostile and clumsy inputs found in the issue 17 re-run (beyond tests/cli/hostile_input_test.cpp):
// each of these failed before its fix.
#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::run_cli;

TEST(Hardening, ABackupToAFileNameThatIsNotUtf8IsSavedAsAPair) {
    // A Latin-1 name (0xFF): the sidecar's JSON writer threw after the .syx was written, so the
    // run ended as an "internal error" with a half pair the next start rolled back: the dump lost.
    FlowHome home;
    const fs::path out = home / "\xff-lp.syx";
    for (const bool json : {false, true}) {
        const fs::path target = json ? home / "\xfe-lp.syx" : out;
        std::vector<std::string> args{"backup",       "--device", "moog-little-phatty", "--api",
                                      "emulated",     "--port",   "moog-little-phatty", "-o",
                                      target.string()};
        if (json) {
            args.emplace_back("--json");
        }
        const auto r = run_cli(args);
        const auto what = syx::test::describe_cli_run(args, r);
        EXPECT_EQ(r.exit_code, 0) << what;
        EXPECT_EQ(r.err.find("internal error"), std::string::npos) << what;
        EXPECT_TRUE(fs::exists(target)) << what;
        EXPECT_TRUE(fs::exists(target.string() + ".json")) << what;
        if (json) {
            EXPECT_EQ(syx::test::result_of(r.out)["exit_code"], 0) << what;
        }
    }
}

} // namespace
