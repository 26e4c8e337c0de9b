#pragma once
// The Done page's "save support bundle" (issue 7): ONE .tar.gz holding the report, the trace and
// the journal, so a user can attach a single file to a forum post or a support e-mail. Written
// with libarchive (Debian's libarchive-dev) rather than a hand-made tar writer: ustar/pax headers,
// checksums and gzip framing are easy to get subtly wrong, and every unpacker must read the result.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace syx::gui {

struct BundleEntry {
    std::string name; // path inside the archive, '/'-separated
    std::string content;
};

// The archive's bytes: gzip-compressed POSIX (pax) tar, one regular file (mode 0644) per entry,
// every entry under the folder `top` so unpacking never scatters files.
[[nodiscard]] Result<std::vector<std::uint8_t>>
make_support_archive(const std::string& top, const std::vector<BundleEntry>& entries,
                     std::chrono::system_clock::time_point modified);

// Writes make_support_archive() to `path` atomically (never half-written, never overwriting).
[[nodiscard]] Status write_support_bundle(const std::filesystem::path& path, const std::string& top,
                                          const std::vector<BundleEntry>& entries,
                                          std::chrono::system_clock::time_point modified);

} // namespace syx::gui
