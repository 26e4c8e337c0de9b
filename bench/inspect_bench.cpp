// Prints the figures of issue 2: the time to inspect a 64 MiB .syx against `openssl dgst -sha256`
// on the same file, as a ratio (goal ≤ 1.5×), and the peak memory (goal ≤ 1.2 × file size +
// 32 MiB). Figures are printed, never asserted. Build it optimised:
//   cmake --preset release && cmake --build --preset release --target inspect_bench syxflash-cli
//   build/release/bench/inspect_bench [--size-mib N] [--runs N]
//
// The headline ratio compares two whole processes on the same (cached) file, each run with its
// output to /dev/null, alternated round by round so a busy machine slows both alike, best of N:
//   `syxflash-cli inspect FILE` (the default report: load, frame, validate every message incl.
//   Roland/Yamaha checksums, SHA-256 + CRC-32 of the file, per-message summary, print)
//   vs `openssl dgst -sha256 FILE`.
// It also prints the same work in-process (no process start, no printing) and the --list/--json
// work (plus the SHA-256 of every message), and wall and CPU (user + system) figures for all.
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
#include "engine/inspect.hpp"

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

// What `syxflash-cli inspect` does before printing: the engine's inspection, then one analysis of
// every message for the summary (manufacturer, Universal kind, checksum).
InspectResult inspect(const fs::path& path, bool hash_messages) {
    syx::engine::InspectOptions options;
    options.message_hashes = hash_messages;
    auto inspected = syx::engine::inspect_file(path, options);
    if (!inspected.ok()) {
        fmt::print(stderr, "{}\n", inspected.error().message);
        std::exit(1);
    }
    const syx::SysexFile& file = inspected->file;
    InspectResult result;
    result.messages = file.messages.size();
    result.errors = syx::count_severity(file.findings, syx::Severity::error);
    result.check = static_cast<std::uint8_t>(file.sha256[0] ^ file.crc32);
    // As the CLI's summary does it: prefetched, no per-message name lookup.
    const auto all = file.message_bytes();
    for (const auto& message : file.messages) {
        if (message.index + 8 < file.messages.size()) {
            __builtin_prefetch(all.data() + file.messages[message.index + 8].storage_begin);
        }
        const auto bytes = file.bytes_of(message);
        const auto id = syx::manufacturer_id_of(bytes);
        const auto universal = syx::universal_sysex_kind(bytes);
        auto checksum = syx::check_roland_checksum(bytes);
        if (!checksum) {
            checksum = syx::check_yamaha_bulk_checksum(bytes);
        }
        result.check = static_cast<std::uint8_t>(result.check ^ (checksum ? 1 : 0) ^ (id ? 2 : 0) ^
                                                 (universal ? 4 : 0));
    }
    for (const auto& digest : inspected->message_sha256) {
        result.check = static_cast<std::uint8_t>(result.check ^ digest[0]);
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
    long max_rss_kib = 0;
    void keep_best(const Timing& t) {
        wall = std::min(wall, t.wall);
        cpu = std::min(cpu, t.cpu);
        max_rss_kib = std::max(max_rss_kib, t.max_rss_kib);
    }
};

Timing in_process(const std::function<void()>& work) {
    rusage before{};
    rusage after{};
    getrusage(RUSAGE_SELF, &before);
    const auto start = Clock::now();
    work();
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    getrusage(RUSAGE_SELF, &after);
    return {wall, cpu_seconds(after) - cpu_seconds(before), 0};
}

Timing child_timing(const std::vector<std::string>& argv) {
    const ChildRun run = run_child(argv);
    if (!WIFEXITED(run.status) || (WEXITSTATUS(run.status) != 0)) {
        fmt::print(stderr, "{} failed (status {})\n", argv[0], run.status);
        std::exit(1);
    }
    return {run.seconds, run.cpu, run.max_rss_kib};
}

std::string figure(const Timing& t) {
    return fmt::format("{:7.1f} ms wall {:7.1f} ms CPU", t.wall * 1e3, t.cpu * 1e3);
}

std::string ratio(const Timing& a, const Timing& b) {
    return fmt::format("{:5.2f}× wall, {:5.2f}× CPU", a.wall / b.wall, a.cpu / b.cpu);
}

// A child's ru_maxrss starts from the high-water mark of the process that spawned it (the
// kernel carries it over exec), and this benchmark holds the 64 MiB file itself. So peak memory
// is measured through a small runner: this program re-executed, spawning the command and
// writing its peak RSS (KiB) to a file.
long peak_rss_kib(const std::string& self, const fs::path& report,
                  const std::vector<std::string>& command) {
    std::vector<std::string> argv = {self, "--measure-rss", report.string()};
    argv.insert(argv.end(), command.begin(), command.end());
    (void)run_child(argv);
    long kib = -1;
    if (std::FILE* f = std::fopen(report.c_str(), "r")) {
        if (std::fscanf(f, "%ld", &kib) != 1) {
            kib = -1;
        }
        std::fclose(f);
    }
    return kib;
}

int main(int argc, char** argv) {
    if (argc >= 4 && std::strcmp(argv[1], "--measure-rss") == 0) {
        const ChildRun run = run_child(std::vector<std::string>(argv + 3, argv + argc));
        std::FILE* f = std::fopen(argv[2], "w");
        if (f != nullptr) {
            std::fprintf(f, "%ld\n", run.max_rss_kib);
            std::fclose(f);
        }
        return 0;
    }
    // Child mode: inspect once in a fresh process so its peak RSS is the reader's alone.
    if (argc == 3 && std::strcmp(argv[1], "--child-inspect") == 0) {
        const InspectResult r = inspect(argv[2], true);
        std::printf("%zu %u\n", r.messages, r.check);
        return r.errors == 0 ? 0 : 3;
    }
    std::size_t size_mib = 64;
    int runs = 9;
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
    const std::string self = fs::canonical("/proc/self/exe").string();
    const fs::path cli =
        fs::path(self).parent_path().parent_path() / "src" / "cli" / "syxflash-cli";
    const bool have_cli = fs::exists(cli);
    const std::vector<std::string> openssl_command = {"openssl", "dgst", "-sha256", file.string()};
    const std::vector<std::string> cli_command = {cli.string(), "inspect", file.string()};

    // Warm the page cache so every contender reads from memory.
    const ChildRun probe = run_child(openssl_command);
    if (!WIFEXITED(probe.status) || WEXITSTATUS(probe.status) != 0) {
        fmt::print("openssl not found: no ratio\n");
        return 1;
    }
    InspectResult last;
    (void)inspect(file, false);

    // Round by round, every contender once: a neighbour's burst hits all of them.
    Timing openssl;
    Timing cli_default;
    Timing summary;
    Timing full;
    for (int i = 0; i < runs; ++i) {
        openssl.keep_best(child_timing(openssl_command));
        if (have_cli) {
            cli_default.keep_best(child_timing(cli_command));
        }
        summary.keep_best(in_process([&] { last = inspect(file, false); }));
        full.keep_best(in_process([&] { last = inspect(file, true); }));
    }
    fmt::print("  messages framed: {} (errors: {}); best of {} rounds; CPU = user + system\n",
               last.messages, last.errors, runs);
    fmt::print("  openssl dgst -sha256 FILE           {}   (whole process)\n", figure(openssl));
    if (have_cli) {
        fmt::print("  syxflash-cli inspect FILE           {}   (whole process: load, frame, "
                   "validate, checksums, file SHA-256 + CRC-32, summary, print)\n",
                   figure(cli_default));
    }
    fmt::print("  in-process inspect (default report) {}   (the same minus process start and "
               "printing)\n",
               figure(summary));
    fmt::print("  in-process inspect + message hashes {}   (what --list/--json add: SHA-256 of "
               "every message)\n",
               figure(full));
    if (have_cli) {
        fmt::print("  RATIO syxflash-cli inspect / openssl: {}   (goal ≤ 1.5×)\n",
                   ratio(cli_default, openssl));
    } else {
        fmt::print("  syxflash-cli not built beside this benchmark: no whole-process ratio\n");
    }
    fmt::print("  ratio in-process default / openssl:   {}\n", ratio(summary, openssl));
    fmt::print("  ratio in-process + hashes / openssl:  {}\n", ratio(full, openssl));

    const double size_mib_d = static_cast<double>(size) / (1024.0 * 1024.0);
    const double goal_mib = 1.2 * size_mib_d + 32.0;
    const fs::path report = dir / "rss.txt";
    const auto print_rss = [&](const char* what, const std::vector<std::string>& command) {
        fmt::print("    {:<40} {:6.1f} MiB\n", what,
                   static_cast<double>(peak_rss_kib(self, report, command)) / 1024.0);
    };
    fmt::print("  peak RSS (goal ≤ 1.2 × {:.0f} + 32 = {:.1f} MiB):\n", size_mib_d, goal_mib);
    print_rss("inspect + message hashes (in-process)", {self, "--child-inspect", file.string()});
    if (have_cli) {
        print_rss("syxflash-cli inspect", cli_command);
        print_rss("syxflash-cli inspect --json",
                  {cli.string(), "inspect", "--json", file.string()});
        const Timing json = child_timing({cli.string(), "inspect", "--json", file.string()});
        fmt::print("  syxflash-cli inspect --json (one run): {}\n", figure(json));
    }
    print_rss("openssl dgst -sha256", openssl_command);

    fs::remove_all(dir);
    return 0;
}
