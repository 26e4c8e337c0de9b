#include "engine/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

namespace syx::engine {

namespace {

Error io_error(std::string_view what, const std::filesystem::path& path, int err) {
    return make_error(ErrorCode::io,
                      fmt::format("{} '{}': {}", what, path.string(), std::strerror(err)));
}

// Closes a descriptor on scope exit.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

} // namespace

Status write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                             Overwrite overwrite) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    if (overwrite == Overwrite::never && std::filesystem::exists(path, ec)) {
        return make_error(ErrorCode::refused,
                          fmt::format("'{}' already exists and is not overwritten; choose another "
                                      "name or move the old file away",
                                      path.string()));
    }
    std::string tmp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
    Fd file;
    file.fd = ::mkstemp(tmp.data());
    if (file.fd < 0) {
        return io_error("cannot create a temporary file in", dir, errno);
    }
    auto fail = [&](std::string_view what, int err) {
        ::unlink(tmp.c_str());
        return io_error(what, path, err);
    };
    std::size_t written = 0;
    while (written < bytes.size()) {
        const auto n = ::write(file.fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail("cannot write", errno);
        }
        written += static_cast<std::size_t>(n);
    }
    ::fchmod(file.fd, 0644);
    if (::fsync(file.fd) != 0) {
        return fail("cannot flush", errno);
    }
    if (::close(file.fd) != 0) {
        file.fd = -1;
        return fail("cannot close", errno);
    }
    file.fd = -1;
    if (overwrite == Overwrite::never) {
        // link() fails with EEXIST if the target appeared meanwhile: no race can overwrite it.
        if (::link(tmp.c_str(), path.c_str()) != 0) {
            const int err = errno;
            ::unlink(tmp.c_str());
            if (err == EEXIST) {
                return make_error(
                    ErrorCode::refused,
                    fmt::format("'{}' already exists and is not overwritten", path.string()));
            }
            return io_error("cannot create", path, err);
        }
        ::unlink(tmp.c_str());
    } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
        return fail("cannot move the new file into place as", errno);
    }
    Fd dir_fd;
    dir_fd.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir_fd.fd >= 0) {
        ::fsync(dir_fd.fd); // best effort: some file systems refuse fsync on directories
    }
    return Ok{};
}

Status write_file_atomically(const std::filesystem::path& path, std::string_view text,
                             Overwrite overwrite) {
    return write_file_atomically(
        path,
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                      text.size()),
        overwrite);
}

} // namespace syx::engine
