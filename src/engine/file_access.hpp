#pragma once
// Opening files to read them: the one place that decides whether a path names something
// syxflash may read (DESIGN.md §2: core parses spans and text; the engine opens files).
//
// Only regular files are read. A FIFO would block the reader forever (and a SIGINT handler that
// only sets a flag would leave Ctrl-C without effect), a device such as /dev/zero never ends, a
// socket or a folder holds no bytes to parse: each is refused before a byte is read, in words
// that say what the path is. A symbolic-link loop is named as one (not "no such file"), and so is
// a link whose target is missing.
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace syx::engine {

// A file opened read-only; closes it when destroyed.
class ReadOnlyFile {
public:
    ReadOnlyFile() = default;
    ReadOnlyFile(int fd, std::uint64_t size) : m_fd(fd), m_size(size) {}
    ~ReadOnlyFile();
    ReadOnlyFile(ReadOnlyFile&& other) noexcept;
    ReadOnlyFile& operator=(ReadOnlyFile&& other) noexcept;
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    [[nodiscard]] int fd() const { return m_fd; }
    // The size when it was opened (0 for files such as /proc/self/cmdline that do not say).
    [[nodiscard]] std::uint64_t size() const { return m_size; }

private:
    friend Result<ReadOnlyFile> open_regular_file(const std::filesystem::path& path);
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

// Opens `path` for reading if it is a regular file (symbolic links followed). Errors:
//   usage      an empty path; a folder, FIFO, device, socket or other non-regular file; a
//              symbolic-link loop;
//   not_found  nothing there (a dangling link says where it points);
//   io         anything else the system refuses (permission…), with its reason.
// Messages start with the path: "x.syx: is a named pipe (FIFO), not a file …".
[[nodiscard]] Result<ReadOnlyFile> open_regular_file(const std::filesystem::path& path);

// Reads what is left of an open file, at most `cap` + 1 bytes (so a caller can tell "over the
// cap" without reading more). Errors are io, prefixed with the path.
[[nodiscard]] Result<std::vector<std::uint8_t>>
read_up_to(const ReadOnlyFile& file, const std::filesystem::path& path, std::uint64_t cap);

// "a folder", "a named pipe (FIFO)", "a character device", … for an st_mode; "a file" for a
// regular file.
[[nodiscard]] std::string_view describe_file_type(unsigned mode);

} // namespace syx::engine
