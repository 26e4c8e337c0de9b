#pragma once
// Atomic file writes (DESIGN.md §4): write a temporary file beside the target, fsync it, move it
// into place, fsync the directory. A reader never sees a half-written file, and a crash leaves
// either the old state or the new file. An existing file is never overwritten unless asked:
// backups rely on that.
//
// Temporary files are named ".<target name>.tmp-<pid>-XXXXXX": hidden, never ending in a name a
// reader looks for (".syx", ".json"), and carrying the writer's process id so a later run can
// tell an abandoned one (writer killed) from one being written right now.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace syx::engine {

enum class Overwrite { never, allowed };

[[nodiscard]] Status write_file_atomically(const std::filesystem::path& path,
                                           std::span<const std::uint8_t> bytes,
                                           Overwrite overwrite = Overwrite::never);
[[nodiscard]] Status write_file_atomically(const std::filesystem::path& path, std::string_view text,
                                           Overwrite overwrite = Overwrite::never);

// What read_file_bytes reads at most: backups, sidecars and records are far smaller.
inline constexpr std::uint64_t kMaxReadFileBytes = 64ULL * 1024 * 1024;

// The whole file, read through open_regular_file (engine/file_access): not_found when nothing is
// there, usage for a folder, FIFO, device, socket, link loop or a file over kMaxReadFileBytes
// (each said in words), io when reading fails.
[[nodiscard]] Result<std::vector<std::uint8_t>> read_file_bytes(const std::filesystem::path& path);

// True for names write_file_atomically uses for its temporary files.
[[nodiscard]] bool is_temporary_file_name(std::string_view file_name);

// Whether the process that wrote a file with this pid in its name may still be writing it: alive
// (also another user's), or ourselves.
[[nodiscard]] bool writer_may_be_running(long pid);

// Removes temporary files in `dir` left behind by writers that no longer run (killed, crashed).
// Returns how many were removed; a missing folder is not an error.
std::size_t remove_abandoned_temporary_files(const std::filesystem::path& dir);

// fsync of a folder, so a rename or a new file in it survives a power cut (best effort: some
// file systems refuse it).
void sync_directory(const std::filesystem::path& dir);

} // namespace syx::engine
