#include "engine/crash_point.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include <unistd.h>

namespace syx::engine {

namespace {

struct Target {
    std::string name;
    unsigned long nth = 1;
    unsigned long seen = 0;
};

// Set once from the environment at start-up, or by arm_crash_point in a test child; read by every
// crash point. Never freed: a test hook living as long as the process.
std::atomic<Target*> g_target{nullptr};
std::atomic<bool> g_env_read{false};
// SYXFLASH_CRASH_DELAY_MS: every crash point first waits this long. It stretches the file writes
// (a backup's save takes about a millisecond) so that a kill loop's timer lands inside them, not
// only before or after (issue 17: the loop's write-phase kills landed after the run had ended).
std::atomic<long> g_delay_ms{0};

Target* parse(std::string_view spec) {
    if (spec.empty()) {
        return nullptr;
    }
    auto* made = new Target; // NOLINT(cppcoreguidelines-owning-memory)
    std::string text(spec);
    if (const auto hash = text.find('#'); hash != std::string::npos) {
        made->nth = std::strtoul(text.c_str() + hash + 1, nullptr, 10);
        text.resize(hash);
    }
    made->name = text;
    return made;
}

} // namespace

void arm_crash_point(std::string_view spec) {
    g_env_read.store(true);
    g_target.store(parse(spec));
}

void crash_point(std::string_view name) {
    if (!g_env_read.load(std::memory_order_relaxed)) {
        const char* spec = std::getenv("SYXFLASH_CRASH_AT"); // NOLINT(concurrency-mt-unsafe)
        Target* expected = nullptr;
        if (spec != nullptr && *spec != '\0') {
            g_target.compare_exchange_strong(expected, parse(spec));
        }
        if (const char* delay =
                std::getenv("SYXFLASH_CRASH_DELAY_MS"); // NOLINT(concurrency-mt-unsafe)
            delay != nullptr) {
            const long ms = std::strtol(delay, nullptr, 10);
            g_delay_ms.store(ms > 0 && ms <= 10'000 ? ms : 0);
        }
        g_env_read.store(true);
    }
    if (const long ms = g_delay_ms.load(std::memory_order_relaxed); ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    Target* t = g_target.load(std::memory_order_relaxed);
    if (t == nullptr || name != t->name) {
        return;
    }
    // Crash points are passed by the one worker that writes files; no race on `seen`.
    if (++t->seen == t->nth) {
        ::kill(::getpid(), SIGKILL);
        ::pause(); // SIGKILL cannot be caught: never returns
    }
}

} // namespace syx::engine
