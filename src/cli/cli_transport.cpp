#include "cli/cli_transport.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include "cli/exit_codes.hpp"
#include "core/port_classifier.hpp"
#include "emulator/fault_spec.hpp"
#include "engine/json_text.hpp"
#include "engine/transfer_backends.hpp"
#include "transport/emulated_transport.hpp"
#include "transport/recording_transport.hpp"

namespace syx::cli {

namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<bool> g_interrupted_again{false};
std::atomic<int> g_stop_signal{0}; // the first SIGTERM or SIGHUP, 0 when none came

extern "C" void on_sigint(int /*signal*/) {
    // The first Ctrl-C asks to stop; a second insists (a running session stops at once and its
    // journal says where it stood); a third ends the program the usual way.
    if (g_interrupted.exchange(true)) {
        g_interrupted_again.store(true);
        std::signal(SIGINT, SIG_DFL);
    }
}

extern "C" void on_terminate(int signal) {
    // SIGTERM (a shutdown, a service manager, `kill`) or SIGHUP (the terminal went away): nobody
    // is left to answer a question, so this insists at once, like a second Ctrl-C: the session
    // stops at its next safe point (never inside a message), the journal records where it
    // stood, the state report and the recovery hint are printed, and the exit code is 128 + the
    // signal (143, 129). The same signal again ends the program the usual way.
    int none = 0;
    if (!g_stop_signal.compare_exchange_strong(none, signal) && none == signal) {
        std::signal(signal, SIG_DFL);
        std::raise(signal); // delivered when this handler returns
        return;
    }
    g_interrupted.store(true);
    g_interrupted_again.store(true);
}

// A JACK server's socket in /dev/shm ("jack_<server>_<uid>_0", jack2's JackSocket naming), so
// the advice can say whether --api jack would find a server.
std::optional<std::string> running_jack_server() {
    const std::string uid_part = fmt::format("_{}_0", ::getuid());
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/dev/shm", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("jack_", 0) == 0 && name.size() > uid_part.size() &&
            name.compare(name.size() - uid_part.size(), uid_part.size(), uid_part) == 0 &&
            it->is_socket(ec)) {
            return name.substr(5, name.size() - 5 - uid_part.size());
        }
    }
    return std::nullopt;
}

// ALSA's sequencer device: without it RtMidi's ALSA backend fails with the library's own text
// (and exit 4, as if a transfer had failed). Said plainly instead, as a usage error.
std::optional<CliError> check_alsa_sequencer() {
    constexpr const char* kSequencer = "/dev/snd/seq";
    if (::access(kSequencer, F_OK) == 0) {
        return std::nullopt;
    }
    const auto jack = running_jack_server();
    return CliError{
        kExitUsage,
        fmt::format("there is no ALSA sequencer on this machine ({} is missing: no sound "
                    "hardware, or a container without /dev/snd). {}Use --api emulated to try "
                    "syxflash with a built-in device model (the port is the device id, see "
                    "'syxflash-cli devices').",
                    kSequencer,
                    jack ? fmt::format("A JACK server is running ('{}'): use --api jack. ", *jack)
                         : std::string("If you use JACK, start its server and use --api jack. "))};
}
} // namespace

std::string api_names() {
    std::string out;
    for (auto api : transport::all_apis()) {
        out += out.empty() ? "" : ", ";
        out += transport::to_string(api);
    }
    return out;
}

transport::MidiApi default_api() {
#if defined(__APPLE__)
    return transport::MidiApi::coremidi;
#elif defined(_WIN32)
    return transport::MidiApi::winmm;
#else
    return transport::MidiApi::alsa;
#endif
}

void add_transport_options(CLI::App& sub, TransportArgs& args, bool with_ports) {
    sub.add_option("--api", args.api,
                   fmt::format("MIDI system: {} (default: {})", api_names(),
                               transport::to_string(default_api())));
    if (with_ports) {
        sub.add_option("--port,-p", args.port,
                       "Port to use: a case-insensitive part of its name, matched against "
                       "outputs and inputs (see 'syxflash-cli ports')")
            ->required();
        sub.add_option("--in-port", args.in_port,
                       "Input port, when it differs from --port's match");
        sub.add_option("--trace", args.trace,
                       "Write every message sent and received as JSON Lines to this file");
        sub.add_option("--fault", args.faults,
                       "With --api emulated: inject a fault into the emulated device, e.g. "
                       "unplug-at=50%, power-loss-at=40%, drop-above-rate=1000, no-reply, "
                       "slow-reply=800, nak-message=3, corrupt-message=5, wrong-device "
                       "(repeatable; see 'syxflash-cli emulate --help')");
        sub.add_option("--seed", args.seed,
                       "With --fault: seed for the faults' randomness, so runs repeat exactly");
    }
    sub.add_flag("--json", args.json, "Machine-readable output (JSON Lines for transfers)");
}

namespace {

// --fault configures the in-process emulator before the transport makes its devices.
std::optional<CliError> configure_faults(const TransportArgs& args, transport::MidiApi api) {
    if (args.faults.empty()) {
        return std::nullopt;
    }
    if (api != transport::MidiApi::emulated) {
        return CliError{kExitUsage, "--fault works only with --api emulated (a real device "
                                    "cannot be told to fail; try it on the emulator first)"};
    }
    auto specs = emu::parse_fault_specs(args.faults);
    if (!specs) {
        return CliError{kExitUsage, fmt::format("--fault: {}", specs.error().message)};
    }
    transport::configure_emulated_devices(std::move(*specs), args.seed);
    return std::nullopt;
}

} // namespace

std::optional<CliError> parse_api_arg(const TransportArgs& args, transport::MidiApi& api) {
    if (args.api.empty()) {
        api = default_api();
    } else {
        const auto parsed = transport::parse_api(args.api);
        if (!parsed) {
            return CliError{kExitUsage, fmt::format("unknown --api '{}'; use one of: {}", args.api,
                                                    api_names())};
        }
        api = *parsed;
    }
    if (api == transport::MidiApi::alsa) {
        if (auto missing = check_alsa_sequencer()) {
            return missing;
        }
    }
    return configure_faults(args, api);
}

Result<std::unique_ptr<transport::MidiTransport>> open_backend(transport::MidiApi api,
                                                               const std::string& trace) {
    engine::register_transport_backends();
    auto made = transport::make_transport(api);
    if (!made) {
        return made.error();
    }
    if (trace.empty()) {
        return std::move(*made);
    }
    auto recorded = transport::RecordingTransport::create(std::move(*made), trace);
    if (!recorded) {
        return recorded.error();
    }
    return std::unique_ptr<transport::MidiTransport>(std::move(*recorded));
}

namespace {

std::variant<std::string, CliError> match_one(const std::vector<transport::PortInfo>& ports,
                                              transport::PortDirection direction,
                                              const std::string& pattern) {
    std::vector<std::string> all;
    std::vector<std::string> matches;
    for (const auto& p : ports) {
        if (p.direction != direction) {
            continue;
        }
        all.push_back(p.name);
        if (p.name == pattern) {
            return p.name; // exact name wins
        }
        if (port_name_matches(p.name, pattern)) {
            matches.push_back(p.name);
        }
    }
    auto listing = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& n : names) {
            out += fmt::format("\n  {}", n);
        }
        return names.empty() ? std::string("\n  (none)") : out;
    };
    const char* side = transport::to_string(direction);
    if (matches.size() == 1) {
        return matches.front();
    }
    if (matches.empty()) {
        return CliError{kExitUsage, fmt::format("no {} port matches '{}'. {} ports:{}", side,
                                                pattern, side, listing(all))};
    }
    return CliError{kExitUsage, fmt::format("'{}' matches {} {} ports; give more of the name:{}",
                                            pattern, matches.size(), side, listing(matches))};
}

} // namespace

std::variant<ResolvedPorts, CliError> resolve_ports(const std::vector<transport::PortInfo>& ports,
                                                    const TransportArgs& args, bool need_output,
                                                    bool need_input) {
    ResolvedPorts resolved;
    if (need_output) {
        auto out = match_one(ports, transport::PortDirection::output, args.port);
        if (auto* err = std::get_if<CliError>(&out)) {
            return *err;
        }
        resolved.output = std::get<std::string>(out);
    }
    if (need_input) {
        const std::string& pattern = args.in_port.empty() ? args.port : args.in_port;
        auto in = match_one(ports, transport::PortDirection::input, pattern);
        if (auto* err = std::get_if<CliError>(&in)) {
            if (args.in_port.empty()) {
                err->message += "\nUse --in-port to name the input separately.";
            }
            return *err;
        }
        resolved.input = std::get<std::string>(in);
    }
    return resolved;
}

namespace {
bool any_input_matches(const std::vector<transport::PortInfo>& ports, const std::string& pattern) {
    return std::any_of(ports.begin(), ports.end(), [&](const transport::PortInfo& p) {
        return p.direction == transport::PortDirection::input &&
               (p.name == pattern || port_name_matches(p.name, pattern));
    });
}
} // namespace

std::variant<OpenedTransport, CliError> open_for_transfer(const TransportArgs& args,
                                                          bool need_output, bool need_input,
                                                          transport::ReceiveCallback callback,
                                                          std::size_t max_input_message_bytes,
                                                          bool input_optional) {
    OpenedTransport opened;
    if (auto err = parse_api_arg(args, opened.api)) {
        return *err;
    }
    auto backend = open_backend(opened.api, args.trace);
    if (!backend) {
        return CliError{backend.error().code == ErrorCode::not_found ? kExitUsage
                                                                     : kExitTransferFailed,
                        backend.error().message};
    }
    opened.transport = std::move(*backend);
    auto ports = opened.transport->list_ports();
    if (!ports) {
        return CliError{kExitTransferFailed, ports.error().message};
    }
    if (need_input && input_optional && args.in_port.empty() &&
        !any_input_matches(*ports, args.port)) {
        need_input = false; // a one-way cable to a device that never answers
    }
    auto resolved = resolve_ports(*ports, args, need_output, need_input);
    if (auto* err = std::get_if<CliError>(&resolved)) {
        return *err;
    }
    opened.ports = std::get<ResolvedPorts>(resolved);
    opened.listed = *ports;
    if (callback) {
        opened.transport->set_receive_callback(std::move(callback));
    }
    transport::OpenOptions options;
    options.output_port = opened.ports.output;
    options.input_port = opened.ports.input;
    options.max_input_message_bytes = max_input_message_bytes;
    if (auto status = opened.transport->open(options); !status) {
        return CliError{status.error().code == ErrorCode::not_found ? kExitUsage
                                                                    : kExitTransferFailed,
                        status.error().message};
    }
    return opened;
}

std::variant<LinkChoice, CliError> decide_link(const OpenedTransport& opened,
                                               std::optional<Link> asked,
                                               const Transports* transports,
                                               std::string_view device_name, bool yes, bool json) {
    std::vector<PortCandidate> outputs;
    std::optional<bool> os_says_usb;
    for (const auto& p : opened.listed) {
        if (p.direction != transport::PortDirection::output) {
            continue;
        }
        outputs.push_back(PortCandidate{p.name, p.os_says_usb});
        if (p.name == opened.ports.output) {
            os_says_usb = p.os_says_usb;
        }
    }
    auto choice = choose_link(asked, PortCandidate{opened.ports.output, os_says_usb}, outputs,
                              transports, device_name);
    if (!choice) {
        return CliError{kExitRefused, choice.error().message + "; nothing was sent"};
    }
    if (!choice->usb_port_available) {
        return *choice;
    }
    const std::string why = fmt::format(
        "{}'s own USB port '{}' is connected, but the bytes would go over DIN through '{}': "
        "slower (each message also waits 320 µs per byte on the cable) and one more cable and "
        "interface that can drop bytes",
        device_name, *choice->usb_port_available, opened.ports.output);
    if (yes) {
        if (!json) {
            fmt::print(stderr, "note: {}; going ahead over DIN (--yes).\n", why);
        }
        return *choice;
    }
    if (!json && ::isatty(STDIN_FILENO) == 1 && stderr_is_terminal()) {
        fmt::print(stderr, "{}.\nSend over DIN anyway? [y/N] ", why);
        std::fflush(stderr);
        char line[16] = {};
        if (std::fgets(line, sizeof line, stdin) != nullptr && (line[0] == 'y' || line[0] == 'Y')) {
            return *choice;
        }
        return CliError{kExitRefused, fmt::format("not sent; use --port '{}' for the USB port",
                                                  *choice->usb_port_available)};
    }
    return CliError{kExitRefused,
                    fmt::format("{}. Nothing was sent: use --port '{}', or add --yes to send over "
                                "DIN anyway",
                                why, *choice->usb_port_available)};
}

const std::atomic<bool>& install_interrupt_flag() {
    // Without SA_RESTART: a blocking read (a question on the terminal) returns EINTR, so Ctrl-C
    // ends any wait instead of being noted while the read carries on.
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    ::sigaction(SIGINT, &action, nullptr);
    struct sigaction terminate {};
    terminate.sa_handler = on_terminate;
    sigemptyset(&terminate.sa_mask);
    terminate.sa_flags = 0;
    ::sigaction(SIGTERM, &terminate, nullptr);
    ::sigaction(SIGHUP, &terminate, nullptr);
    return g_interrupted;
}

const std::atomic<bool>& second_interrupt_flag() {
    return g_interrupted_again;
}

int stop_signal() {
    return g_stop_signal.load();
}

std::string stop_reason() {
    switch (g_stop_signal.load()) {
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP (the terminal went away)";
    default:
        return "a second Ctrl-C";
    }
}

int cancelled_exit_code() {
    const int signal = g_stop_signal.load();
    return signal != 0 ? 128 + signal : kExitCancelled;
}

void emit_event(const nlohmann::json& event) {
    // Invalid UTF-8 (a file name in another encoding, bytes quoted from a device) is replaced,
    // not thrown: an event must never end a transfer as an "internal error".
    const std::string line = engine::json_text(event);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

namespace {
thread_local bool t_terminal_control = false;
} // namespace

void write_terminal_control(std::FILE* stream, std::string_view control) {
    std::fflush(stream); // what was printed before goes out filtered
    t_terminal_control = true;
    std::fwrite(control.data(), 1, control.size(), stream);
    std::fflush(stream);
    t_terminal_control = false;
}

bool writing_terminal_control() {
    return t_terminal_control;
}

bool stderr_is_terminal() {
    return ::isatty(STDERR_FILENO) == 1;
}

std::string format_duration(std::chrono::nanoseconds d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms < 10'000) {
        return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
    }
    const auto s = ms / 1000;
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string format_bytes(std::uint64_t bytes) {
    if (bytes < 1024) {
        return fmt::format("{} B", bytes);
    }
    if (bytes < 1024 * 1024) {
        return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0);
    }
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

ProgressBar::ProgressBar(bool enabled) : m_enabled(enabled) {}

ProgressBar::~ProgressBar() {
    finish();
}

void ProgressBar::update(std::size_t messages_done, std::size_t message_count,
                         std::uint64_t bytes_done, std::uint64_t total_bytes,
                         std::optional<std::chrono::nanoseconds> eta) {
    if (!m_enabled) {
        return;
    }
    constexpr int kWidth = 30;
    const double fraction =
        total_bytes == 0 ? 1.0 : static_cast<double>(bytes_done) / static_cast<double>(total_bytes);
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    const std::string counts = message_count == 0
                                   ? fmt::format("{} msgs", messages_done)
                                   : fmt::format("{}/{} msgs", messages_done, message_count);
    const std::string size = total_bytes == 0 ? format_bytes(bytes_done)
                                              : fmt::format("{}/{}", format_bytes(bytes_done),
                                                            format_bytes(total_bytes));
    // Only the bar's own carriage return and erase-to-end-of-line reach the terminal as controls;
    // everything else printed is made terminal-safe (main.cpp).
    write_terminal_control(stderr, "\r");
    fmt::print(stderr, "[{}] {}  {}{}", bar, counts, size,
               eta ? fmt::format("  ETA {}", format_duration(*eta)) : std::string{});
    write_terminal_control(stderr, "\x1b[K");
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish() {
    if (m_enabled && m_drawn) {
        fmt::print(stderr, "\n");
        m_drawn = false;
    }
}

} // namespace syx::cli
