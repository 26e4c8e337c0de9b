#include "gui/wizard_engine.hpp"

// The simulated device and the choice of device and link.

#include <fmt/core.h>

#include "emulator/fault_spec.hpp"

namespace syx::gui {

namespace fs = std::filesystem;

void WizardEngine::make_device(const std::vector<std::string>& faults) {
    std::string id;
    {
        std::lock_guard lock(m_mutex);
        id = m_flow.device_id;
    }
    if (id.empty()) {
        return;
    }
    auto specs = emu::parse_fault_specs(faults);
    if (!specs) {
        log("Fault not armed: " + specs.error().message);
        return;
    }
    auto device = transport::make_emulated_device_runner(id, *specs, 1);
    if (!device) {
        log("No emulator for this device: " + device.error().message);
        return;
    }
    if (m_transport) {
        m_transport->close();
    }
    m_transport = std::make_unique<PracticeTransport>(*device, m_times);
    m_input_port.clear();
    m_transport->set_receive_callback(engine::SessionMailbox::callback(m_mailbox));
    std::string spec_list;
    for (const auto& f : faults) {
        spec_list += (spec_list.empty() ? "" : ", ") + f;
    }
    {
        std::lock_guard lock(m_mutex);
        if (m_device) {
            m_device->set_display_listener({});
        }
        m_device = *device;
        // The side panel (and the autopilot's eyes) follow the display as it changes: a boot
        // screen giving way to the normal one is news even when no session step is.
        m_device->set_display_listener([this](const std::string&) { publish(); });
        m_faults = faults;
        m_flow.port = id;
        m_log.push_back(faults.empty()
                            ? fmt::format("Simulated device '{}' started (no faults).", id)
                            : fmt::format("Simulated device '{}' restarted with fault(s): {}. It "
                                          "starts again from power-on, as after a restart.",
                                          id, spec_list));
    }
}

void WizardEngine::select_device(const std::string& id) {
    const auto* entry = m_catalogue.catalogue.find(id);
    if (entry == nullptr) {
        return;
    }
    const Manifest& m = entry->manifest;
    m_link = m.transports.preferred_link();
    {
        std::lock_guard lock(m_mutex);
        auto interrupted = std::move(m_flow.interrupted); // outlives the choice of device
        m_tools.reset();
        m_flow = FlowView{};
        m_flow.interrupted = std::move(interrupted);
        m_flow.device_id = id;
        m_flow.device_name = m.name;
        m_flow.link = m_link;
        m_flow.usb_allowed = m.transports.allows(Link::usb);
        m_flow.din_allowed = m.transports.allows(Link::din);
        m_flow.port_badge = "simulated (virtual port)";
        m_flow.port_reason = "No hardware is used: the built-in emulator stands in for the " +
                             m.name +
                             ". Its behaviour follows DEVICES.md; modelled parts are marked [M].";
        m_flow.firmware_supported = m.firmware.supported;
        m_flow.firmware_reason = m.firmware.unsupported_reason;
        m_flow.backup_kind = m.backup.kind;
        m_flow.backup_steps = m.backup.steps;
        if (m.backup.kind == BackupKind::none) {
            m_flow.backup = StepState::unavailable;
            m_flow.backup_text = m.backup.reason;
        }
    }
    m_backup_file.reset();
    m_gate = {};
    m_resume_session.clear();
    if (m.backup.kind == BackupKind::none) {
        m_gate = {session::BackupGateKind::not_needed, "the device has no SysEx backup"};
    }
    if (m_mode == RunMode::hardware) {
        hardware_select(m);
    } else {
        make_device(m_faults);
    }
    refresh_library();
}

void WizardEngine::choose_link(const std::string& link) {
    const auto* m = manifest();
    const auto parsed = parse_link(link);
    if (m == nullptr || !parsed || !m->transports.allows(*parsed)) {
        return;
    }
    m_link = *parsed;
    std::lock_guard lock(m_mutex);
    m_flow.link = m_link;
    m_log.push_back(
        fmt::format("Link set to {} (pacing follows the manifest's {} rules).", link, link));
}

} // namespace syx::gui
