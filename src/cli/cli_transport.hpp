#pragma once
// Shared plumbing for the transfer subcommands (ports, identify, send, receive): the --api/--port
// options, port matching, opening a transport (with --trace), Ctrl-C, JSON Lines and the progress
// bar.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/link_choice.hpp"
#include "core/result.hpp"
#include "transport/midi_transport.hpp"

namespace CLI {
class App;
}

namespace syx::cli {

struct TransportArgs {
    std::string api;     // empty = platform default
    std::string port;    // case-insensitive substring of an output and/or input port
    std::string in_port; // overrides the input side
    std::string trace;   // JSON Lines trace of everything sent and received
    bool json = false;
    // --api emulated only: faults injected into the emulated device, and their random seed.
    std::vector<std::string> faults;
    std::uint64_t seed = 1;
};

// Adds --api, --port (required unless `port_optional`), --in-port, --trace, --fault, --seed,
// --json.
void add_transport_options(CLI::App& sub, TransportArgs& args, bool with_ports = true);

// "alsa, jack, coremidi, winmm, emulated": the --api names.
std::string api_names();

// The platform's usual api: alsa on Linux, coremidi on macOS, winmm on Windows.
transport::MidiApi default_api();

// A command's failure, carrying the exit code to return.
struct CliError {
    int exit_code;
    std::string message;
};

// Parses --api (usage error listing valid names). The ALSA api on a machine without an ALSA
// sequencer is a usage error saying so, with what to use instead.
[[nodiscard]] std::optional<CliError> parse_api_arg(const TransportArgs& args,
                                                    transport::MidiApi& api);

// make_transport for the api, wrapped in the recording decorator when --trace was given.
Result<std::unique_ptr<transport::MidiTransport>> open_backend(transport::MidiApi api,
                                                               const std::string& trace);

struct ResolvedPorts {
    std::string output;
    std::string input;
};

// Matches --port/--in-port against the listed ports. An exact name wins; otherwise a single
// case-insensitive substring match; none or several is a usage error listing the candidates.
std::variant<ResolvedPorts, CliError> resolve_ports(const std::vector<transport::PortInfo>& ports,
                                                    const TransportArgs& args, bool need_output,
                                                    bool need_input);

struct OpenedTransport {
    transport::MidiApi api{};
    std::unique_ptr<transport::MidiTransport> transport;
    ResolvedPorts ports;
    // Every port listed when the ports were opened (to see whether the device's own USB port is
    // there when the user picked another).
    std::vector<transport::PortInfo> listed;
};

// --api → backend → list → match → open. `callback` (may be empty) is installed before opening.
// `input_optional` (a device that never answers): when no input port matches --port and no
// --in-port is given, only the output is opened (a one-way cable; ports.input stays empty).
std::variant<OpenedTransport, CliError>
open_for_transfer(const TransportArgs& args, bool need_output, bool need_input,
                  transport::ReceiveCallback callback = {},
                  std::size_t max_input_message_bytes = 1024 * 1024, bool input_optional = false);

// The link for the opened output port (core/link_choice.hpp): --link when given, else what the
// port is (an interface means DIN wire time), else the device's preference. DIN while the
// device's own USB port is listed is the user's call: with --yes it goes ahead with a note; on a
// terminal it asks; otherwise it is refused (exit 3, nothing sent) saying which port to use.
// `transports` is the chosen device's, or nullptr when no device is known.
std::variant<LinkChoice, CliError> decide_link(const OpenedTransport& opened,
                                               std::optional<Link> asked,
                                               const Transports* transports,
                                               std::string_view device_name, bool yes, bool json);

// SIGINT sets this flag (first Ctrl-C); a second Ctrl-C sets second_interrupt_flag() (the
// session runner's stop_flag: stop now and journal where it stood); a third gets the default
// action. SIGTERM and SIGHUP set both at once (stop at the next safe point); the same signal
// again gets the default action.
const std::atomic<bool>& install_interrupt_flag();
const std::atomic<bool>& second_interrupt_flag();
// The SIGTERM or SIGHUP that stopped the run, 0 when none did.
int stop_signal();
// Why the run was told to stop now, for the journal: "SIGTERM", "SIGHUP (…)", "a second Ctrl-C".
std::string stop_reason();
// The exit code of a cancelled run: 128 + the signal that stopped it (143 SIGTERM, 129 SIGHUP),
// else 130 (Ctrl-C).
int cancelled_exit_code();

// One JSON Lines event on stdout, flushed.
void emit_event(const nlohmann::json& event);

// A one-line progress bar on stderr when it is a terminal; a no-op otherwise.
class ProgressBar {
public:
    explicit ProgressBar(bool enabled);
    ~ProgressBar();
    void update(std::size_t messages_done, std::size_t message_count, std::uint64_t bytes_done,
                std::uint64_t total_bytes, std::optional<std::chrono::nanoseconds> eta);
    void finish();

private:
    bool m_enabled;
    bool m_drawn = false;
};

// Writes our own terminal controls (the progress bar's "\r", erase-line) past the filter that
// makes every other output terminal-safe (main.cpp, engine/terminal_text.hpp); what the stream
// held before is flushed first, filtered.
void write_terminal_control(std::FILE* stream, std::string_view control);
// True while write_terminal_control() writes, on its thread (the output streams ask).
bool writing_terminal_control();

// Whether stderr is a terminal.
bool stderr_is_terminal();

std::string format_duration(std::chrono::nanoseconds d); // "1:05" / "0.4 s"
std::string format_bytes(std::uint64_t bytes);           // "17.2 KiB"

} // namespace syx::cli
