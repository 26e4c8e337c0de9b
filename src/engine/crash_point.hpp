#pragma once
// Injected kill points for the crash-safety tests (issue 6: "a test kills the process at many
// points while a backup is written"). A write that takes a millisecond cannot be hit reliably by
// a timer, so the code that writes files names the moments that matter (temp file created, half
// written, synced, moved into place, sidecar written, journal line appended …) and a test run
// with SYXFLASH_CRASH_AT=<name> (or <name>#<n>: the n-th time, 1-based) makes the process SIGKILL
// itself exactly there. SYXFLASH_CRASH_DELAY_MS=<n> makes every crash point wait n ms (at most
// 10 s) first, so a kill timer can land inside a write. Unset (every real run), a crash point
// costs two relaxed loads.
#include <string_view>

namespace syx::engine {

void crash_point(std::string_view name);

// Arms a kill point from code (a forked test child, whose environment was read before the fork).
// An empty spec disarms.
void arm_crash_point(std::string_view spec);

} // namespace syx::engine
