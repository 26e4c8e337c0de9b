// syxflash-cli: the command-line face of the syxflash engine (DESIGN.md §8).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "build_info.hpp"
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include "cli/cli_common.hpp"
#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "engine/terminal_text.hpp"

namespace syx::cli {

std::vector<Command>& command_registry() {
    static std::vector<Command> registry;
    return registry;
}

namespace {

// The first option or argument of the parsed command given as an empty string, by its name
// ("FILE", "--output"), or nullopt. An empty string names nothing (issue 17: `upload … ""` crashed
// and `backup -o ""` quietly saved only to the library), so it is a usage error everywhere.
std::optional<std::string> empty_argument(const CLI::App& sub) {
    for (const CLI::Option* option : sub.get_options()) {
        if (option->count() == 0 || option->get_type_size() == 0) {
            continue; // not given, or a flag (flags carry no text)
        }
        for (const std::string& value : option->results()) {
            if (value.empty()) {
                return option->get_positional() ? option->get_name(true) : option->get_name();
            }
        }
    }
    return std::nullopt;
}

// ---- output that never ends a run ---------------------------------------------------------------
// A reader that goes away (`upload --json | head -1`, a pager quit, `2>&1 | head`) or a full disk
// under a redirect must never end a transfer half-way. Before: the next line written killed the
// process with SIGPIPE mid-upload (exit 141, the device half-written), and with SIGPIPE ignored
// fmt's print threw from the session's worker thread (abort). So SIGPIPE is ignored, and stdout
// and stderr write through streams that drop what cannot be written and remember why: the run goes
// on, and the loss is said at the end.

//
// The same streams make everything printed safe for a terminal (engine/terminal_text.hpp): text
// from outside (file names, journal records, manifests, a device's display, identity strings,
// port names) is printed in many places, and one ESC sequence in any of them would reach the
// terminal raw. Only the progress bar's own "\r" and erase-line pass, through
// write_terminal_control(). JSON output is unchanged by it: JSON never holds a raw C0 control,
// and DEL and C1 become \u00NN, a valid JSON escape.

std::atomic<int> g_output_errno{0};

struct OutputStream {
    int fd;
    syx::engine::TerminalSafeStream filter;
};
OutputStream g_stdout{STDOUT_FILENO, {}};
OutputStream g_stderr{STDERR_FILENO, {}};

void write_all_or_drop(int fd, std::string_view data) {
    std::size_t done = 0;
    while (done < data.size() && g_output_errno.load() == 0) {
        const auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_output_errno.store(n < 0 ? errno : EIO);
            break;
        }
        done += static_cast<std::size_t>(n);
    }
}

#ifdef __GLIBC__
// Called with the stream's lock held: one writer at a time per stream.
ssize_t write_or_drop(void* cookie, const char* data, std::size_t size) {
    auto* stream = static_cast<OutputStream*>(cookie);
    const std::string_view text(data, size);
    if (writing_terminal_control()) {
        write_all_or_drop(stream->fd, text);
    } else {
        write_all_or_drop(stream->fd, stream->filter.feed(text));
    }
    return static_cast<ssize_t>(size); // what could not be written is dropped, not an error
}

std::FILE* unbreakable_stream(OutputStream& output, int buffering) {
    const cookie_io_functions_t io{nullptr, write_or_drop, nullptr, nullptr};
    std::FILE* stream = ::fopencookie(&output, "w", io);
    if (stream != nullptr) {
        std::setvbuf(stream, nullptr, buffering, buffering == _IONBF ? 0 : BUFSIZ);
    }
    return stream;
}
#endif

void make_output_unbreakable() {
    std::signal(SIGPIPE, SIG_IGN);
#ifdef __GLIBC__
    // glibc's stdout and stderr are ordinary variables that may be reassigned (glibc manual,
    // "Standard Streams").
    if (std::FILE* out =
            unbreakable_stream(g_stdout, ::isatty(STDOUT_FILENO) == 1 ? _IOLBF : _IOFBF)) {
        std::fflush(stdout);
        stdout = out;
    }
    if (std::FILE* err = unbreakable_stream(g_stderr, _IONBF)) {
        stderr = err;
    }
#endif
}

// Says, where it still can, that output was lost (the exit code stays the run's own).
int finish_output(int exit_code) {
    std::fflush(stdout);
    std::fflush(stderr);
    // An unfinished UTF-8 character at the very end, shown as its bytes.
    write_all_or_drop(STDOUT_FILENO, g_stdout.filter.finish());
    write_all_or_drop(STDERR_FILENO, g_stderr.filter.finish());
    // A reader that stopped reading (EPIPE: `| head`) is no news: quiet, as other tools are.
    if (const int err = g_output_errno.load(); err != 0 && err != EPIPE) {
        const std::string text =
            fmt::format("syxflash-cli: some output could not be written ({}); the exit code ({}) "
                        "is the run's own\n",
                        std::strerror(err), exit_code);
        (void)!::write(STDERR_FILENO, text.data(), text.size());
    }
    return exit_code;
}

// An unknown option of a known command: "--devcie" gets a suggestion; "-x.syx" (a file whose name
// starts with '-', which CLI11 would take for flags and then report "FILE is required") is named,
// with how to pass such a file. Returns the exit code when it found one.
std::optional<int> explain_unknown_option(const std::string& word, CLI::App& sub, int argc,
                                          char** argv, int first) {
    std::vector<std::string> options{"--help"};
    std::vector<char> short_names{'h'};
    for (const CLI::Option* option : sub.get_options()) {
        for (const auto& name : option->get_lnames()) {
            options.push_back("--" + name);
        }
        for (const auto& name : option->get_snames()) {
            short_names.push_back(name.front());
        }
    }
    for (int i = first; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") {
            break; // what follows is arguments only
        }
        const bool single_dash = arg.size() > 1 && arg[0] == '-' && arg[1] != '-' &&
                                 std::isdigit(static_cast<unsigned char>(arg[1])) == 0;
        if (single_dash &&
            std::find(short_names.begin(), short_names.end(), arg[1]) == short_names.end()) {
            std::error_code ec;
            fmt::print(stderr, "syxflash-cli {}: unknown option '{}'{}\n", word, arg,
                       std::filesystem::exists(std::string(arg), ec)
                           ? fmt::format("; to name the file '{}', write ./{} or put -- before it",
                                         arg, arg)
                           : fmt::format("; run 'syxflash-cli {} --help' for its options", word));
            return kExitUsage;
        }
        if (arg.size() <= 2 || arg.substr(0, 2) != "--") {
            continue;
        }
        const std::string name(arg.substr(0, arg.find('=')));
        if (std::find(options.begin(), options.end(), name) != options.end()) {
            continue;
        }
        const auto guess = did_you_mean(name, options);
        fmt::print(stderr, "syxflash-cli {}: unknown option '{}'; {}\n", word, name,
                   guess ? fmt::format("did you mean {}?", *guess)
                         : fmt::format("run 'syxflash-cli {} --help' for its options", word));
        return kExitUsage;
    }
    return std::nullopt;
}

// A mistyped command or long option, said with a suggestion before CLI11 parses: CLI11 would
// report a missing required option ("--device is required" for `--devcie`) or the file that
// follows, never the typo itself. Returns the exit code when it found one.
std::optional<int> explain_typo(int argc, char** argv, CLI::App& app) {
    int at = 1;
    while (at < argc && argv[at][0] == '-') {
        ++at; // --help, --version: CLI11 deals with those
    }
    if (at >= argc) {
        return std::nullopt;
    }
    const std::string word = argv[at];
    std::vector<std::string> commands;
    CLI::App* sub = nullptr;
    for (CLI::App* candidate : app.get_subcommands({})) {
        commands.push_back(candidate->get_name());
        if (candidate->get_name() == word) {
            sub = candidate;
        }
    }
    if (sub == nullptr) {
        const auto guess = did_you_mean(word, commands);
        std::string list;
        for (const auto& c : commands) {
            list += (list.empty() ? "" : ", ") + c;
        }
        fmt::print(stderr, "syxflash-cli: unknown command '{}'; {}\n", word,
                   guess ? fmt::format("did you mean {}?", *guess)
                         : fmt::format("the commands are: {}", list));
        return kExitUsage;
    }
    return explain_unknown_option(word, *sub, argc, argv, at + 1);
}

} // namespace

} // namespace syx::cli

namespace {

int run_main(int argc, char** argv) {
    using namespace syx::cli;
    CLI::App app{"syxflash-cli — get firmware onto MIDI instruments over SysEx, safely.\n"
                 "Backs up presets first, validates files against the device's manifest before\n"
                 "sending a byte, and paces messages the way the device needs them.",
                 "syxflash-cli"};
    app.require_subcommand(1);
    app.set_version_flag("--version",
                         fmt::format("syxflash-cli {} ({}; {}; {})", syx::build_info::kVersion,
                                     syx::build_info::kGitDescribe, syx::build_info::kCompiler,
                                     syx::build_info::kBuildType));
    app.footer(
        "Exit codes: 0 success, 1 internal error, 2 usage error, 3 refused before sending\n"
        "(nothing was sent), 4 transfer failed or interrupted, 5 device did not answer or a\n"
        "dump was incomplete, 130 cancelled (Ctrl-C), 143 stopped by SIGTERM, 129 by SIGHUP\n"
        "(the run stopped at its next safe point and says where it stood).\n"
        "Run 'syxflash-cli COMMAND --help' for a command's options and examples.");

    auto commands = command_registry();
    std::stable_sort(commands.begin(), commands.end(),
                     [](const Command& a, const Command& b) { return a.order < b.order; });
    std::map<CLI::App*, std::function<int()>> runners;
    for (const auto& command : commands) {
        CLI::App* sub = app.add_subcommand(command.name, command.summary);
        runners[sub] = command.define(*sub);
    }

    if (const auto typo = explain_typo(argc, argv, app)) {
        return *typo;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    }

    try {
        for (auto& [sub, run] : runners) {
            if (sub->parsed()) {
                if (const auto empty = empty_argument(*sub)) {
                    fmt::print(stderr,
                               "syxflash-cli {}: {} is empty; give a value (an empty string "
                               "names nothing){}\nRun 'syxflash-cli {} --help' for the "
                               "options.\n",
                               sub->get_name(), *empty,
                               *empty == "--api" ? "; use one of: " + api_names() : std::string{},
                               sub->get_name());
                    return kExitUsage;
                }
                const int code = run();
                // A run stopped by SIGTERM or SIGHUP says so in its exit code (143, 129).
                return code == kExitCancelled ? cancelled_exit_code() : code;
            }
        }
    } catch (const std::exception& e) {
        fmt::print(stderr, "syxflash-cli: internal error: {}\n", e.what());
        return kExitInternal;
    }
    return kExitUsage;
}

} // namespace

int main(int argc, char** argv) {
    syx::cli::make_output_unbreakable();
    return syx::cli::finish_output(run_main(argc, argv));
}
