#include "gui/wizard_engine.hpp"

// The snapshot the UI reads: built on the publisher thread from copies taken under the lock.

#include <chrono>

#include <fmt/core.h>

namespace syx::gui {

namespace fs = std::filesystem;

namespace {

std::string confidence_tag(syx::Confidence c) {
    switch (c) {
    case syx::Confidence::confirmed:
        return "[C]";
    case syx::Confidence::reported:
        return "[R]";
    default:
        return "[M]";
    }
}

} // namespace

Snapshot WizardEngine::build_snapshot() const {
    Snapshot next = m_base;
    std::shared_ptr<transport::EmulatedDevice> device;
    std::vector<std::string> faults;
    std::shared_ptr<const engine::RunSnapshot> run;
    {
        std::lock_guard lock(m_mutex);
        next.flow = m_flow;
        next.flow.hardware = m_hw;
        next.mode = m_mode;
        next.mode_reason = m_mode_reason;
        next.log = m_log;
        device = m_device;
        faults = m_faults;
        run = m_job_run ? m_job_run : m_last_run; // a job's session, while it runs
    }
    if (run) {
        RunView view;
        view.session = run_kind(run->session);
        view.phase = run_phase(run->progress.phase);
        view.progress = run->progress;
        if (run->log) {
            const auto& lines = *run->log;
            const std::size_t from = lines.size() > 400 ? lines.size() - 400 : 0;
            view.log.assign(lines.begin() + static_cast<long>(from), lines.end());
        }
        if (run->question) {
            view.question = run->question->question;
        }
        view.outcome = run->outcome;
        view.finished = run->finished;
        view.elapsed_s = std::chrono::duration<double>(run->elapsed).count();
        const bool din = next.flow.link == Link::din;
        view.gaps_ms = m_times->gaps_ms(std::chrono::nanoseconds{din ? 320000 : 0}, 240);
        if (const auto* m = manifest()) {
            if (const auto* p = m->pacing.for_link(din ? Link::din : Link::usb)) {
                view.required_gap_ms = static_cast<float>(p->rules.gap_after_message.count());
            }
        }
        if (view.session == RunKind::update && !run->finished &&
            (view.phase == RunPhase::verify || view.phase == RunPhase::restore)) {
            next.flow.verify = StepState::running;
        }
        next.flow.run = std::move(view);
        next.transfer_running = run->critical();
    } else {
        next.flow.run.reset();
    }
    if (device) {
        EmulatedPanel panel;
        panel.device_id = device->id();
        panel.display = device->display_text();
        panel.mode = device->mode();
        panel.firmware_version = device->firmware_version_text();
        panel.port_present = device->port_present();
        for (const auto& b : device->buttons()) {
            panel.buttons.push_back({b.id, b.label, b.help});
        }
        for (const auto& n : device->notes()) {
            panel.notes.push_back(confidence_tag(n.confidence) + " " + n.text);
        }
        panel.faults = faults;
        panel.fault_events = device->fault_events();
        next.panel = std::move(panel);
    }
    m_tools.fill(next);
    next.status = next.transfer_running   ? "Sending firmware: do not power off or unplug"
                  : next.flow.engine_busy ? "Working…"
                  : next.mode == RunMode::hardware
                      ? fmt::format("Hardware mode: {} MIDI ports ({})",
                                    next.flow.hardware.ports.size(), next.flow.hardware.api)
                      : "Simulated mode: practising on an emulated device";
    return next;
}

} // namespace syx::gui
