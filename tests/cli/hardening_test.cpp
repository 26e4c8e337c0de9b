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

TEST(Hardening, AFileWhoseNameStartsWithADashIsNamedWithHowToPassIt) {
    // CLI11 took "-x.syx" for flags and said only "FILE is required".
    syx::test::TempDir dir;
    syx::test::write_file_bytes(dir / "-x.syx", {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7});
    const auto r = syx::test::run_process(
        {"env", "-C", dir.path().string(), syx::test::cli_path().string(), "inspect", "-x.syx"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("unknown option '-x.syx'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("write ./-x.syx or put -- before it"), std::string::npos) << r.err;
    // …and both ways work.
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"inspect", "./-x.syx"},
          std::vector<std::string>{"inspect", "--", "-x.syx"}}) {
        std::vector<std::string> argv{"env", "-C", dir.path().string(),
                                      syx::test::cli_path().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto ok = syx::test::run_process(argv);
        EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
    }
    // A negative number is a value, not an option: the command's own check answers it.
    const auto gap = run_cli({"send", "--gap-ms", "-1", "x.syx", "--port", "p"});
    EXPECT_NE(gap.err.find("a gap cannot be negative"), std::string::npos) << gap.err;
}

TEST(Hardening, ValidateShowsThePacingATransferWouldUseNotAUserManifestsLowerGap) {
    // A user manifest lowering the MIDIFly's documented 150 ms gap to 1 ms: upload raises it to
    // 150 ms, but validate's plan showed 1 ms and a 3.5 s transfer.
    FlowHome home;
    const syx::test::ScopedEnv config("XDG_CONFIG_HOME", (home / "config").string());
    const fs::path manifests = home / "config" / "syxflash" / "manifests";
    fs::create_directories(manifests);
    const auto shipped = syx::test::read_file_bytes(syx::test::source_dir() / "firmware-manifests" /
                                                    "parker-midifly.toml");
    std::string text(shipped.begin(), shipped.end());
    for (auto at = text.find("gap_ms = 150"); at != std::string::npos;
         at = text.find("gap_ms = 150")) {
        text.replace(at, 12, "gap_ms = 1");
    }
    syx::test::write_file_bytes(manifests / "fly.toml", {text.begin(), text.end()});
    const auto file = home / "fly.syx";
    syx::test::write_messages(file, {{0xF0, 0x00, 0x01, 0x25, 0x01, 0x02, 0xF7}});
    const auto r = run_cli({"validate", "--device", "parker-midifly", file.string(), "--json"});
    ASSERT_FALSE(r.out.empty()) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["plan"]["din"]["gap_ms"], 150) << r.out;
    EXPECT_EQ(doc["plan"]["usb"]["gap_ms"], 150) << r.out;
    EXPECT_NE(r.err.find("below the documented minimum; 150 ms is used"), std::string::npos)
        << r.err;
}

TEST(Hardening, AReaderThatGoesAwayNeverEndsAnUpload) {
    // `upload --json 2>&1 | head -1`: the next line written killed the upload with SIGPIPE
    // (exit 141, the device half-written); with SIGPIPE ignored, fmt's print threw on the
    // session's worker (abort). Now the upload runs to its end and is journaled as finished.
    FlowHome home;
    const auto file = home / "fly.syx";
    syx::test::write_short_midifly_firmware(file, 8);
    const std::string script = "\"$0\" upload --device parker-midifly --api emulated --port "
                               "parker-midifly \"$1\" --allow-unknown-release --yes --json "
                               "2>&1 | head -c 1 >/dev/null; echo \"exit ${PIPESTATUS[0]}\"";
    const auto r = syx::test::run_process(
        {"bash", "-c", script, syx::test::cli_path().string(), file.string()});
    EXPECT_EQ(r.out, "exit 0\n") << r.out << r.err;
    const auto recover = run_cli({"recover"});
    EXPECT_NE(recover.out.find("No interrupted updates"), std::string::npos)
        << recover.out << recover.err;
}

} // namespace
