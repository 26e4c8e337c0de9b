// syxflash-cli send: a wire-correct `amidi -s -i`: send a SysEx file with the gap the device
// needs *at its input* (DESIGN.md §6).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "core/link.hpp"
#include "engine/data_paths.hpp"
#include "engine/flow_gates.hpp"
#include "engine/sysex_file_reader.hpp"
#include "engine/transfer.hpp"

namespace syx::cli {
namespace {

struct SendArgs {
    TransportArgs transport;
    std::string file;
    int gap_ms = 20;
    std::uint32_t rate = 0;
    std::string link; // empty = from the port / device
    std::string device;
    bool gap_given = false;
    std::uint32_t chunk_bytes = 0;
    bool smf_timing = false;
    bool yes = false;
    bool allow_unknown_release = false;
    std::string gap_override; // the typed phrase for going below a documented gap
};

// Any format the readers understand (raw .syx, SMF, hex text, gzip of these). A file with an
// error finding is refused with every finding listed, so a damaged file never goes half onto a
// device.
std::variant<SysexFile, CliError> load_file(const std::string& path) {
    auto file = read_sysex_file(path);
    if (!file) {
        return CliError{kExitUsage, file.error().message};
    }
    if (file->has_errors() || file->messages.empty()) {
        std::string text = fmt::format("'{}' cannot be sent as it is; nothing was sent:", path);
        for (const auto& f : file->findings) {
            if (f.severity == Severity::error) {
                text += "\n  " + describe(f);
            }
        }
        if (file->messages.empty() && !file->has_errors()) {
            text += "\n  it holds no complete SysEx message (F0 … F7)";
        }
        return CliError{kExitRefused, text};
    }
    return std::move(*file);
}

// --device: the manifest in use (a user manifest that overrides a shipped one is named) and the
// file checked against it. Nothing is opened before this passes.
std::optional<int> check_device(const SendArgs& args, const SysexFile& file,
                                std::optional<engine::ResolvedDevice>& device) {
    if (args.device.empty()) {
        return std::nullopt;
    }
    auto resolved = engine::resolve_device(args.device);
    if (!resolved) {
        fmt::print(stderr, "syxflash-cli send: {}\n", resolved.error().message);
        return kExitUsage;
    }
    auto notices = engine::enforce_gap_floor(*resolved, args.gap_override, nullptr);
    if (!notices) {
        fmt::print(stderr, "syxflash-cli send: {}\n", notices.error().message);
        return kExitUsage;
    }
    for (const auto& text : *notices) {
        fmt::print(stderr, "note: {}\n", text);
    }
    const auto gate = engine::check_send(file, args.file, resolved->manifest,
                                         resolved->manifest.transports.preferred_link(),
                                         args.allow_unknown_release);
    if (gate.refused) {
        fmt::print(stderr, "syxflash-cli send: {}\n", gate.reason);
        return kExitRefused;
    }
    device = std::move(*resolved);
    return std::nullopt;
}

// The pacing for the link: the device's, a --gap-ms never below its documented gap (unless the
// override phrase was typed), --rate and --chunk-bytes on top.
std::variant<engine::TransferOptions, CliError>
pacing_for(const SendArgs& args, const std::optional<engine::ResolvedDevice>& device, Link link) {
    engine::TransferOptions options;
    options.pacer.link = link;
    if (device) {
        if (const auto* pacing = device->manifest.pacing.for_link(link)) {
            options.pacer.rules = pacing->rules;
        }
    }
    if (args.gap_given || !device) {
        const auto floor = device ? engine::gap_floor(*device, link) : std::nullopt;
        auto decided =
            engine::apply_gap_floor(floor, std::chrono::milliseconds(args.gap_ms),
                                    fmt::format("--gap-ms {}", args.gap_ms), args.gap_override);
        if (!decided) {
            return CliError{decided.error().code == ErrorCode::usage ? kExitUsage : kExitRefused,
                            decided.error().message};
        }
        if (decided->notice) {
            fmt::print(stderr, "note: {}\n", *decided->notice);
        }
        options.pacer.rules.gap_after_message = decided->gap;
    }
    if (args.rate > 0) {
        options.pacer.rules.max_bytes_per_second = args.rate;
    }
    if (args.chunk_bytes > 0) {
        options.pacer.rules.chunk_bytes = args.chunk_bytes;
    }
    options.pacer.use_smf_times = args.smf_timing;
    return options;
}

int report_send(const SendArgs& args, const engine::TransferReport& report, std::size_t count,
                Link link, const std::string& port) {
    const bool json = args.transport.json;
    int exit_code = kExitSuccess;
    std::string summary;
    if (report.cancelled) {
        exit_code = kExitCancelled;
        summary = fmt::format("cancelled: sent {} of {} message(s) ({}); messages {}–{} were not "
                              "sent. The last message sent went out whole.",
                              report.messages_sent, count, format_bytes(report.bytes_sent),
                              report.messages_sent + 1, count);
    } else if (report.error) {
        exit_code = kExitTransferFailed;
        summary = fmt::format("failed: {}. Sent {} of {} message(s) completely. If this was a "
                              "firmware update, do not power the device off: reconnect it and "
                              "send the whole file again (slower: a larger --gap-ms, or --link din "
                              "pacing), or follow the device's recovery steps.",
                              report.error->message, report.messages_sent, count);
    } else {
        summary =
            fmt::format("sent {} message(s), {} in {} (plan {}, floor {})", report.messages_sent,
                        format_bytes(report.bytes_sent), format_duration(report.elapsed),
                        format_duration(report.plan.duration), format_duration(report.plan.floor));
    }
    if (!json) {
        fmt::print(exit_code == kExitSuccess ? stdout : stderr, "{}\n", summary);
        return exit_code;
    }
    const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    emit_event({{"event", "result"},
                {"ok", exit_code == kExitSuccess},
                {"exit_code", exit_code},
                {"messages_sent", report.messages_sent},
                {"message_count", count},
                {"link", to_string(link)},
                {"bytes_sent", report.bytes_sent},
                {"elapsed_ms", ms(report.elapsed)},
                {"plan_ms", ms(report.plan.duration)},
                {"floor_ms", ms(report.plan.floor)},
                {"chunk_bytes", report.plan.chunk_size},
                {"port", port},
                {"summary", summary}});
    return exit_code;
}

int transfer(const SendArgs& args, const SysexFile& loaded, OpenedTransport& t,
             engine::TransferOptions options) {
    const bool json = args.transport.json;
    const auto& interrupted = install_interrupt_flag();
    options.cancel = &interrupted;
    ProgressBar bar(!json && stderr_is_terminal());
    options.on_progress = [&](const engine::TransferProgress& p) {
        const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
        if (json) {
            emit_event({{"event", p.messages_done == 0 ? "start" : "progress"},
                        {"messages_done", p.messages_done},
                        {"message_count", p.message_count},
                        {"bytes_done", p.bytes_done},
                        {"total_bytes", p.total_bytes},
                        {"elapsed_ms", ms(p.elapsed)},
                        {"eta_ms", ms(p.eta)}});
        }
        bar.update(p.messages_done, p.message_count, p.bytes_done, p.total_bytes, p.eta);
    };
    std::vector<std::span<const std::uint8_t>> views;
    std::vector<std::optional<double>> seconds;
    std::uint64_t total_bytes = 0;
    for (const auto& m : loaded.messages) {
        views.push_back(loaded.bytes_of(m));
        seconds.push_back(m.seconds);
        total_bytes += views.back().size();
    }
    if (!json) {
        fmt::print(stderr, "Sending {} message(s), {} to '{}' over {} (gap {} ms at the device)\n",
                   views.size(), format_bytes(total_bytes), t.ports.output,
                   to_string(options.pacer.link), options.pacer.rules.gap_after_message.count());
    }
    auto report_or = engine::send_messages(*t.transport, views, options, seconds);
    bar.finish();
    t.transport->close();
    if (!report_or) {
        if (json) {
            emit_event({{"event", "result"},
                        {"ok", false},
                        {"exit_code", kExitRefused},
                        {"messages_sent", 0},
                        {"error", report_or.error().message}});
        }
        fmt::print(stderr, "syxflash-cli send: {}; nothing was sent\n", report_or.error().message);
        return kExitRefused;
    }
    return report_send(args, *report_or, views.size(), options.pacer.link, t.ports.output);
}

int run_send(const SendArgs& args) {
    std::optional<Link> link;
    if (!args.link.empty()) {
        link = parse_link(args.link);
        if (!link) {
            fmt::print(stderr, "syxflash-cli send: --link must be usb or din, not '{}'\n",
                       args.link);
            return kExitUsage;
        }
    }
    if (args.gap_ms < 0) {
        fmt::print(stderr, "syxflash-cli send: --gap-ms {}: a gap cannot be negative\n",
                   args.gap_ms);
        return kExitUsage;
    }
    auto loaded_or = load_file(args.file);
    if (auto* err = std::get_if<CliError>(&loaded_or)) {
        fmt::print(stderr, "syxflash-cli send: {}\n", err->message);
        return err->exit_code;
    }
    const auto& loaded = std::get<SysexFile>(loaded_or);
    std::optional<engine::ResolvedDevice> device;
    if (auto code = check_device(args, loaded, device)) {
        return *code;
    }
    auto opened = open_for_transfer(args.transport, true, false);
    if (auto* err = std::get_if<CliError>(&opened)) {
        fmt::print(stderr, "syxflash-cli send: {}\n", err->message);
        return err->exit_code;
    }
    auto& t = std::get<OpenedTransport>(opened);
    // Which link carries the bytes: as given, else what the port is (an interface means a DIN
    // cable, so DIN wire time applies), else the device's preference; DIN while the device's own
    // USB port is connected needs a yes.
    auto decided = decide_link(t, link, device ? &device->manifest.transports : nullptr,
                               device ? device->manifest.name : std::string("the device"), args.yes,
                               args.transport.json);
    if (auto* err = std::get_if<CliError>(&decided)) {
        fmt::print(stderr, "syxflash-cli send: {}\n", err->message);
        return err->exit_code;
    }
    auto options = pacing_for(args, device, std::get<LinkChoice>(decided).link);
    if (auto* err = std::get_if<CliError>(&options)) {
        t.transport->close();
        fmt::print(stderr, "syxflash-cli send: {}\n", err->message);
        return err->exit_code;
    }
    return transfer(args, loaded, t, std::get<engine::TransferOptions>(options));
}

const CommandRegistrar kRegistrar{Command{
    "send", "Send a .syx file with the gap the device needs at its input", 60,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<SendArgs>();
        sub.add_option("FILE", args->file, "The .syx file (complete F0 … F7 messages)")->required();
        add_transport_options(sub, args->transport);
        auto* gap = sub.add_option(
            "--gap-ms", args->gap_ms,
            "Silence the device needs between one message's F7 and the next F0 (default 20, or "
            "the device manifest's with --device)");
        gap->each([args](const std::string&) { args->gap_given = true; });
        sub.add_option("--device", args->device,
                       "Device id (see 'syxflash-cli devices'): check the file against its "
                       "manifest and use its pacing (a --gap-ms below its documented gap is "
                       "refused)");
        sub.add_flag("--allow-unknown-release", args->allow_unknown_release,
                     "With --device: send firmware that passes every check but is not a release "
                     "the manifest knows");
        sub.add_option("--below-gap-floor", args->gap_override,
                       fmt::format("Go below the device's documented gap: type \"{}\"",
                                   engine::kGapFloorOverridePhrase));
        sub.add_option("--rate", args->rate, "Byte-rate cap in bytes per second (0 = none)");
        sub.add_option("--link", args->link,
                       "usb: the device's own USB port; din: through a MIDI interface, so each "
                       "message also takes 320 µs per byte on the cable (default: din when the "
                       "port is a MIDI interface, else usb)");
        sub.add_option("--chunk-bytes", args->chunk_bytes,
                       "Split long messages into pieces of this size (rounded to a multiple of 3)");
        sub.add_flag("--yes,-y", args->yes,
                     "Go ahead over DIN even though the device's own USB port is connected "
                     "(without it: asked on a terminal, refused otherwise)");
        sub.add_flag("--smf-timing", args->smf_timing,
                     "Use the file's own message times when it carries them (never faster than "
                     "the gap)");
        sub.footer("Unlike 'amidi -s -i', the gap is kept at the device: DIN wire time and the\n"
                   "MIDI system's own delivery jitter (a JACK period) are added, against absolute\n"
                   "deadlines. Ctrl-C stops between messages (exit 130).\n"
                   "Examples:\n"
                   "  syxflash-cli send firmware.syx --port MIDIFly --gap-ms 150\n"
                   "  syxflash-cli send bank.syx --port UM-ONE --link din --json\n"
                   "  syxflash-cli send os.syx --port phatty --device moog-little-phatty");
        return [args] { return run_send(*args); };
    }}};

} // namespace
} // namespace syx::cli
