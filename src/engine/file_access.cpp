#include "engine/file_access.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

namespace syx::engine {

namespace {

std::string link_target(const std::filesystem::path& path) {
    std::array<char, 4096> buffer{};
    const auto n = ::readlink(path.c_str(), buffer.data(), buffer.size() - 1);
    return n > 0 ? std::string(buffer.data(), static_cast<std::size_t>(n)) : std::string{};
}

Error not_a_file(const std::filesystem::path& path, unsigned mode) {
    std::string why;
    if (S_ISFIFO(mode)) {
        why = "; syxflash reads only regular files (a pipe can block the reader forever)";
    } else if (S_ISCHR(mode) || S_ISBLK(mode)) {
        why = "; syxflash reads only regular files (a device can be endless, like /dev/zero)";
    } else if (!S_ISDIR(mode)) {
        why = "; syxflash reads only regular files";
    }
    return make_error(ErrorCode::usage, fmt::format("{}: is {}, not a file{}", path.string(),
                                                    describe_file_type(mode), why));
}

// Why stat() failed, in words, with the error code the callers expect.
Error stat_error(const std::filesystem::path& path, int err) {
    const std::string name = path.string();
    switch (err) {
    case ELOOP:
        return make_error(ErrorCode::usage,
                          fmt::format("{}: is a loop of symbolic links (a link that leads back "
                                      "to itself); it names no file",
                                      name));
    case ENOENT: {
        struct stat info {};
        if (::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
            return make_error(ErrorCode::not_found,
                              fmt::format("{}: is a symbolic link to '{}', which does not exist",
                                          name, link_target(path)));
        }
        return make_error(ErrorCode::not_found,
                          fmt::format("{}: no such file (check the path)", name));
    }
    case ENOTDIR:
        return make_error(
            ErrorCode::not_found,
            fmt::format("{}: no such file (a part of the path is not a folder)", name));
    case ENAMETOOLONG:
        return make_error(ErrorCode::usage, fmt::format("{}: the path is too long", name));
    default:
        return make_error(ErrorCode::io,
                          fmt::format("{}: cannot open: {}", name, std::strerror(err)));
    }
}

} // namespace

std::string_view describe_file_type(unsigned mode) {
    if (S_ISREG(mode)) {
        return "a file";
    }
    if (S_ISDIR(mode)) {
        return "a folder";
    }
    if (S_ISFIFO(mode)) {
        return "a named pipe (FIFO)";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a regular file";
}

ReadOnlyFile::~ReadOnlyFile() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept : m_fd(other.m_fd), m_size(other.m_size) {
    other.m_fd = -1;
}

ReadOnlyFile& ReadOnlyFile::operator=(ReadOnlyFile&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = other.m_fd;
        m_size = other.m_size;
        other.m_fd = -1;
    }
    return *this;
}

Result<ReadOnlyFile> open_regular_file(const std::filesystem::path& path) {
    if (path.empty()) {
        return make_error(ErrorCode::usage, "an empty path names no file");
    }
    // Asked by name first, so nothing that is not a file is ever opened (opening a FIFO blocks
    // until a writer comes).
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return stat_error(path, errno);
    }
    if (!S_ISREG(info.st_mode)) {
        return not_a_file(path, info.st_mode);
    }
    // O_NONBLOCK: should the path have become a FIFO since, open() still returns at once; the
    // fstat below then refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return stat_error(path, errno);
    }
    ReadOnlyFile file(fd, 0); // closes it on the early returns
    if (::fstat(fd, &info) != 0) {
        return make_error(ErrorCode::io,
                          fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
    }
    if (!S_ISREG(info.st_mode)) {
        return not_a_file(path, info.st_mode);
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) {
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    file.m_size = static_cast<std::uint64_t>(std::max<off_t>(info.st_size, 0));
    return file;
}

Result<std::vector<std::uint8_t>> read_up_to(const ReadOnlyFile& file,
                                             const std::filesystem::path& path, std::uint64_t cap) {
    std::vector<std::uint8_t> data;
    data.reserve(static_cast<std::size_t>(std::min(file.size(), cap) + 1));
    std::array<std::uint8_t, 64 * 1024> block{};
    while (data.size() <= cap) {
        const auto n = ::read(file.fd(), block.data(), block.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return make_error(ErrorCode::io, fmt::format("{}: read failed: {}", path.string(),
                                                         std::strerror(errno)));
        }
        if (n == 0) {
            break;
        }
        data.insert(data.end(), block.begin(), block.begin() + n);
    }
    if (data.size() > cap + 1) {
        data.resize(static_cast<std::size_t>(cap + 1));
    }
    return data;
}

} // namespace syx::engine
