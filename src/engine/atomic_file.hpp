#pragma once
// Atomic file writes (DESIGN.md §4): write a temporary file beside the target, fsync it, move it
// into place, fsync the directory. A reader never sees a half-written file, and a crash leaves
// either the old state or the new file. An existing file is never overwritten unless asked:
// backups rely on that.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "core/result.hpp"

namespace syx::engine {

enum class Overwrite { never, allowed };

[[nodiscard]] Status write_file_atomically(const std::filesystem::path& path,
                                           std::span<const std::uint8_t> bytes,
                                           Overwrite overwrite = Overwrite::never);
[[nodiscard]] Status write_file_atomically(const std::filesystem::path& path, std::string_view text,
                                           Overwrite overwrite = Overwrite::never);

} // namespace syx::engine
