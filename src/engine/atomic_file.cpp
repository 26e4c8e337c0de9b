#include "engine/atomic_file.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/crash_point.hpp"
#include "engine/file_access.hpp"

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

constexpr std::string_view kTempMarker = ".tmp-";

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
    std::string tmp = (dir / fmt::format(".{}{}{}-XXXXXX", path.filename().string(), kTempMarker,
                                         static_cast<long>(::getpid())))
                          .string();
    Fd file;
    file.fd = ::mkstemp(tmp.data());
    if (file.fd < 0) {
        return io_error("cannot create a temporary file in", dir, errno);
    }
    auto fail = [&](std::string_view what, int err) {
        ::unlink(tmp.c_str());
        return io_error(what, path, err);
    };
    crash_point("atomic:temp-created");
    std::size_t written = 0;
    while (written < bytes.size()) {
        // The first half, then the rest: lets the crash tests stop in the middle of a file.
        const std::size_t piece =
            written == 0 && bytes.size() > 1 ? bytes.size() / 2 : bytes.size() - written;
        const auto n = ::write(file.fd, bytes.data() + written, piece);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail("cannot write", errno);
        }
        written += static_cast<std::size_t>(n);
        crash_point("atomic:partly-written");
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
    crash_point("atomic:synced");
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
        crash_point("atomic:linked");
        ::unlink(tmp.c_str());
    } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
        return fail("cannot move the new file into place as", errno);
    }
    sync_directory(dir);
    crash_point("atomic:done");
    return Ok{};
}

void sync_directory(const std::filesystem::path& dir) {
    Fd dir_fd;
    dir_fd.fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir_fd.fd >= 0) {
        ::fsync(dir_fd.fd); // best effort: some file systems refuse fsync on directories
    }
}

bool is_temporary_file_name(std::string_view file_name) {
    return file_name.size() > 1 && file_name.front() == '.' &&
           file_name.find(kTempMarker) != std::string_view::npos;
}

bool writer_may_be_running(long pid) {
    if (pid == static_cast<long>(::getpid())) {
        return true;
    }
    // EPERM: alive, another user's.
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

std::size_t remove_abandoned_temporary_files(const std::filesystem::path& dir) {
    std::size_t removed = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!is_temporary_file_name(name)) {
            continue;
        }
        // ".<target>.tmp-<pid>-XXXXXX": the writer's pid sits between the last marker and the
        // random suffix. A writer that still runs keeps its file.
        const auto marker = name.rfind(kTempMarker);
        const auto pid_text = name.substr(marker + kTempMarker.size());
        char* end = nullptr;
        const long pid = std::strtol(pid_text.c_str(), &end, 10);
        const bool has_pid = end != pid_text.c_str() && *end == '-' && pid > 0;
        if (has_pid && writer_may_be_running(pid)) {
            continue; // still running, or ours (being written on another thread)
        }
        std::error_code remove_ec;
        if (std::filesystem::remove(it->path(), remove_ec)) {
            ++removed;
        }
    }
    return removed;
}

Status write_file_atomically(const std::filesystem::path& path, std::string_view text,
                             Overwrite overwrite) {
    return write_file_atomically(
        path,
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                      text.size()),
        overwrite);
}

Result<std::vector<std::uint8_t>> read_file_bytes(const std::filesystem::path& path) {
    // The same gate as every other read (engine/file_access): a FIFO sidecar would block the
    // reader forever, /dev/zero behind a link would fill memory, a link loop is not "no file".
    auto file = open_regular_file(path);
    if (!file) {
        return file.error();
    }
    auto bytes = read_up_to(*file, path, kMaxReadFileBytes);
    if (!bytes) {
        return bytes.error();
    }
    if (bytes->size() > kMaxReadFileBytes) {
        return make_error(ErrorCode::usage,
                          fmt::format("{}: is larger than {} MiB; not read (a backup, sidecar or "
                                      "record is far smaller)",
                                      path.string(), kMaxReadFileBytes / (1024 * 1024)));
    }
    return bytes;
}

} // namespace syx::engine
