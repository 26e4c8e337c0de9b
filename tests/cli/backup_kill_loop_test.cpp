// A backup is a whole pair (.syx + .syx.json) or nothing, whenever the process dies (issue 17:
// SIGKILL during `backup` left a .syx without sidecar plus a stray temporary in 3 of 80 runs).
// The kill loop: hundreds of `syxflash-cli backup` runs against the emulated Little Phatty (with
// slow replies, so a run lasts long enough to be cut at many moments), each SIGKILLed at a moment
// spread over the whole run and packed more densely near its end, where the files are written.
// Then one more start; after it, the output folder and the library hold only whole pairs whose
// sidecar matches its .syx, and no temporary or pending file. Bounded: at most about 30 s.
#include <cerrno>
#include <chrono>
#include <cstdio>
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
            "--fault",
            "slow-reply=30",
            "-o",
            output.string()};
}

pid_t spawn(const std::vector<std::string>& argv) {
    const pid_t pid = ::fork();
    if (pid == 0) {
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

TEST(BackupKillLoop, EveryKillLeavesAWholePairOrNothingAfterTheNextStart) {
    FlowHome home;
    const fs::path out = home / "out";
    fs::create_directories(out);

    // One whole run, to know how long a run lasts.
    const auto started = Clock::now();
    const int whole = wait_for(spawn(backup_args(out / "whole.syx")));
    const auto duration = Clock::now() - started;
    ASSERT_TRUE(WIFEXITED(whole) && WEXITSTATUS(whole) == 0) << "a plain backup failed";
    ASSERT_TRUE(fs::exists(out / "whole.syx.json"));

    // Kill moments: half spread evenly over the whole run, half over its last 40 %, where the
    // files are written. Each run gets its own name, so finished runs do not block the next.
    constexpr int kKills = 240;
    const auto budget = std::chrono::seconds(25);
    int killed = 0;
    int finished = 0;
    const auto loop_start = Clock::now();
    for (int i = 0; i < kKills && Clock::now() - loop_start < budget; ++i) {
        const double fraction = i % 2 == 0 ? static_cast<double>(i) / kKills
                                           : 0.6 + 0.45 * static_cast<double>(i) / kKills;
        const auto delay = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::duration<double>(duration) * fraction);
        const pid_t pid = spawn(backup_args(out / ("b" + std::to_string(i) + ".syx")));
        std::this_thread::sleep_for(delay);
        ::kill(pid, SIGKILL);
        const int status = wait_for(pid);
        if (WIFSIGNALED(status)) {
            ++killed;
        } else {
            ++finished;
        }
    }
    EXPECT_GT(killed, 60) << "too few runs were killed to mean anything";

    // The next start: one more backup (it sweeps the output folder and the library first).
    const int last = wait_for(spawn(backup_args(out / "after.syx")));
    ASSERT_TRUE(WIFEXITED(last) && WEXITSTATUS(last) == 0) << "the backup after the kills failed";

    std::size_t pairs = 0;
    std::size_t library_pairs = 0;
    auto problems = problems_in(out, pairs);
    const auto library = problems_in(home.library() / "moog-little-phatty", library_pairs);
    problems.insert(problems.end(), library.begin(), library.end());
    for (const auto& p : problems) {
        ADD_FAILURE() << p;
    }
    EXPECT_GE(pairs, 2U + static_cast<std::size_t>(finished));
    RecordProperty("kills", killed);
    RecordProperty("whole_pairs", static_cast<int>(pairs));
    std::printf("%d kills, %d runs finished; %zu whole pairs in the output folder, %zu in the "
                "library; one run lasts %.0f ms\n",
                killed, finished, pairs, library_pairs,
                std::chrono::duration<double, std::milli>(duration).count());
}

} // namespace
