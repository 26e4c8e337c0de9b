#include "support/test_support.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace syx::test {

std::optional<std::filesystem::path> fixtures_dir() {
    std::filesystem::path dir = SYXFLASH_FIXTURES_DIR;
    if (const char* env = std::getenv("SYXFLASH_FIXTURES_DIR"); env != nullptr && *env != '\0') {
        dir = env;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) {
        return dir;
    }
    return std::nullopt;
}

std::optional<std::filesystem::path> fixture(const std::string& name) {
    auto dir = fixtures_dir();
    if (!dir) {
        return std::nullopt;
    }
    auto path = *dir / name;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return std::nullopt;
    }
    return path;
}

std::filesystem::path source_dir() {
    return SYXFLASH_SOURCE_DIR;
}

bool write_user_manifest_with_gap(const std::filesystem::path& config, const std::string& id,
                                  int gap_ms) {
    std::ifstream in(source_dir() / "firmware-manifests" / (id + ".toml"));
    const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto din = body.find("[pacing.din]");
    const auto gap = din == std::string::npos ? din : body.find("gap_ms = ", din);
    if (gap == std::string::npos) {
        return false;
    }
    const auto eol = body.find('\n', gap);
    std::filesystem::create_directories(config / "syxflash" / "manifests");
    std::ofstream out(config / "syxflash" / "manifests" / (id + ".toml"));
    out << body.substr(0, gap) << "gap_ms = " << gap_ms << body.substr(eol);
    return static_cast<bool>(out);
}

std::vector<std::filesystem::path> shipped_manifest_files() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry :
         std::filesystem::directory_iterator(source_dir() / "firmware-manifests")) {
        if (entry.path().extension() == ".toml") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}
std::filesystem::path cli_path() {
    return SYXFLASH_CLI_PATH;
}

void exec_cli(const std::vector<std::string>& args) {
    std::vector<std::string> strings{cli_path().string()};
    strings.insert(strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : strings) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input) {
    if (argv.empty()) {
        throw std::invalid_argument("run_process: empty argv");
    }
    std::array<int, 2> in_pipe{};
    std::array<int, 2> out_pipe{};
    std::array<int, 2> err_pipe{};
    if (pipe2(in_pipe.data(), O_CLOEXEC) != 0 || pipe2(out_pipe.data(), O_CLOEXEC) != 0 ||
        pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("run_process: pipe failed");
    }
    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("run_process: fork failed");
    }
    if (pid == 0) {
        dup2(in_pipe[0], STDIN_FILENO);
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str())); // NOLINT: execv's signature
        }
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);

    ProcessResult result;
    std::size_t written = 0;
    int in_fd = in_pipe[1];
    if (input.empty()) {
        close(in_fd);
        in_fd = -1;
    } else {
        fcntl(in_fd, F_SETFL, O_NONBLOCK);
    }
    bool out_open = true;
    bool err_open = true;
    std::array<char, 65536> buffer{};
    while (out_open || err_open) {
        std::array<pollfd, 3> fds{{{out_open ? out_pipe[0] : -1, POLLIN, 0},
                                   {err_open ? err_pipe[0] : -1, POLLIN, 0},
                                   {in_fd, POLLOUT, 0}}};
        if (poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < 2; ++i) {
            auto& fd = fds[static_cast<std::size_t>(i)];
            if (fd.fd >= 0 && (fd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                const ssize_t n = read(fd.fd, buffer.data(), buffer.size());
                if (n <= 0) {
                    (i == 0 ? out_open : err_open) = false;
                } else {
                    (i == 0 ? result.out : result.err)
                        .append(buffer.data(), static_cast<std::size_t>(n));
                }
            }
        }
        if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            const ssize_t n = write(in_fd, input.data() + written, input.size() - written);
            if (n > 0) {
                written += static_cast<std::size_t>(n);
            }
            if (n <= 0 || written == input.size()) {
                close(in_fd);
                in_fd = -1;
            }
        }
    }
    if (in_fd >= 0) {
        close(in_fd);
    }
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exit_code = 128 + WTERMSIG(status);
    }
    return result;
}

ProcessResult run_cli(const std::vector<std::string>& args, const std::string& input) {
    std::vector<std::string> argv{cli_path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, input);
}

std::filesystem::path process_temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
}

TempDir::TempDir() {
    std::random_device rd;
    std::mt19937_64 rng(rd());
    auto base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto candidate = base / ("syxflash-test-" + std::to_string(rng()));
        std::error_code ec;
        if (std::filesystem::create_directory(candidate, ec)) {
            m_path = candidate;
            return;
        }
    }
    throw std::runtime_error("TempDir: could not create a temporary directory");
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file_bytes(const std::filesystem::path& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), // NOLINT: byte I/O
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

ProcessResult run_cli_bounded(const std::vector<std::string>& args, int seconds) {
    std::vector<std::string> argv{"timeout", "-k", "2", std::to_string(seconds),
                                  cli_path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

std::string describe_cli_run(const std::vector<std::string>& args, const ProcessResult& r) {
    std::string line = "syxflash-cli";
    for (const auto& a : args) {
        line += " '" + a + "'";
    }
    return line + "\n  exit " + std::to_string(r.exit_code) + "\n  stderr: " + r.err +
           "\n  stdout: " + r.out;
}

const Manifest& shipped_manifest(const std::string& id) {
    static const auto load = load_catalogue({source_dir() / "firmware-manifests"}, {});
    const auto* entry = load.catalogue.find(id);
    if (entry == nullptr) {
        throw std::runtime_error("no manifest " + id);
    }
    return entry->manifest;
}

bool has_finding(const SysexFile& file, const std::string& code) {
    for (const auto& f : file.findings) {
        if (f.code == code) {
            return true;
        }
    }
    return false;
}

} // namespace syx::test
