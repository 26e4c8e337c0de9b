// The WizardEngine's hardware mode: port discovery, ranking for the chosen device, choosing a
// port (with the DIN warning), Detect (identity requests) and the loopback self-test. All of it
// runs on the engine's worker thread (DESIGN.md §2): the UI only sees the published snapshot.
#include <algorithm>

#include <fmt/core.h>

#include "core/device_ports.hpp"
#include "core/hash.hpp"
#include "core/link_choice.hpp"
#include "engine/transfer_backends.hpp"
#include "gui/timed_transport.hpp"
#include "gui/wizard_engine.hpp"

namespace syx::gui {

namespace {

std::string badge_for(const PortClassification& c, const std::string& device_name) {
    switch (c.kind) {
    case PortKind::device_usb:
        return c.matches_device && !device_name.empty()
                   ? fmt::format("the {}'s own USB port", device_name)
                   : std::string("a USB-MIDI device");
    case PortKind::interface:
        return "MIDI interface, so DIN";
    case PortKind::virtual_port:
        return "virtual (software) port";
    case PortKind::unknown:
        break;
    }
    return "kind not known";
}

std::string identity_text(const IdentityReply& r) {
    std::string text = "manufacturer " + to_spaced_hex(r.manufacturer);
    if (const auto family = r.family_code()) {
        text += fmt::format(", family {}", *family);
    }
    if (const auto member = r.member_code()) {
        text += fmt::format(", member {}", *member);
    }
    if (!r.version.empty()) {
        text += ", version " + to_spaced_hex(r.version);
    }
    return text;
}

std::string pacing_text(const Manifest& m, Link link) {
    const auto* p = m.pacing.for_link(link);
    if (p == nullptr) {
        return "no pacing rules";
    }
    std::string text = fmt::format("{} ms after each message", p->rules.gap_after_message.count());
    if (p->rules.max_bytes_per_second) {
        text += fmt::format(", at most {} bytes/s", *p->rules.max_bytes_per_second);
    }
    return text;
}

} // namespace

Result<std::unique_ptr<transport::MidiTransport>>
WizardEngine::new_transport(transport::MidiApi api) const {
    if (m_hardware.make_transport) {
        return m_hardware.make_transport(api);
    }
    engine::register_transport_backends();
    return transport::make_transport(api);
}

transport::OpenOptions WizardEngine::open_options() const {
    // The worker is the only writer of FlowView::port, so it may read it without the lock.
    transport::OpenOptions o;
    o.output_port = m_flow.port;
    o.input_port = m_input_port.empty() ? m_flow.port : m_input_port;
    return o;
}

void WizardEngine::discover() {
    std::vector<std::string> reasons;
    std::optional<transport::MidiApi> found;
    std::vector<transport::PortInfo> ports;
    for (const auto api : m_hardware.apis) {
        const char* name = transport::to_string(api);
        auto made = new_transport(api);
        if (!made) {
            reasons.push_back(fmt::format("{}: not available", name));
            log(fmt::format("MIDI api {}: {}", name, made.error().message));
            continue;
        }
        auto listed = (*made)->list_ports();
        if (!listed) {
            reasons.push_back(fmt::format("{}: not available", name));
            log(fmt::format("MIDI api {}: {}", name, listed.error().message));
            continue;
        }
        const auto real = std::count_if(listed->begin(), listed->end(), [](const auto& p) {
            return p.direction == transport::PortDirection::output &&
                   classify_port(p.name, p.os_says_usb).kind != PortKind::virtual_port;
        });
        if (real == 0) {
            reasons.push_back(
                listed->empty()
                    ? fmt::format("{}: no ports", name)
                    : fmt::format("{}: only software ports such as Midi Through", name));
            continue;
        }
        found = api;
        ports = std::move(*listed);
        break;
    }
    std::string joined;
    for (const auto& r : reasons) {
        joined += (joined.empty() ? "" : "; ") + r;
    }
    const RunMode before = m_mode;
    {
        std::lock_guard lock(m_mutex);
        m_api = found;
        m_ports = ports;
        m_hw.scanned = true;
        m_hw.api = found ? transport::to_string(*found) : "";
        if (found) {
            m_mode = RunMode::hardware;
            m_mode_reason.clear();
            m_log.push_back(fmt::format("Hardware mode: {} MIDI ports via {}.", ports.size(),
                                        transport::to_string(*found)));
        } else {
            m_mode = RunMode::simulated;
            m_mode_reason = fmt::format(
                "No MIDI ports found ({}): practising with the built-in emulator. Connect the "
                "instrument and choose Rescan.",
                joined.empty() ? "no MIDI api to try" : joined);
            m_hw.ports.clear();
            m_hw.din_warning.reset();
            m_log.push_back(m_mode_reason);
        }
    }
    const std::string selected = m_flow.device_id;
    if (!selected.empty() && before != m_mode) {
        // Simulated ↔ hardware: the device's transport changes, so start its flow again.
        select_device(selected);
        return;
    }
    rank_hardware_ports();
}

void WizardEngine::rank_hardware_ports() {
    std::vector<PortCandidate> candidates;
    std::vector<std::string> inputs;
    for (const auto& p : m_ports) {
        if (p.direction == transport::PortDirection::output) {
            candidates.push_back({p.name, p.os_says_usb});
        } else {
            inputs.push_back(p.name);
        }
    }
    const Manifest* m = manifest();
    const auto ranked = m != nullptr ? rank_ports_for(candidates, *m) : rank_ports(candidates, {});
    std::vector<PortRow> rows;
    for (const auto& r : ranked) {
        PortRow row;
        row.output = candidates[r.index].name;
        row.input = paired_input_port(row.output, inputs).value_or("");
        row.kind = r.classification.kind;
        row.badge = badge_for(r.classification, m != nullptr ? m->name : "");
        row.reason = r.reason;
        row.known_bad = r.classification.known_bad.value_or("");
        row.matches_device =
            r.classification.kind == PortKind::device_usb && r.classification.matches_device;
        row.recommended = r.recommended;
        row.usable = r.usable;
        row.chosen = row.output == m_flow.port;
        rows.push_back(std::move(row));
    }
    std::lock_guard lock(m_mutex);
    m_hw.ports = std::move(rows);
}

void WizardEngine::hardware_select(const Manifest& m) {
    if (m_transport) {
        m_transport->close();
        m_transport.reset();
    }
    m_input_port.clear();
    {
        std::lock_guard lock(m_mutex);
        if (m_device) {
            m_device->set_display_listener({});
        }
        m_device.reset(); // no emulated panel: the real instrument is on the desk
        m_flow.port.clear();
        m_flow.port_badge.clear();
        m_flow.port_reason = "Choose the port " + m.name + " is connected to.";
        m_hw.din_warning.reset();
        m_hw.self_test = {};
    }
    rank_hardware_ports();
    // The best port is taken for the user when it is a real one; they can change it.
    for (const auto& row : m_hw.ports) {
        if (row.recommended && row.usable && row.kind != PortKind::virtual_port) {
            choose_port(row.output, false);
            break;
        }
    }
}

void WizardEngine::choose_port(const std::string& output, bool confirm_din) {
    const Manifest* m = manifest();
    if (m == nullptr || !m_api) {
        log("Choose a device first; ports are chosen for a device.");
        return;
    }
    const auto it = std::find_if(m_hw.ports.begin(), m_hw.ports.end(),
                                 [&](const PortRow& r) { return r.output == output; });
    if (it == m_hw.ports.end()) {
        log(fmt::format("Port '{}' is not listed any more; choose Rescan.", output));
        return;
    }
    const PortRow row = *it;
    if (!row.usable) {
        log(fmt::format("Not using '{}': {}.", output, row.reason));
        return;
    }
    // One rule for the CLI and the wizard (core/link_choice): what the port is decides the link,
    // a DIN-only device gets DIN, and DIN while the device's own USB port is connected is asked.
    std::vector<PortCandidate> outputs;
    std::optional<bool> os_says_usb;
    for (const auto& p : m_ports) {
        if (p.direction == transport::PortDirection::output) {
            outputs.push_back({p.name, p.os_says_usb});
            if (p.name == output) {
                os_says_usb = p.os_says_usb;
            }
        }
    }
    const auto choice = syx::choose_link(std::nullopt, PortCandidate{output, os_says_usb}, outputs,
                                         &m->transports, m->name);
    if (!choice) {
        log(fmt::format("Not using '{}': {}.", output, choice.error().message));
        return;
    }
    if (choice->usb_port_available && !confirm_din && output != m_flow.port) {
        std::string eta;
        {
            std::lock_guard lock(m_mutex);
            if (m_flow.firmware.loaded) {
                eta = fmt::format(" For the chosen firmware: {} instead of {}.",
                                  m_flow.firmware.eta_din, m_flow.firmware.eta_usb);
            }
        }
        DinWarning warning;
        warning.port = output;
        warning.text = fmt::format(
            "{} has its own USB port, and it is connected ('{}'). Through the MIDI interface a "
            "DIN cable carries the bytes instead: at most 3125 bytes/s and the DIN pacing ({}) "
            "instead of USB's ({}), so every transfer is slower.{} Cheap interfaces may also "
            "drop bytes. Use the USB port unless it does not work.",
            m->name, *choice->usb_port_available, pacing_text(*m, Link::din),
            pacing_text(*m, Link::usb), eta);
        std::lock_guard lock(m_mutex);
        m_hw.din_warning = std::move(warning);
        m_log.push_back(fmt::format("DIN port '{}' chosen while the USB port is connected: "
                                    "asking for confirmation.",
                                    output));
        return;
    }
    const Link link = choice->link;
    auto made = new_transport(*m_api);
    if (!made) {
        log("Port not opened: " + made.error().message);
        return;
    }
    if (m_transport) {
        m_transport->close();
    }
    m_transport = std::make_unique<TimedTransport>(std::move(*made), m_times);
    m_transport->set_receive_callback(engine::SessionMailbox::callback(m_mailbox));
    m_input_port = row.input;
    transport::OpenOptions options;
    options.output_port = row.output;
    options.input_port = row.input;
    const auto opened = m_transport->open(options);
    m_link = link;
    std::lock_guard lock(m_mutex);
    m_flow.port = row.output;
    m_flow.port_badge = row.badge;
    m_flow.port_reason =
        row.reason + (row.input.empty()
                          ? ". No input port belongs to it: nothing the device sends can arrive."
                          : fmt::format(". Replies arrive on '{}'.", row.input));
    if (!opened) {
        m_flow.port_reason += " It did not open just now: " + opened.error().message;
    }
    m_flow.link = link;
    m_hw.din_warning.reset();
    for (auto& r : m_hw.ports) {
        r.chosen = r.output == row.output;
    }
    m_log.push_back(fmt::format("Port '{}' chosen ({}); pacing for {} ({}).", row.output, row.badge,
                                link == Link::usb ? "USB" : "DIN", pacing_text(*m, link)));
}

void WizardEngine::detect_devices() {
    if (!m_api) {
        log("Detect needs real MIDI ports and none were found. Connect the instrument and "
            "choose Rescan.");
        std::lock_guard lock(m_mutex);
        m_hw.detect_ran = true;
        m_hw.detected.clear();
        return;
    }
    // List again: the instrument may have been plugged in since the last scan.
    if (auto made = new_transport(*m_api)) {
        if (auto listed = (*made)->list_ports()) {
            m_ports = std::move(*listed);
        }
    }
    rank_hardware_ports();
    std::vector<std::string> outputs;
    for (const auto& p : m_ports) {
        if (p.direction == transport::PortDirection::output &&
            classify_port(p.name, p.os_says_usb).kind != PortKind::virtual_port) {
            outputs.push_back(p.name);
        }
    }
    {
        std::lock_guard lock(m_mutex);
        m_hw.detecting = true;
        m_log.push_back(fmt::format("Detect: asking {} port(s) who is there (Identity Request).",
                                    outputs.size()));
    }
    publish();
    const auto api = *m_api;
    const auto results =
        engine::detect_identities([this, api] { return new_transport(api); }, m_ports, outputs,
                                  m_catalogue.catalogue, m_hardware.detect);
    std::vector<DetectRow> rows;
    std::vector<std::string> lines;
    for (const auto& d : results) {
        DetectRow row;
        row.output = d.output;
        row.input = d.input;
        row.device_id = d.device_id;
        row.device_name = d.device_name;
        row.problem = d.problem;
        if (d.reply) {
            row.identity = identity_text(*d.reply);
            lines.push_back(fmt::format("Detect: '{}' answered: {} ({}).", d.output,
                                        d.device_name.empty()
                                            ? std::string("a device not in the catalogue")
                                            : d.device_name,
                                        row.identity));
        } else {
            lines.push_back(fmt::format("Detect: '{}': {}.", d.output, d.problem));
        }
        rows.push_back(std::move(row));
    }
    std::lock_guard lock(m_mutex);
    m_hw.detecting = false;
    m_hw.detect_ran = true;
    m_hw.detected = std::move(rows);
    m_log.insert(m_log.end(), lines.begin(), lines.end());
}

void WizardEngine::self_test(const std::string& output) {
    SelfTestView view;
    view.port = output;
    const auto finish = [this](SelfTestView v) {
        std::lock_guard lock(m_mutex);
        m_log.push_back(fmt::format("Self-test of '{}': {}", v.port, v.summary));
        m_hw.self_test = std::move(v);
    };
    const auto it = std::find_if(m_hw.ports.begin(), m_hw.ports.end(),
                                 [&](const PortRow& r) { return r.output == output; });
    if (!m_api || it == m_hw.ports.end()) {
        view.ran = true;
        view.summary = "This port is not listed; choose Rescan.";
        finish(std::move(view));
        return;
    }
    if (it->input.empty()) {
        view.ran = true;
        view.summary = "No input port belongs to this output, so nothing can come back.";
        finish(std::move(view));
        return;
    }
    const std::string input = it->input;
    {
        std::lock_guard lock(m_mutex);
        m_hw.self_test = {output, true, false, false, "Sending test messages…"};
    }
    publish();
    view.ran = true;
    auto made = new_transport(*m_api);
    if (!made) {
        view.summary = "Could not start: " + made.error().message;
        finish(std::move(view));
        return;
    }
    auto& t = **made;
    transport::ReceiveQueue queue;
    t.set_receive_callback(queue.callback());
    transport::OpenOptions options;
    options.output_port = output;
    options.input_port = input;
    options.client_name = "syxflash-selftest";
    if (auto opened = t.open(options); !opened) {
        t.close();
        view.summary = "The port did not open: " + opened.error().message;
        finish(std::move(view));
        return;
    }
    auto report = engine::run_loopback_test(t, queue, m_hardware.loopback);
    t.close();
    if (!report) {
        view.summary = "Sending failed: " + report.error().message;
    } else {
        view.passed = report->passed;
        view.summary = report->summary;
    }
    finish(std::move(view));
}

} // namespace syx::gui
