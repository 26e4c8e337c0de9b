#include "engine/crash_point.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

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
        g_env_read.store(true);
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
