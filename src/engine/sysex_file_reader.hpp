#pragma once
// Reading SysEx files from disk (DESIGN.md §2: the engine opens and maps files; core parses the
// bytes, core/sysex_file.hpp). Only regular files are read (engine/file_access.hpp): a FIFO, a
// device, a folder or a symbolic-link loop is refused before a byte is read, in words that say
// what it is.
#include <filesystem>

#include "core/result.hpp"
#include "core/sysex_file.hpp"

namespace syx {

// Loads a file's bytes: read in blocks into memory of our own, never more than the cap + 1 byte,
// or memory-mapped read-only when ReadOptions::map_regular_files asks for it (see there).
// Errors (not found, not a regular file, unreadable) are Result errors; a file over the cap is
// refused from its size without being read.
[[nodiscard]] Result<LoadedFile> load_file(const std::filesystem::path& path,
                                           const ReadOptions& options = {});

// Reads a file from disk: load_file, then read_loaded_file. Errors are load_file's; everything
// about the content is a finding in the returned report, including "over the size cap".
[[nodiscard]] Result<SysexFile> read_sysex_file(const std::filesystem::path& path,
                                                const ReadOptions& options = {});

} // namespace syx
