// Prints the figures of issue 2: the time to inspect a 64 MiB .syx (read + framing + validation
// + SHA-256 of the file and of every message) against `openssl dgst -sha256` on the same file,
// as a ratio (goal ≤ 1.5×), and the peak memory of a fresh process doing it (goal ≤ 1.2 × file
// size + 32 MiB). Figures are printed, never asserted. Build it optimised:
//   cmake --preset release && cmake --build --preset release --target inspect_bench
//   build/release/bench/inspect_bench [--size-mib N] [--runs N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <fmt/core.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/hash.hpp"
#include "core/sysex_analysis.hpp"
#include "core/sysex_file.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// A firmware-like file: 333-byte messages (the GliGli Prophet-600 firmware's size) with random
// 7-bit data, the last one shorter so the file is exactly `size` bytes.
void write_test_file(const fs::path& path, std::size_t size) {
    std::vector<std::uint8_t> bytes;
    bytes.reserve(size);
    std::mt19937 random(42);
    constexpr std::size_t kMessage = 333;
    while (bytes.size() < size) {
        const std::size_t length = std::min(kMessage, size - bytes.size());
        if (length < 2) {
            bytes.push_back(0x00); // cannot happen for sizes we use; keeps the loop finite
            continue;
        }
        // A header like the Prophet-600 firmware's (F0 00 61 16 …), so no message looks like a
        // Roland or Yamaha dump with a (random, hence wrong) checksum.
        const std::uint8_t header[] = {0xF0, 0x00, 0x61, 0x16};
        bytes.insert(bytes.end(), header, header + std::min<std::size_t>(4, length - 1));
        for (std::size_t i = std::min<std::size_t>(4, length - 1); i + 1 < length; ++i) {
            bytes.push_back(static_cast<std::uint8_t>(random() & 0x7F));
        }
        bytes.push_back(0xF7);
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
        std::perror("writing the test file");
        std::exit(1);
    }
    std::fclose(f);
}

struct InspectResult {
    std::size_t messages = 0;
    std::size_t errors = 0;
    std::uint8_t check = 0; // keeps the hashing from being optimised away
};

// What `syxflash-cli inspect` does before printing.
InspectResult inspect(const fs::path& path, bool hash_messages) {
    auto file = syx::read_sysex_file(path);
    if (!file.ok()) {
        fmt::print(stderr, "{}\n", file.error().message);
        std::exit(1);
    }
    InspectResult result;
    result.messages = file->messages.size();
    result.errors = syx::count_severity(file->findings, syx::Severity::error);
    result.check = file->sha256[0];
    for (const auto& message : file->messages) {
        const auto bytes = file->bytes_of(message);
        const auto analysis = syx::analyze_message(bytes);
        const std::uint8_t first = hash_messages ? syx::sha256(bytes)[0] : bytes[1];
        result.check =
            static_cast<std::uint8_t>(result.check ^ first ^ (analysis.checksum ? 1 : 0));
    }
    return result;
}

double cpu_seconds(const rusage& usage) {
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

// Runs a program with stdout to /dev/null; returns its wall and CPU seconds and peak RSS (KiB).
struct ChildRun {
    double seconds = 0;
    double cpu = 0;
    long max_rss_kib = 0;
    int status = -1;
};

ChildRun run_child(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    const auto start = Clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return {};
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    ChildRun run;
    run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    run.max_rss_kib = usage.ru_maxrss;
    run.cpu = cpu_seconds(usage);
    run.status = status;
    return run;
}

} // namespace

struct Timing {
    double wall = 1e30;
    double cpu = 1e30;
};

// Best of `runs` (wall and CPU separately): the machine may be shared, and CPU time is what
// does not depend on the neighbours.
Timing best_timing(int runs, const std::function<Timing()>& once) {
    Timing best;
    for (int i = 0; i < runs; ++i) {
        const Timing t = once();
        best.wall = std::min(best.wall, t.wall);
        best.cpu = std::min(best.cpu, t.cpu);
    }
    return best;
}

Timing in_process(const std::function<void()>& work) {
    rusage before{};
    rusage after{};
    getrusage(RUSAGE_SELF, &before);
    const auto start = Clock::now();
    work();
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    getrusage(RUSAGE_SELF, &after);
    return {wall, cpu_seconds(after) - cpu_seconds(before)};
}

Timing child_timing(const std::vector<std::string>& argv) {
    const ChildRun run = run_child(argv);
    return {run.seconds, run.cpu};
}

int main(int argc, char** argv) {
    // Child mode: inspect once in a fresh process so its peak RSS is the reader's alone.
    if (argc == 3 && std::strcmp(argv[1], "--child-inspect") == 0) {
        const InspectResult r = inspect(argv[2], true);
        std::printf("%zu %u\n", r.messages, r.check);
        return r.errors == 0 ? 0 : 3;
    }
    std::size_t size_mib = 64;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--size-mib") == 0) {
            size_mib = static_cast<std::size_t>(std::atoi(argv[i + 1]));
        } else if (std::strcmp(argv[i], "--runs") == 0) {
            runs = std::max(1, std::atoi(argv[i + 1]));
        }
    }
    const std::size_t size = size_mib * 1024 * 1024;

    char dir_template[] = "/tmp/syxflash-inspect-bench-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
        std::perror("mkdtemp");
        return 1;
    }
    const fs::path dir(dir_template);
    const fs::path file = dir / "big.syx";
    write_test_file(file, size);
    fmt::print("inspect_bench: {} MiB .syx of 333-byte messages in {}\n", size_mib, dir.string());
#ifndef NDEBUG
    fmt::print("WARNING: assertions on — this is not an optimised build; figures are not "
               "representative (use the release preset).\n");
#endif

    // Warm the page cache so both sides read from memory.
    (void)run_child({"openssl", "dgst", "-sha256", file.string()});
    const ChildRun openssl_probe = run_child({"openssl", "dgst", "-sha256", file.string()});
    const bool have_openssl =
        WIFEXITED(openssl_probe.status) && WEXITSTATUS(openssl_probe.status) == 0;

    InspectResult last;
    const Timing full =
        best_timing(runs, [&] { return in_process([&] { last = inspect(file, true); }); });
    const Timing summary =
        best_timing(runs, [&] { return in_process([&] { last = inspect(file, false); }); });
    fmt::print("  messages framed:            {} (errors: {})\n", last.messages, last.errors);
    fmt::print("  figures are best of {}; wall time / CPU time (user + system)\n", runs);
    fmt::print(
        "  A inspect with per-message SHA-256 (--list/--json work):\n"
        "                              {:7.1f} ms / {:7.1f} ms CPU   (read, frame, validate, "
        "SHA-256 + CRC-32 of the file, SHA-256 of each message)\n",
        full.wall * 1e3, full.cpu * 1e3);
    fmt::print("  B inspect summary (default output):\n"
               "                              {:7.1f} ms / {:7.1f} ms CPU   (same without the "
               "per-message hashes)\n",
               summary.wall * 1e3, summary.cpu * 1e3);
    if (have_openssl) {
        const Timing openssl = best_timing(runs, [&] {
            return child_timing({"openssl", "dgst", "-sha256", file.string()});
        });
        fmt::print("  openssl dgst -sha256:       {:7.1f} ms / {:7.1f} ms CPU   (whole process)\n",
                   openssl.wall * 1e3, openssl.cpu * 1e3);
        fmt::print("  ratio A / openssl:          {:7.2f}× wall, {:.2f}× CPU   (goal ≤ 1.5×)\n",
                   full.wall / openssl.wall, full.cpu / openssl.cpu);
        fmt::print("  ratio B / openssl:          {:7.2f}× wall, {:.2f}× CPU   (goal ≤ 1.5×)\n",
                   summary.wall / openssl.wall, summary.cpu / openssl.cpu);
    } else {
        fmt::print("  openssl not found: no ratio\n");
    }

    const std::string self = fs::canonical("/proc/self/exe").string();
    const ChildRun child = run_child({self, "--child-inspect", file.string()});
    const double size_mib_d = static_cast<double>(size) / (1024.0 * 1024.0);
    const double goal_mib = 1.2 * size_mib_d + 32.0;
    fmt::print(
        "  peak RSS of A, fresh process: {:6.1f} MiB (goal ≤ 1.2 × {:.0f} + 32 = {:.1f} MiB)\n",
        static_cast<double>(child.max_rss_kib) / 1024.0, size_mib_d, goal_mib);

    // The real CLI, if it was built beside us (includes printing the report).
    const fs::path cli =
        fs::path(self).parent_path().parent_path() / "src" / "cli" / "syxflash-cli";
    if (fs::exists(cli)) {
        for (const char* mode : {"", "--json"}) {
            std::vector<std::string> command = {cli.string(), "inspect", file.string()};
            if (*mode != 0) {
                command.push_back(mode);
            }
            const Timing t = best_timing(std::min(runs, 3), [&] { return child_timing(command); });
            const ChildRun r = run_child(command);
            fmt::print(
                "  syxflash-cli inspect {:<7} {:7.1f} ms / {:7.1f} ms CPU, peak RSS {:.1f} MiB\n",
                mode, t.wall * 1e3, t.cpu * 1e3, static_cast<double>(r.max_rss_kib) / 1024.0);
        }
    }

    fs::remove_all(dir);
    return 0;
}
