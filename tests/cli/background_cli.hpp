#pragma once
// `syxflash-cli ARGS…` in the background (stdout and stderr to files, stdin at its end), for the
// tests that signal a running command (Ctrl-C, SIGTERM, SIGHUP) and look at what it left.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"
#include <sys/wait.h>
#include <unistd.h>

namespace syx::test {

class BackgroundCli {
public:
    BackgroundCli(const std::vector<std::string>& args, const std::filesystem::path& out,
                  const std::filesystem::path& err)
        : m_out(out), m_err(err) {
        m_pid = ::fork();
        if (m_pid == 0) {
            std::FILE* o = std::freopen(out.c_str(), "w", stdout);
            std::FILE* e = std::freopen(err.c_str(), "w", stderr);
            std::FILE* i = std::freopen("/dev/null", "r", stdin);
            if (o == nullptr || e == nullptr || i == nullptr) {
                ::_exit(126);
            }
            exec_cli(args);
        }
    }
    ~BackgroundCli() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    BackgroundCli(const BackgroundCli&) = delete;
    BackgroundCli& operator=(const BackgroundCli&) = delete;

    [[nodiscard]] std::string out() const { return read(m_out); }
    [[nodiscard]] std::string err() const { return read(m_err); }
    void interrupt() const { signal(SIGINT); }
    void signal(int number) const {
        if (m_pid > 0) {
            ::kill(m_pid, number);
        }
    }
    // The exit code, -(signal) when killed by one, or nullopt when still running after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return std::nullopt;
    }

private:
    static std::string read(const std::filesystem::path& path) {
        std::ifstream in(path);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    pid_t m_pid = -1;
    std::filesystem::path m_out;
    std::filesystem::path m_err;
};

} // namespace syx::test
