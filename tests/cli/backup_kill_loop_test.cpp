// A backup is a whole pair (.syx + .syx.json) or nothing, whenever the process dies (issue 17:
// SIGKILL during `backup` left a .syx without sidecar plus a stray temporary in 3 of 80 runs).
// The kill loop: `syxflash-cli backup` runs against the emulated Little Phatty, each SIGKILLed at
// a moment spread over the whole run. The save itself takes about a millisecond, so a timer
// rarely lands in it: every crash point in the save waits SYXFLASH_CRASH_DELAY_MS first, which
// stretches the save to a few hundred milliseconds. The test measures a run without that delay
// (when the save starts) and one with it (when the run ends) and puts a third of the kills over
// the whole run and two thirds inside the save, and counts the kills that left a half-written
// save behind (a pending record, a temporary, a .syx without sidecar): at least a quarter must.
// Then one more start; after it, the output folder and the library hold only whole pairs whose
// sidecar matches its .syx, and no temporary or pending file.
// Bounded for CI: 18 kills (about 8 s). SYXFLASH_KILL_LOOP_KILLS=N runs N (hundreds: the issue's
// wish; 300 take about two minutes).
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/flow_cli_support.hpp"
#include "core/hash.hpp"
#include "engine/backup_store.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using syx::test::FlowHome;

std::vector<std::string> backup_args(const fs::path& output) {
    return {syx::test::cli_path().string(),
            "backup",
            "--device",
            "moog-little-phatty",
            "--api",
            "emulated",
            "--port",
            "moog-little-phatty",
            "-o",
            output.string()};
}

constexpr const char* kSaveDelayMs = "10"; // per crash point; ~23 points in a backup's save

pid_t spawn(const std::vector<std::string>& argv, bool slow_save = true) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (slow_save) {
            ::setenv("SYXFLASH_CRASH_DELAY_MS", kSaveDelayMs, 1);
        } else {
            ::unsetenv("SYXFLASH_CRASH_DELAY_MS");
        }
        const int null_fd = ::open("/dev/null", O_RDWR);
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(null_fd, STDOUT_FILENO);
        ::dup2(null_fd, STDERR_FILENO);
        std::vector<char*> args;
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str())); // NOLINT: execv's signature
        }
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

// Every problem in a folder of backups: half pairs, temporaries, sidecars that do not match.
std::vector<std::string> problems_in(const fs::path& dir, std::size_t& pairs) {
    std::vector<std::string> problems;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return problems;
    }
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
        names.insert(e.path().filename().string());
    }
    for (const auto& name : names) {
        if (name.front() == '.') {
            problems.push_back(dir.string() + ": stray file " + name);
            continue;
        }
        const bool is_sidecar = name.size() > 9 && name.substr(name.size() - 9) == ".syx.json";
        const bool is_syx =
            !is_sidecar && name.size() > 4 && name.substr(name.size() - 4) == ".syx";
        if (is_syx) {
            if (names.count(name + ".json") == 0) {
                problems.push_back(dir.string() + ": " + name + " has no sidecar");
                continue;
            }
            const auto sidecar = syx::engine::read_sidecar(dir / (name + ".json"));
            const auto bytes = syx::test::read_file_bytes(dir / name);
            if (!sidecar || sidecar->sha256 != syx::to_hex(syx::sha256(bytes)) ||
                sidecar->bytes != bytes.size()) {
                problems.push_back(dir.string() + ": " + name + " does not match its sidecar");
                continue;
            }
            ++pairs;
        } else if (is_sidecar) {
            if (names.count(name.substr(0, name.size() - 5)) == 0) {
                problems.push_back(dir.string() + ": sidecar " + name + " without its .syx");
            }
        } else {
            problems.push_back(dir.string() + ": unexpected file " + name);
        }
    }
    return problems;
}

// The names in these folders now.
std::set<std::string> names_in(const std::vector<fs::path>& dirs) {
    std::set<std::string> names;
    for (const auto& dir : dirs) {
        std::error_code ec;
        for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
             it.increment(ec)) {
            names.insert(it->path().string());
        }
    }
    return names;
}

// What a killed run left on disk before the next start, among the names that were not there
// before it: a pending record, a temporary or a .syx without its sidecar in either folder (it was
// killed in the middle of its save).
bool half_written(const std::vector<fs::path>& dirs, const std::set<std::string>& before) {
    for (const auto& path : names_in(dirs)) {
        if (before.count(path) != 0) {
            continue;
        }
        const std::string name = fs::path(path).filename().string();
        const bool syx = name.size() > 4 && name.substr(name.size() - 4) == ".syx";
        if (name.front() == '.' || (syx && !fs::exists(path + ".json"))) {
            return true;
        }
    }
    return false;
}

double seconds_of(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

Clock::duration timed_run(const fs::path& output, bool slow_save) {
    const auto started = Clock::now();
    const int status = wait_for(spawn(backup_args(output), slow_save));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a plain backup failed";
    EXPECT_TRUE(fs::exists(output.string() + ".json"));
    return Clock::now() - started;
}

int kill_count() {
    constexpr int kCiKills = 18;
    const char* asked = std::getenv("SYXFLASH_KILL_LOOP_KILLS"); // NOLINT(concurrency-mt-unsafe)
    const int n = asked != nullptr ? std::atoi(asked) : kCiKills;
    return n > 0 ? n : kCiKills;
}

TEST(BackupKillLoop, EveryKillLeavesAWholePairOrNothingAfterTheNextStart) {
    FlowHome home;
    const fs::path out = home / "out";
    fs::create_directories(out);
    const fs::path library = home.library() / "moog-little-phatty";

    // When the save starts (a run without the delay ends just after it) and when a stretched run
    // ends; the faster of two runs each, so a slow start-up does not widen the window.
    const auto fast =
        std::min(timed_run(out / "fast1.syx", false), timed_run(out / "fast2.syx", false));
    const auto slow =
        std::min(timed_run(out / "slow1.syx", true), timed_run(out / "slow2.syx", true));
    ASSERT_GT(slow, fast) << "the save delay did not stretch the run";
    const auto save_start = fast * 0.8;

    const int kills = kill_count();
    int killed = 0;
    int finished = 0;
    int mid_save = 0;
    const auto loop_start = Clock::now();
    for (int i = 0; i < kills; ++i) {
        // Every third kill anywhere in the run, the others inside the save window.
        const double at = (static_cast<double>(i / 3 * 3) + 1.5) / kills; // 0..1, spread
        const auto delay = i % 3 == 0 ? slow * at : save_start + (slow - save_start) * at;
        const auto before = names_in({out, library});
        const pid_t pid = spawn(backup_args(out / ("b" + std::to_string(i) + ".syx")));
        std::this_thread::sleep_for(delay);
        ::kill(pid, SIGKILL);
        const int status = wait_for(pid);
        if (WIFSIGNALED(status)) {
            ++killed;
            mid_save += half_written({out, library}, before) ? 1 : 0;
        } else {
            ++finished;
        }
    }
    const auto loop_time = Clock::now() - loop_start;
    EXPECT_GE(killed, kills / 2) << "too few runs were killed to mean anything";
    EXPECT_GE(mid_save, kills / 4) << "too few kills landed inside the save";

    // The next start: one more backup (it sweeps the output folder and the library first).
    const int last = wait_for(spawn(backup_args(out / "after.syx")));
    ASSERT_TRUE(WIFEXITED(last) && WEXITSTATUS(last) == 0) << "the backup after the kills failed";

    std::size_t pairs = 0;
    std::size_t library_pairs = 0;
    auto problems = problems_in(out, pairs);
    const auto in_library = problems_in(library, library_pairs);
    problems.insert(problems.end(), in_library.begin(), in_library.end());
    for (const auto& p : problems) {
        ADD_FAILURE() << p;
    }
    EXPECT_GE(pairs, 5U + static_cast<std::size_t>(finished));
    RecordProperty("kills", killed);
    RecordProperty("mid_save_kills", mid_save);
    std::printf("%d kills (%d left a half-written save before the next start), %d runs "
                "finished; %zu whole pairs in the output folder, %zu in the library; a run "
                "lasts %.0f ms, %.0f ms with the stretched save; the loop took %.1f s\n",
                killed, mid_save, finished, pairs, library_pairs, seconds_of(fast) * 1000,
                seconds_of(slow) * 1000, seconds_of(loop_time));
}

} // namespace
