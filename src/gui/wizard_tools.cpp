#include "gui/wizard_tools.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/core.h>

#include "core/hash.hpp"
#include "core/midifly_settings.hpp"
#include "engine/backup_export.hpp"
#include "engine/backup_store.hpp"
#include "engine/recorded_dump.hpp"
#include "engine/sysex_file_reader.hpp"
#include "engine/transfer.hpp"
#include "engine/transfer_receive.hpp"
#include "transport/receive_queue.hpp"

namespace syx::gui {

namespace fs = std::filesystem;

namespace {

// When no device manifest names a gap: slow enough for every device we know (the MIDIFly needs
// 150 ms [C], the Octatrack 100–300 ms [R]); the user can change it.
constexpr int kSafeGapMs = 150;
// How long Receive waits for the first byte (the user starts the dump on the device).
constexpr std::chrono::seconds kFirstByteTimeout{120};

std::string plural(std::size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string bytes_text(std::uint64_t n) {
    return n < 10000 ? fmt::format("{} bytes", n)
                     : fmt::format("{:.1f} KB", static_cast<double>(n) / 1024.0);
}

std::string spaced_hex(const std::vector<std::uint8_t>& bytes) {
    std::string out;
    for (const auto b : bytes) {
        out += fmt::format("{}{:02X}", out.empty() ? "" : " ", b);
    }
    return out;
}

std::string finding_line(const Finding& f) {
    return f.message_index ? fmt::format("message {}: {}", *f.message_index + 1, f.text) : f.text;
}

// "2026-11-20T22:33:44Z" → "20261120-223344" (no ':' in file names).
std::string file_stamp() {
    std::string out;
    for (const char c : engine::format_utc(std::chrono::system_clock::now())) {
        if (c >= '0' && c <= '9') {
            out += c;
        } else if (c == 'T') {
            out += '-';
        }
    }
    return out;
}

std::string default_export_folder() {
    const auto dir = engine::documents_dir();
    return dir ? dir->string() : std::string{};
}

} // namespace

WizardTools::WizardTools(const Catalogue& catalogue, Host host)
    : m_catalogue(catalogue), m_host(std::move(host)), m_export_folder(default_export_folder()) {}

void WizardTools::reset() {
    std::lock_guard lock(m_mutex);
    m_view = ToolsView{};
    m_export_result.clear();
    m_export_ok = false;
}

void WizardTools::fill(Snapshot& next) const {
    {
        std::lock_guard lock(m_mutex);
        next.flow.tools = m_view;
        next.flow.export_result = m_export_result;
        next.flow.export_ok = m_export_ok;
    }
    next.flow.export_folder = m_export_folder;
    ToolsView& t = next.flow.tools;
    t.default_gap_ms = kSafeGapMs;
    const auto* entry = m_catalogue.find(next.flow.device_id);
    const Link link = next.flow.link;
    if (entry == nullptr) {
        t.default_gap_reason = "no device chosen: a safe 150 ms";
        return;
    }
    const auto* pacing = entry->manifest.pacing.for_link(link);
    const auto gap = pacing != nullptr ? pacing->rules.gap_after_message.count() : 0;
    if (gap <= 0) {
        t.default_gap_reason = fmt::format("the {} manifest names no gap over {}: a safe 150 ms",
                                           entry->manifest.name, to_string(link));
        return;
    }
    t.default_gap_ms = static_cast<int>(gap);
    t.default_gap_reason =
        fmt::format("from the {} manifest ({})", entry->manifest.name, to_string(link));
}

void WizardTools::finish_job(std::string_view log_prefix, std::string result, bool ok) {
    std::string line;
    {
        std::lock_guard lock(m_mutex);
        m_view.running = false;
        m_view.result = std::move(result);
        m_view.result_ok = ok;
        line = std::string(log_prefix) + m_view.result;
    }
    m_host.log(std::move(line));
}

void WizardTools::choose_file(const fs::path& path) {
    ToolsView t;
    {
        std::lock_guard lock(m_mutex);
        t = m_view;
    }
    t.file = path.string();
    t.file_messages = 0;
    t.file_bytes = 0;
    t.file_problem.clear();
    auto read = read_sysex_file(path);
    if (!read) {
        t.file_problem = read.error().message;
    } else {
        t.file_messages = read->messages.size();
        t.file_bytes = read->total_message_bytes();
        if (read->has_errors()) {
            for (const auto& f : read->findings) {
                if (f.severity == Severity::error) {
                    t.file_problem = finding_line(f);
                    break;
                }
            }
        } else if (read->messages.empty()) {
            t.file_problem = "it holds no complete SysEx message (F0 … F7)";
        }
    }
    t.recent.erase(std::remove(t.recent.begin(), t.recent.end(), t.file), t.recent.end());
    t.recent.insert(t.recent.begin(), t.file);
    if (t.recent.size() > 8) {
        t.recent.resize(8);
    }
    std::lock_guard lock(m_mutex);
    m_view = std::move(t);
}

void WizardTools::send(const intent::ToolsSend& request) {
    const auto finish = [this](std::string result, bool ok) {
        finish_job("Tools: ", std::move(result), ok);
    };
    {
        std::lock_guard lock(m_mutex);
        m_view.job = ToolJob::send;
        m_view.gaps_ms.clear();
        m_view.messages_done = 0;
        m_view.bytes_done = 0;
        m_view.gap_ms = std::max(request.gap_ms, 0);
    }
    auto file = read_sysex_file(request.path);
    if (!file) {
        finish("Nothing sent: " + file.error().message, false);
        return;
    }
    if (file->has_errors() || file->messages.empty()) {
        std::string why = "it holds no complete SysEx message (F0 … F7)";
        for (const auto& f : file->findings) {
            if (f.severity == Severity::error) {
                why = finding_line(f);
                break;
            }
        }
        finish(fmt::format("Nothing sent: '{}' cannot be sent as it is: {}", request.path, why),
               false);
        return;
    }
    const auto link = parse_link(request.link).value_or(m_host.link());
    engine::TransferOptions options;
    options.pacer.link = link;
    if (const auto* m = m_host.manifest()) {
        if (const auto* pacing = m->pacing.for_link(link)) {
            options.pacer.rules = pacing->rules; // byte rate, chunks, settle times
        }
    }
    // The user's gap wins, as --gap-ms does for `syxflash-cli send`.
    options.pacer.rules.gap_after_message = std::chrono::milliseconds(std::max(request.gap_ms, 0));
    if (auto opened = m_host.open_port(); !opened) {
        finish("Nothing sent: the port did not open: " + opened.error().message, false);
        return;
    }
    m_cancel.store(false);
    options.cancel = &m_cancel;
    options.on_progress = [this](const engine::TransferProgress& p) {
        {
            std::lock_guard lock(m_mutex);
            auto& t = m_view;
            t.running = true;
            t.messages_done = p.messages_done;
            t.message_count = p.message_count;
            t.bytes_done = p.bytes_done;
            t.total_bytes = p.total_bytes;
            t.elapsed_s = std::chrono::duration<double>(p.elapsed).count();
            t.eta_s = std::chrono::duration<double>(p.eta).count();
        }
        m_host.publish();
    };
    std::vector<std::span<const std::uint8_t>> views;
    views.reserve(file->messages.size());
    for (const auto& m : file->messages) {
        views.push_back(file->bytes_of(m));
    }
    m_host.log(fmt::format("Tools: sending {} ({}, {}) over {} with {} ms after each message",
                           request.path, plural(views.size(), "message", "messages"),
                           bytes_text(file->total_message_bytes()), to_string(link),
                           options.pacer.rules.gap_after_message.count()));
    auto report = engine::send_messages(*m_host.transport(), views, options);
    if (!report) {
        finish("Nothing sent: " + report.error().message, false);
        return;
    }
    // The silence each message left before the next, at our send(): the next start minus this
    // one's start and its time on the wire (DIN 320 µs per byte [C: 31 250 baud]).
    std::vector<float> gaps;
    const auto per_byte =
        link == Link::din ? std::chrono::microseconds{320} : std::chrono::microseconds{0};
    for (std::size_t i = 1; i < report->message_starts.size(); ++i) {
        const auto gap = report->message_starts[i] - report->message_starts[i - 1] -
                         per_byte * static_cast<long>(views[i - 1].size());
        gaps.push_back(static_cast<float>(std::chrono::duration<double, std::milli>(gap).count()));
    }
    {
        std::lock_guard lock(m_mutex);
        m_view.gaps_ms = std::move(gaps);
    }
    const std::string sent =
        fmt::format("{} of {} ({})", report->messages_sent,
                    plural(views.size(), "message", "messages"), bytes_text(report->bytes_sent));
    if (report->cancelled) {
        finish(fmt::format("Cancelled: sent {}; the rest was not sent. The last message sent "
                           "went out whole.",
                           sent),
               false);
    } else if (report->error) {
        finish(fmt::format("Failed: {}. Sent {} completely.", report->error->message, sent), false);
    } else {
        finish(fmt::format("Sent {} in {:.1f} s, at least {} ms between messages.", sent,
                           std::chrono::duration<double>(report->elapsed).count(),
                           options.pacer.rules.gap_after_message.count()),
               true);
    }
}

void WizardTools::receive(const intent::ToolsReceive& request) {
    const auto finish = [this](std::string result, bool ok) {
        finish_job("Tools: ", std::move(result), ok);
    };
    {
        std::lock_guard lock(m_mutex);
        m_view.job = ToolJob::receive;
        m_view.messages_done = 0;
        m_view.message_count = 0;
        m_view.bytes_done = 0;
        m_view.total_bytes = 0;
        m_view.received_file.clear();
    }
    const auto folder = engine::received_dumps_dir();
    if (!folder) {
        finish("Not recording: no data folder (set HOME or XDG_DATA_HOME).", false);
        return;
    }
    transport::MidiTransport* port = m_host.transport();
    if (port == nullptr) {
        finish("Not recording: choose a device on the Device page first.", false);
        return;
    }
    // The recording gets the port's input for itself; sessions get it back after.
    transport::ReceiveQueue queue;
    port->close();
    port->set_receive_callback(queue.callback());
    const auto restore_mailbox = [this, port] {
        port->close(); // after close() the queue's callback is never called again
        m_host.reattach_sessions();
        (void)m_host.open_port();
    };
    if (auto opened = m_host.open_port(); !opened) {
        restore_mailbox();
        finish("Not recording: the port did not open: " + opened.error().message, false);
        return;
    }
    m_cancel.store(false);
    {
        std::lock_guard lock(m_mutex);
        m_view.running = true;
    }
    m_host.log(fmt::format("Tools: recording; start the dump on the device now (stops after {} ms "
                           "of silence).",
                           request.idle_ms));
    m_host.publish();
    engine::ReceiveOptions options;
    options.idle = std::chrono::milliseconds(std::max(request.idle_ms, 100));
    options.first_byte_timeout = kFirstByteTimeout;
    options.cancel = &m_cancel;
    options.check_ports = [port] { return port->ports_still_present(); };
    options.on_message = [this](const engine::ReceivedSysex&, std::size_t count,
                                std::uint64_t total) {
        {
            std::lock_guard lock(m_mutex);
            m_view.messages_done = count;
            m_view.bytes_done = total;
        }
        m_host.publish();
    };
    const auto report = engine::receive_until_idle(queue, options);
    restore_mailbox();
    const auto judged = engine::judge_recording(report);
    if (judged.verdict != engine::RecordingVerdict::complete) {
        std::string problem = judged.problem;
        if (judged.verdict == engine::RecordingVerdict::nothing && report.nothing_received) {
            problem = fmt::format("nothing arrived within {} s; nothing was written",
                                  kFirstByteTimeout.count());
        } else if (judged.verdict == engine::RecordingVerdict::truncated) {
            problem += " Try again: use the device's own USB port if it has one, or a longer "
                       "idle time.";
        }
        finish("Not saved: " + problem, false);
        return;
    }
    const std::string device = m_host.device_id();
    const std::string stem = engine::sanitize_file_name(
        fmt::format("{}-{}", device.empty() ? std::string("dump") : device, file_stamp()));
    auto written = engine::write_new_file(*folder, stem, ".syx", judged.bytes);
    if (!written) {
        finish(fmt::format("Received {} but could not save it: {}",
                           plural(judged.messages, "message", "messages"), written.error().message),
               false);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_view.received_file = written->string();
    }
    finish(fmt::format(
               "Saved {} ({}) in {}. SHA-256 {}.", plural(judged.messages, "message", "messages"),
               bytes_text(judged.bytes.size()), written->string(), to_hex(sha256(judged.bytes))),
           true);
}

void WizardTools::send_midifly_setting(const intent::SendMidiflySetting& request) {
    const auto finish = [this](std::string result, bool ok) {
        finish_job("MIDIFly settings: ", std::move(result), ok);
    };
    {
        std::lock_guard lock(m_mutex);
        m_view.job = ToolJob::setting;
    }
    const auto* m = m_host.manifest();
    if (m == nullptr || m->id != "parker-midifly") {
        finish("Not sent: these messages are for a Parker MIDIFly only. Choose it on the Device "
               "page first.",
               false);
        return;
    }
    const auto* info = midifly::find_setting(request.setting);
    if (info == nullptr) {
        finish(fmt::format("Not sent: no MIDIFly setting '{}'.", request.setting), false);
        return;
    }
    if (request.channel < 0 || request.channel > 15) {
        finish(fmt::format("Not sent: channel {} is not 1–16.", request.channel + 1), false);
        return;
    }
    auto bytes =
        midifly::build_setting_message(info->setting, static_cast<std::uint8_t>(request.channel));
    if (!bytes) {
        finish("Not sent: " + bytes.error().message, false);
        return;
    }
    if (auto opened = m_host.open_port(); !opened) {
        finish("Not sent: the port did not open: " + opened.error().message, false);
        return;
    }
    engine::TransferOptions options;
    options.pacer.link = m_host.link();
    if (const auto* pacing = m->pacing.for_link(m_host.link())) {
        options.pacer.rules = pacing->rules;
    }
    m_cancel.store(false);
    options.cancel = &m_cancel;
    const std::vector<std::span<const std::uint8_t>> views{*bytes};
    auto report = engine::send_messages(*m_host.transport(), views, options);
    const std::string what = info->takes_channel
                                 ? fmt::format("{} = channel {}", info->label, request.channel + 1)
                                 : std::string(info->label);
    if (!report || !report->ok()) {
        finish(fmt::format("Not sent: {} ({}).", what,
                           !report         ? report.error().message
                           : report->error ? report->error->message
                                           : std::string("cancelled")),
               false);
        return;
    }
    finish(fmt::format("Sent {}: {}", what, spaced_hex(*bytes)), true);
}

void WizardTools::export_backup(const fs::path& file, const fs::path& folder) {
    auto exported = engine::export_backup(file, folder);
    std::string line;
    {
        std::lock_guard lock(m_mutex);
        if (!exported) {
            m_export_ok = false;
            m_export_result = "Not exported: " + exported.error().message;
        } else {
            m_export_ok = true;
            m_export_result = fmt::format(
                "Exported {} and {} to {}{}", exported->file.filename().string(),
                exported->sidecar.filename().string(), folder.string(),
                exported->renamed ? " (a suffix was added: files of that name were already there)"
                                  : "");
        }
        line = m_export_result;
    }
    m_host.log(std::move(line));
}

} // namespace syx::gui
