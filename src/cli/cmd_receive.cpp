// syxflash-cli receive: record one or many SysEx dumps until the line goes quiet, then write them
// atomically. An incomplete message is reported and nothing is claimed as a complete dump.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "engine/atomic_file.hpp"
#include "engine/recorded_dump.hpp"
#include "engine/transfer_receive.hpp"

namespace syx::cli {
namespace {

struct ReceiveArgs {
    TransportArgs transport;
    std::string output;
    int idle_ms = 2000;
    int timeout_s = 60;
    bool overwrite = false;
    std::size_t max_bytes = 4 * 1024 * 1024;
};

// Records until the line goes quiet (or Ctrl-C, or nothing arrives), with progress.
engine::ReceiveReport record(const ReceiveArgs& args, OpenedTransport& t,
                             transport::ReceiveQueue& queue) {
    const bool json = args.transport.json;
    const auto& interrupted = install_interrupt_flag();
    ProgressBar bar(!json && stderr_is_terminal());
    if (json) {
        emit_event({{"event", "listening"}, {"port", t.ports.input}, {"idle_ms", args.idle_ms}});
    } else {
        fmt::print(stderr,
                   "Listening on '{}'. Start the dump on the device now; recording stops "
                   "after {} ms of silence (Ctrl-C to stop).\n",
                   t.ports.input, args.idle_ms);
    }
    engine::ReceiveOptions options;
    options.idle = std::chrono::milliseconds(std::max(args.idle_ms, 1));
    options.first_byte_timeout = std::chrono::seconds(std::max(args.timeout_s, 1));
    options.cancel = &interrupted;
    options.check_ports = [&t] { return t.transport->ports_still_present(); };
    options.on_message = [&](const engine::ReceivedSysex& m, std::size_t count,
                             std::uint64_t total) {
        if (json) {
            emit_event({{"event", "message"},
                        {"index", count - 1},
                        {"bytes", m.bytes.size()},
                        {"total_bytes", total}});
        }
        bar.update(count, 0, total, 0, std::nullopt);
    };
    auto report = engine::receive_until_idle(queue, options);
    bar.finish();
    return report;
}

struct ReceiveVerdict {
    int exit_code = kExitSuccess;
    std::string summary;
};

// The exit code and the closing line; a complete recording is written to OUT here.
ReceiveVerdict conclude(const ReceiveArgs& args, const std::string& input_port,
                        const engine::ReceiveReport& report, const std::vector<std::uint8_t>& out,
                        const engine::RecordingJudgement& judged) {
    ReceiveVerdict v{kExitSuccess, judged.problem};
    switch (judged.verdict) {
    case engine::RecordingVerdict::cancelled:
        v.exit_code = kExitCancelled;
        break;
    case engine::RecordingVerdict::port_failed:
        v.exit_code = kExitTransferFailed;
        break;
    case engine::RecordingVerdict::truncated:
        v.exit_code = kExitNoAnswer;
        v.summary += " Try again with the device's USB port, fewer other MIDI devices, or a "
                     "longer --idle-ms.";
        break;
    case engine::RecordingVerdict::nothing:
        v.exit_code = kExitNoAnswer;
        if (report.nothing_received) {
            v.summary =
                fmt::format("nothing arrived within {} s on '{}'", args.timeout_s, input_port);
        }
        break;
    case engine::RecordingVerdict::complete: {
        auto written = engine::write_file_atomically(args.output, out,
                                                     args.overwrite ? engine::Overwrite::allowed
                                                                    : engine::Overwrite::never);
        if (!written) {
            v.exit_code = written.error().code == ErrorCode::refused ? kExitUsage : kExitInternal;
            v.summary = fmt::format("received {} message(s) ({}) but could not save them: {}",
                                    report.messages.size(), format_bytes(out.size()),
                                    written.error().message);
        } else {
            v.summary = fmt::format("saved {} message(s), {} to '{}'", report.messages.size(),
                                    format_bytes(out.size()), args.output);
        }
        break;
    }
    }
    return v;
}

int run_receive(const ReceiveArgs& args) {
    transport::ReceiveQueue queue;
    auto opened = open_for_transfer(args.transport, false, true, queue.callback(), args.max_bytes);
    if (auto* err = std::get_if<CliError>(&opened)) {
        fmt::print(stderr, "syxflash-cli receive: {}\n", err->message);
        return err->exit_code;
    }
    auto& t = std::get<OpenedTransport>(opened);
    const auto report = record(args, t, queue);
    t.transport->close();

    // The verdict is shared with the wizard's Tools page (engine/recorded_dump.hpp).
    const auto judged = engine::judge_recording(report);
    const std::vector<std::uint8_t>& out = judged.bytes;
    const auto [exit_code, summary] = conclude(args, t.ports.input, report, out, judged);
    if (args.transport.json) {
        auto truncated = nlohmann::json::array();
        for (const auto& tr : report.truncated) {
            truncated.push_back({{"bytes_received", tr.bytes_received}, {"reason", tr.reason}});
        }
        emit_event({{"event", "result"},
                    {"ok", exit_code == kExitSuccess},
                    {"exit_code", exit_code},
                    {"messages", report.messages.size()},
                    {"bytes", out.size()},
                    {"truncated", truncated},
                    {"other_messages", report.other_messages},
                    {"output", exit_code == kExitSuccess ? nlohmann::json(args.output)
                                                         : nlohmann::json(nullptr)},
                    {"summary", summary}});
    } else {
        fmt::print(exit_code == kExitSuccess ? stdout : stderr, "{}\n", summary);
    }
    return exit_code;
}

const CommandRegistrar kRegistrar{Command{
    "receive", "Record SysEx dumps until the line goes quiet and save them", 70,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<ReceiveArgs>();
        add_transport_options(sub, args->transport);
        sub.add_option("-o,--output", args->output, "File to write (.syx)")->required();
        sub.add_option("--idle-ms", args->idle_ms,
                       "Stop after this much silence once something arrived")
            ->capture_default_str();
        sub.add_option("--timeout-s", args->timeout_s, "Give up when nothing arrives this long")
            ->capture_default_str();
        sub.add_flag("--overwrite", args->overwrite, "Replace OUT if it exists");
        sub.footer("The file is written atomically and only when every message arrived whole;\n"
                   "a cut-short message means exit 5 and no file.\n"
                   "Examples:\n"
                   "  syxflash-cli receive --port phatty -o phatty-bank.syx\n"
                   "  syxflash-cli receive --port 'Code 49' -o preset.syx --idle-ms 5000 --json");
        return [args] { return run_receive(*args); };
    }}};

} // namespace
} // namespace syx::cli
