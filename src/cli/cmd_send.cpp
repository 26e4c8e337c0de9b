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
    // --device: the manifest's pacing for the link (explicit --gap-ms/--rate still win).
    std::optional<CatalogueEntry> device;
    if (!args.device.empty()) {
        auto load = engine::load_device_catalogue();
        const auto* entry = load.catalogue.find(args.device);
        if (entry == nullptr) {
            std::string ids;
            for (const auto& id : load.catalogue.ids()) {
                ids += "\n  " + id;
            }
            fmt::print(stderr, "syxflash-cli send: unknown device '{}'. Known devices:{}\n",
                       args.device, ids);
            return kExitUsage;
        }
        device = *entry;
    }
    auto loaded_or = load_file(args.file);
    if (auto* err = std::get_if<CliError>(&loaded_or)) {
        fmt::print(stderr, "syxflash-cli send: {}\n", err->message);
        return err->exit_code;
    }
    const auto& loaded = std::get<SysexFile>(loaded_or);

    auto opened = open_for_transfer(args.transport, true, false);
    if (auto* err = std::get_if<CliError>(&opened)) {
        fmt::print(stderr, "syxflash-cli send: {}\n", err->message);
        return err->exit_code;
    }
    auto& t = std::get<OpenedTransport>(opened);
    const bool json = args.transport.json;

    // Which link carries the bytes: as given, else what the port is (an interface means a DIN
    // cable, so DIN wire time applies), else the device's preference; DIN while the device's own
    // USB port is connected needs a yes.
    auto decided =
        decide_link(t, link, device ? &device->manifest.transports : nullptr,
                    device ? device->manifest.name : std::string("the device"), args.yes, json);
    if (auto* err = std::get_if<CliError>(&decided)) {
        fmt::print(stderr, "syxflash-cli send: {}\n", err->message);
        return err->exit_code;
    }
    link = std::get<LinkChoice>(decided).link;

    engine::TransferOptions options;
    options.pacer.link = *link;
    if (device) {
        if (const auto* pacing = device->manifest.pacing.for_link(*link)) {
            options.pacer.rules = pacing->rules;
        }
    }
    if (args.gap_given || !device) {
        options.pacer.rules.gap_after_message = std::chrono::milliseconds(std::max(args.gap_ms, 0));
    }
    if (args.rate > 0) {
        options.pacer.rules.max_bytes_per_second = args.rate;
    }
    if (args.chunk_bytes > 0) {
        options.pacer.rules.chunk_bytes = args.chunk_bytes;
    }
    options.pacer.use_smf_times = args.smf_timing;
    const auto& interrupted = install_interrupt_flag();
    options.cancel = &interrupted;
    ProgressBar bar(!json && stderr_is_terminal());
    options.on_progress = [&](const engine::TransferProgress& p) {
        if (json) {
            emit_event(
                {{"event", p.messages_done == 0 ? "start" : "progress"},
                 {"messages_done", p.messages_done},
                 {"message_count", p.message_count},
                 {"bytes_done", p.bytes_done},
                 {"total_bytes", p.total_bytes},
                 {"elapsed_ms", std::chrono::duration<double, std::milli>(p.elapsed).count()},
                 {"eta_ms", std::chrono::duration<double, std::milli>(p.eta).count()}});
        }
        bar.update(p.messages_done, p.message_count, p.bytes_done, p.total_bytes, p.eta);
    };

    std::vector<std::span<const std::uint8_t>> views;
    std::vector<std::optional<double>> seconds;
    views.reserve(loaded.messages.size());
    for (const auto& m : loaded.messages) {
        views.push_back(loaded.bytes_of(m));
        seconds.push_back(m.seconds);
    }
    std::uint64_t total_bytes = 0;
    for (const auto& v : views) {
        total_bytes += v.size();
    }
    if (!json) {
        fmt::print(stderr, "Sending {} message(s), {} to '{}' over {} (gap {} ms at the device)\n",
                   views.size(), format_bytes(total_bytes), t.ports.output, to_string(*link),
                   options.pacer.rules.gap_after_message.count());
    }
    auto report_or = engine::send_messages(*t.transport, views, options, seconds);
    bar.finish();
    t.transport->close();
    if (!report_or) {
        const auto& e = report_or.error();
        if (json) {
            emit_event({{"event", "result"},
                        {"ok", false},
                        {"exit_code", kExitRefused},
                        {"messages_sent", 0},
                        {"error", e.message}});
        }
        fmt::print(stderr, "syxflash-cli send: {}; nothing was sent\n", e.message);
        return kExitRefused;
    }
    const auto& report = *report_or;
    int exit_code = kExitSuccess;
    std::string summary;
    if (report.cancelled) {
        exit_code = kExitCancelled;
        summary = fmt::format("cancelled: sent {} of {} message(s) ({}); messages {}–{} were not "
                              "sent. The last message sent went out whole.",
                              report.messages_sent, views.size(), format_bytes(report.bytes_sent),
                              report.messages_sent + 1, views.size());
    } else if (report.error) {
        exit_code = kExitTransferFailed;
        summary = fmt::format("failed: {}. Sent {} of {} message(s) completely. If this was a "
                              "firmware update, do not power the device off: reconnect it and "
                              "send the whole file again (slower: a larger --gap-ms, or --link din "
                              "pacing), or follow the device's recovery steps.",
                              report.error->message, report.messages_sent, views.size());
    } else {
        summary =
            fmt::format("sent {} message(s), {} in {} (plan {}, floor {})", report.messages_sent,
                        format_bytes(report.bytes_sent), format_duration(report.elapsed),
                        format_duration(report.plan.duration), format_duration(report.plan.floor));
    }
    if (json) {
        emit_event(
            {{"event", "result"},
             {"ok", exit_code == kExitSuccess},
             {"exit_code", exit_code},
             {"messages_sent", report.messages_sent},
             {"message_count", views.size()},
             {"link", to_string(*link)},
             {"bytes_sent", report.bytes_sent},
             {"elapsed_ms", std::chrono::duration<double, std::milli>(report.elapsed).count()},
             {"plan_ms", std::chrono::duration<double, std::milli>(report.plan.duration).count()},
             {"floor_ms", std::chrono::duration<double, std::milli>(report.plan.floor).count()},
             {"chunk_bytes", report.plan.chunk_size},
             {"port", t.ports.output},
             {"summary", summary}});
    } else {
        fmt::print(exit_code == kExitSuccess ? stdout : stderr, "{}\n", summary);
    }
    return exit_code;
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
                       "Device id (see 'syxflash-cli devices'): use its manifest's pacing");
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
