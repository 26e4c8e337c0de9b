// Hostile and clumsy inputs (issue 17, "Input"): empty paths, files that are not files (a FIFO, a
// device, a folder), symbolic-link loops. Every run is bounded in time (coreutils `timeout`), so
// a command that would hang on a FIFO fails the test instead of hanging CI.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/flow_cli_support.hpp"
#include "emulator/modelled_firmware.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::ProcessResult;

constexpr int kTimedOut = 124; // what `timeout` returns when it had to stop the command

// syxflash-cli with these arguments, stopped after `seconds` (then SIGKILL 2 s later).
ProcessResult run_bounded(const std::vector<std::string>& args, int seconds = 20) {
    return syx::test::run_cli_bounded(args, seconds);
}

std::string describe(const std::vector<std::string>& args, const ProcessResult& r) {
    return syx::test::describe_cli_run(args, r);
}

fs::path midifly_firmware(const FlowHome& home) {
    const auto path = home / "midifly.syx";
    syx::test::write_messages(path, syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    return path;
}

// Every command that takes a path, with `path` in that place.
std::vector<std::vector<std::string>>
commands_reading(const std::string& path, [[maybe_unused]] const std::string& good_file) {
    const std::vector<std::string> lp{"--device", "moog-little-phatty", "--api", "emulated",
                                      "--port",   "moog-little-phatty"};
    const std::vector<std::string> fly{"--device", "parker-midifly", "--api",
                                       "emulated", "--port",         "parker-midifly"};
    auto with = [](std::vector<std::string> head, const std::vector<std::string>& tail) {
        head.insert(head.end(), tail.begin(), tail.end());
        return head;
    };
    return {
        {"inspect", path},
        {"validate", "--device", "parker-midifly", path},
        with({"send", path, "--api", "emulated", "--port", "parker-midifly"}, {}),
        with(with({"upload"}, fly), {path, "--yes", "--allow-unknown-release"}),
        with(with({"restore"}, lp), {path, "--yes"}),
        with(with({"recover"}, fly), {path, "--yes"}),
    };
}

TEST(HostileInput, AnEmptyPathIsAUsageErrorInEveryCommand) {
    FlowHome home;
    const std::string good = midifly_firmware(home).string();
    auto runs = commands_reading("", good);
    const std::vector<std::string> lp{"--device", "moog-little-phatty", "--api", "emulated",
                                      "--port",   "moog-little-phatty"};
    auto add = [&](std::vector<std::string> head, const std::vector<std::string>& tail) {
        head.insert(head.end(), tail.begin(), tail.end());
        runs.push_back(std::move(head));
    };
    add({"backup"}, {"--device", "moog-little-phatty", "--api", "emulated", "--port",
                     "moog-little-phatty", "-o", ""});
    add({"receive", "--api", "emulated", "--port", "moog-little-phatty", "-o", ""}, {});
    add({"send", good, "--api", "emulated", "--port", "parker-midifly", "--trace", ""}, {});
    for (const auto& args : runs) {
        const auto r = run_bounded(args);
        EXPECT_EQ(r.exit_code, 2) << describe(args, r);
        EXPECT_NE(r.err.find("empty"), std::string::npos) << describe(args, r);
    }
    // Nothing was backed up on the way.
    EXPECT_FALSE(fs::exists(home.library()));
}

TEST(HostileInput, AFifoIsRefusedBeforeReadingAndNothingHangs) {
    FlowHome home;
    const std::string good = midifly_firmware(home).string();
    const fs::path fifo = home / "firmware.syx";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    for (const auto& args : commands_reading(fifo.string(), good)) {
        const auto r = run_bounded(args);
        ASSERT_NE(r.exit_code, kTimedOut) << "hung on the FIFO: " << describe(args, r);
        EXPECT_EQ(r.exit_code, 2) << describe(args, r);
        EXPECT_NE(r.err.find("named pipe (FIFO)"), std::string::npos) << describe(args, r);
    }
}

TEST(HostileInput, ADeviceAFolderAndASocketSayWhatTheyAre) {
    FlowHome home;
    const struct {
        std::string path;
        std::string words;
    } cases[] = {{"/dev/zero", "is a character device"},
                 {home.library().parent_path().parent_path().string(), "is a folder"}};
    fs::create_directories(home.library());
    for (const auto& c : cases) {
        for (const auto& args :
             {std::vector<std::string>{"inspect", c.path},
              std::vector<std::string>{"validate", "--device", "generic", c.path}}) {
            const auto r = run_bounded(args);
            EXPECT_EQ(r.exit_code, 2) << describe(args, r);
            EXPECT_NE(r.err.find(c.words), std::string::npos) << describe(args, r);
            // /dev/zero used to be read for 64 MiB and reported as a too-large file.
            EXPECT_EQ(r.out.find("too large"), std::string::npos) << describe(args, r);
        }
    }
}

TEST(HostileInput, ASymlinkLoopAndADanglingLinkAreNamedAsSuch) {
    FlowHome home;
    const fs::path a = home / "a.syx";
    const fs::path b = home / "b.syx";
    fs::create_symlink(b, a);
    fs::create_symlink(a, b);
    const fs::path dangling = home / "gone.syx";
    fs::create_symlink(home / "missing-target.syx", dangling);
    for (const auto& args :
         {std::vector<std::string>{"inspect", a.string()},
          std::vector<std::string>{"validate", "--device", "generic", a.string()}}) {
        const auto r = run_bounded(args);
        EXPECT_EQ(r.exit_code, 2) << describe(args, r);
        EXPECT_NE(r.err.find("loop of symbolic links"), std::string::npos) << describe(args, r);
        EXPECT_EQ(r.err.find("no such file"), std::string::npos) << describe(args, r);
    }
    const std::vector<std::string> args{"inspect", dangling.string()};
    const auto r = run_bounded(args);
    EXPECT_EQ(r.exit_code, 2) << describe(args, r);
    EXPECT_NE(r.err.find("symbolic link to"), std::string::npos) << describe(args, r);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << describe(args, r);
}

} // namespace
