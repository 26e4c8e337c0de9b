#pragma once
// A full disk on demand, for any user: runs a test body in a forked child inside its own user and
// mount namespaces (what `unshare -rm` does) with a small tmpfs mounted on a folder. Nothing
// outside the child sees the mount, and it goes when the child ends. Where the kernel or a
// container forbids unprivileged namespaces, the result says why, so the test skips with that
// reason instead of passing or failing.
//
// The body runs in the child: it must not use gtest assertions (they would not reach the parent).
// It returns what went wrong, in words, or an empty string when everything held.
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

namespace syx::test {

struct SmallTmpfsRun {
    bool ran = false;        // false: skip_reason says why the namespace or mount was not made
    std::string skip_reason; // when !ran
    std::string problems;    // what the body found wrong; empty when all held
};

namespace small_tmpfs_detail {

inline bool write_text(const char* path, const std::string& text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC); // NOLINT(cppcoreguidelines-pro-type-vararg)
    if (fd < 0) {
        return false;
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

inline void send_and_exit(int fd, char kind, const std::string& text) {
    const std::string message = std::string(1, kind) + text;
    std::size_t done = 0;
    while (done < message.size()) {
        const auto n = ::write(fd, message.data() + done, message.size() - done);
        if (n <= 0) {
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
}

} // namespace small_tmpfs_detail

// Mounts a tmpfs of `kib` KiB (whole pages) on `mount_point` (an existing folder) in a child and
// runs `body` there.
inline SmallTmpfsRun run_with_small_tmpfs(const std::filesystem::path& mount_point, std::size_t kib,
                                          const std::function<std::string()>& body) {
    namespace d = small_tmpfs_detail;
    std::array<int, 2> pipe_fds{};
    if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
        return {false, std::string("pipe: ") + std::strerror(errno), {}};
    }
    const auto uid = ::getuid();
    const auto gid = ::getgid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        const int out = pipe_fds[1];
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            d::send_and_exit(out, 'S',
                             std::string("unprivileged user namespaces are not permitted here "
                                         "(unshare: ") +
                                 std::strerror(errno) + ")");
        }
        // Root inside the namespace is this user outside it, as `unshare -r` maps it.
        d::write_text("/proc/self/setgroups", "deny");
        if (!d::write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
            !d::write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
            d::send_and_exit(out, 'S', "cannot map the user into its namespace");
        }
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr); // best effort
        const std::string options = "size=" + std::to_string(kib) + "k";
        if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, options.c_str()) != 0) {
            d::send_and_exit(out, 'S',
                             std::string("cannot mount a tmpfs in a user namespace (mount: ") +
                                 std::strerror(errno) + ")");
        }
        std::string problems;
        try {
            problems = body();
        } catch (const std::exception& e) {
            problems = std::string("exception: ") + e.what();
        }
        d::send_and_exit(out, 'R', problems);
    }
    ::close(pipe_fds[1]);
    if (pid < 0) {
        ::close(pipe_fds[0]);
        return {false, std::string("fork: ") + std::strerror(errno), {}};
    }
    std::string message;
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto n = ::read(pipe_fds[0], buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        message.append(buffer.data(), static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    SmallTmpfsRun run;
    if (message.empty()) {
        run.ran = true;
        run.problems =
            "the child ended without a report (wait status " + std::to_string(status) + ")";
    } else if (message.front() == 'S') {
        run.skip_reason = message.substr(1);
    } else {
        run.ran = true;
        run.problems = message.substr(1);
    }
    return run;
}

} // namespace syx::test
