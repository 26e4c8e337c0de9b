#include "engine/recorded_dump.hpp"

#include <cstdlib>

#include <fmt/core.h>

#include "engine/atomic_file.hpp"

namespace syx::engine {

namespace fs = std::filesystem;

RecordingJudgement judge_recording(const ReceiveReport& report) {
    RecordingJudgement j;
    j.messages = report.messages.size();
    if (report.cancelled) {
        j.verdict = RecordingVerdict::cancelled;
        j.problem = fmt::format("cancelled after {} complete message(s); nothing was written",
                                report.messages.size());
    } else if (report.error) {
        j.verdict = RecordingVerdict::port_failed;
        j.problem = fmt::format("{} after {} complete message(s); nothing was written",
                                report.error->message, report.messages.size());
    } else if (!report.truncated.empty()) {
        j.verdict = RecordingVerdict::truncated;
        const auto& first = report.truncated.front();
        j.problem = fmt::format(
            "incomplete: {} message(s) were cut short (first after {} bytes: {}); {} complete "
            "message(s) arrived. Nothing was written, so no partial dump passes for a complete "
            "one.",
            report.truncated.size(), first.bytes_received, first.reason, report.messages.size());
    } else if (report.messages.empty()) {
        j.verdict = RecordingVerdict::nothing;
        j.problem = report.nothing_received
                        ? std::string("nothing arrived")
                        : fmt::format("no SysEx arrived ({} other message(s) ignored)",
                                      report.other_messages);
    } else {
        j.verdict = RecordingVerdict::complete;
        for (const auto& m : report.messages) {
            j.bytes.insert(j.bytes.end(), m.bytes.begin(), m.bytes.end());
        }
    }
    return j;
}

std::optional<fs::path> received_dumps_dir() {
    // Same root as the backup library (engine/backup_store.hpp), a folder of its own: a recorded
    // dump is not a verified backup.
    const char* xdg = std::getenv("XDG_DATA_HOME"); // NOLINT(concurrency-mt-unsafe)
    if (xdg != nullptr && *xdg != '\0' && fs::path(xdg).is_absolute()) {
        return fs::path(xdg) / "syxflash" / "received";
    }
    const char* home = std::getenv("HOME"); // NOLINT(concurrency-mt-unsafe)
    if (home != nullptr && *home != '\0') {
        return fs::path(home) / ".local" / "share" / "syxflash" / "received";
    }
    return std::nullopt;
}

Result<fs::path> write_new_file(const fs::path& folder, std::string_view stem, std::string_view ext,
                                std::span<const std::uint8_t> bytes) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) {
        return make_error(ErrorCode::io, fmt::format("cannot create the folder '{}': {}",
                                                     folder.string(), ec.message()));
    }
    for (int n = 1; n <= 999; ++n) {
        const fs::path path = folder / (n == 1 ? fmt::format("{}{}", stem, ext)
                                               : fmt::format("{}-{}{}", stem, n, ext));
        if (fs::exists(path, ec)) {
            continue;
        }
        auto written = write_file_atomically(path, bytes, Overwrite::never);
        if (written) {
            return path;
        }
        if (written.error().code != ErrorCode::refused) {
            return written.error();
        }
        // Taken between the check and the rename by another writer: try the next name.
    }
    return make_error(ErrorCode::io,
                      fmt::format("no free name for '{}{}' in '{}'", stem, ext, folder.string()));
}

} // namespace syx::engine
