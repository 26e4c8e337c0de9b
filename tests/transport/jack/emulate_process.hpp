#pragma once
// `syxflash-cli ARGS…` (typically `emulate ID --api jack --name N`) running in the background for
// the JACK end-to-end tests: lines typed on its stdin press the emulated device's buttons, and
// stop() ends it with Ctrl-C (SIGINT) and returns its exit code and everything it printed.
#include <csignal>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace syx::test {

class EmulateProcess {
public:
    explicit EmulateProcess(const std::vector<std::string>& args) {
        int out_pipe[2];
        int in_pipe[2];
        if (::pipe(out_pipe) != 0 || ::pipe(in_pipe) != 0) {
            return;
        }
        m_pid = ::fork();
        if (m_pid == 0) {
            ::dup2(out_pipe[1], STDOUT_FILENO);
            ::dup2(in_pipe[0], STDIN_FILENO);
            ::close(out_pipe[0]);
            ::close(in_pipe[1]);
            exec_cli(args);
        }
        ::close(out_pipe[1]);
        ::close(in_pipe[0]);
        m_out = out_pipe[0];
        m_in = in_pipe[1];
    }
    ~EmulateProcess() { stop(); }
    EmulateProcess(const EmulateProcess&) = delete;
    EmulateProcess& operator=(const EmulateProcess&) = delete;

    // A line on its stdin ("press sysex-send-preset").
    void type(const std::string& line) {
        const std::string text = line + "\n";
        EXPECT_EQ(::write(m_in, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }

    // Sends SIGINT, waits, returns the exit code (-1 when it did not exit normally) and
    // everything it printed. Later calls return the same text.
    std::pair<int, std::string> stop() {
        if (m_pid <= 0) {
            return {m_exit, m_text};
        }
        ::close(m_in);
        ::kill(m_pid, SIGINT);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_pid = -1;
        char buffer[4096];
        for (ssize_t n; (n = ::read(m_out, buffer, sizeof buffer)) > 0;) {
            m_text.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(m_out);
        m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return {m_exit, m_text};
    }

private:
    pid_t m_pid = -1;
    int m_out = -1;
    int m_in = -1;
    int m_exit = -1;
    std::string m_text;
};

} // namespace syx::test
