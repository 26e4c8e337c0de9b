#include "gui/wizard_engine.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>

#include <fmt/core.h>

#include "core/backup_session.hpp"
#include "core/hash.hpp"
#include "core/pacer.hpp"
#include "core/session_validation.hpp"
#include "emulator/device_catalogue.hpp"
#include "emulator/fault_spec.hpp"
#include "emulator/modelled_firmware.hpp"
#include "engine/atomic_file.hpp"
#include "engine/backup_job.hpp"
#include "engine/backup_store.hpp"
#include "engine/flow_gates.hpp"
#include "engine/journal.hpp"
#include "engine/restore_job.hpp"
#include "engine/sysex_file_reader.hpp"
#include "engine/update_job.hpp"
#include "gui/app_options.hpp"
#include "gui/support_bundle.hpp"

namespace syx::gui {

namespace fs = std::filesystem;

namespace {

std::string finding_text(const Finding& f) {
    std::string where;
    if (f.message_index) {
        where = fmt::format(" at message {}", *f.message_index + 1);
    }
    if (f.offset) {
        where += fmt::format(" (byte {})", *f.offset);
    }
    return fmt::format("{}{}: {}", to_string(f.severity), where, f.text);
}

std::string eta_text(const SysexFile& file, const Manifest& manifest, Link link) {
    const auto* pacing = manifest.pacing.for_link(link);
    if (pacing == nullptr || !manifest.transports.allows(link)) {
        return fmt::format("{}: not supported by this device", link == Link::usb ? "USB" : "DIN");
    }
    std::vector<std::uint64_t> lengths;
    for (const auto& m : file.messages) {
        lengths.push_back(m.length);
    }
    PacerConfig config;
    config.link = link;
    config.rules = pacing->rules;
    const auto plan = make_pacing_plan(lengths, config);
    if (!plan) {
        return fmt::format("{}: cannot plan ({})", link == Link::usb ? "USB" : "DIN",
                           plan.error().message);
    }
    const double seconds = std::chrono::duration<double>(plan->duration).count();
    return fmt::format(
        "{}: about {:.0f} s ({} ms gap after each message{})",
        link == Link::usb ? "USB" : "DIN (MIDI interface)", std::max(1.0, seconds),
        pacing->rules.gap_after_message.count(),
        pacing->rules.max_bytes_per_second
            ? fmt::format(", at most {} bytes/s", *pacing->rules.max_bytes_per_second)
            : std::string());
}

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

// The answer that stops a session which asks while the window closes.
std::string stop_choice(const session::Question& q) {
    std::string choice = q.choices.empty() ? "cancel" : q.choices.back().id;
    for (const auto& c : q.choices) {
        if (c.id == "stop" || c.id == "cancel") {
            choice = c.id;
        }
    }
    return choice;
}

} // namespace

WizardEngine::WizardEngine(CatalogueLoad catalogue, Snapshot base, EngineConfig config,
                           Publisher publish, HardwareConfig hardware)
    : m_catalogue(std::move(catalogue)), m_base(std::move(base)), m_config(std::move(config)),
      m_hardware(std::move(hardware)), m_publish(std::move(publish)),
      m_tools(m_catalogue.catalogue, tools_host()) {
    m_faults = m_config.faults;
    m_log = m_base.log;
    m_mode = m_base.mode;
    m_mode_reason = m_base.mode_reason;
    m_publisher = std::thread([this] { publisher_loop(); });
    m_worker = std::thread([this] { worker_loop(); });
    if (!m_hardware.apis.empty()) {
        enqueue([this] { discover(); }); // port listing is I/O: on the worker, first
    }
    // Then the journal: an interrupted update is offered before anything else is done.
    enqueue([this] { check_journal(); });
    enqueue([this] { refresh_library(); });
    const char* home = std::getenv("HOME"); // NOLINT(concurrency-mt-unsafe)
    enqueue([this, start = fs::path(home != nullptr ? home : "/")] { browse(start); });
}

WizardEngine::~WizardEngine() {
    m_tools.cancel(); // a Tools send/receive stops between messages
    {
        std::lock_guard lock(m_jobs_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_jobs_ready.notify_all();
    // The window was closed while a session runs: cancel it, and answer whatever it asks on the
    // way out with "stop" (a half-sent firmware asks before abandoning; the journal keeps the
    // state for recovery at the next start).
    {
        // From here on no job starts a session (they look under the same lock, and a runner
        // attached now is cancelled at once), so the loop below sees every runner there will be.
        std::lock_guard lock(m_mutex);
        m_closing = true;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    for (;;) {
        bool job_running = false;
        {
            std::lock_guard lock(m_mutex);
            if (m_job_runner != nullptr) {
                // A job's runner lives only while attached: used under the lock.
                job_running = true;
                m_job_runner->cancel();
                if (m_job_run && m_job_run->question) {
                    const auto& q = m_job_run->question->question;
                    m_job_runner->answer(q.id, stop_choice(q));
                }
            }
        }
        if (!job_running || std::chrono::steady_clock::now() > until) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    if (m_worker.joinable()) {
        m_worker.join();
    }
    if (m_device) {
        m_device->set_display_listener({}); // it may outlive the engine (a transport holds it)
    }
    {
        std::lock_guard lock(m_publish_mutex);
        m_publish_stop = true; // after the last pending snapshot is out
    }
    m_publish_ready.notify_all();
    if (m_publisher.joinable()) {
        m_publisher.join();
    }
}

void WizardEngine::enqueue(std::function<void()> job) {
    {
        std::lock_guard lock(m_jobs_mutex);
        m_jobs.push_back(std::move(job));
    }
    {
        std::lock_guard lock(m_mutex);
        m_flow.engine_busy = true;
    }
    m_jobs_ready.notify_one();
}

void WizardEngine::worker_loop() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_jobs_mutex);
            m_jobs_ready.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop) {
                return;
            }
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        {
            std::lock_guard lock(m_mutex);
            m_flow.engine_busy = true;
        }
        publish();
        job();
        bool idle = false;
        {
            std::lock_guard lock(m_jobs_mutex);
            idle = m_jobs.empty();
        }
        {
            std::lock_guard lock(m_mutex);
            m_flow.engine_busy = !idle;
        }
        publish();
    }
}

void WizardEngine::log(std::string line) {
    std::lock_guard lock(m_mutex);
    m_log.push_back(std::move(line));
}

void WizardEngine::post(const Intent& value) {
    std::visit(
        [this](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, intent::SelectDevice>) {
                enqueue([this, id = v.id] { select_device(id); });
            } else if constexpr (std::is_same_v<T, intent::ChooseLink>) {
                enqueue([this, link = v.link] { choose_link(link); });
            } else if constexpr (std::is_same_v<T, intent::StartBackup>) {
                enqueue([this] { backup(); });
            } else if constexpr (std::is_same_v<T, intent::SkipBackup>) {
                enqueue([this, typed = v.typed] { skip_backup(typed); });
            } else if constexpr (std::is_same_v<T, intent::ChooseFirmware>) {
                enqueue([this, path = v.path] { load_firmware(path, false); });
            } else if constexpr (std::is_same_v<T, intent::UsePracticeFirmware>) {
                enqueue([this] { practice_firmware(); });
            } else if constexpr (std::is_same_v<T, intent::ConfirmUnknownRelease>) {
                {
                    std::lock_guard lock(m_mutex);
                    if (v.typed == m_flow.firmware.typed_confirmation) {
                        m_flow.firmware_confirmed = true;
                        m_release_typed = true; // the job's allow_unknown_release
                        m_log.push_back("Unknown release accepted by typed confirmation.");
                    }
                }
                publish();
            } else if constexpr (std::is_same_v<T, intent::StartUpload>) {
                enqueue([this] { upload(); });
            } else if constexpr (std::is_same_v<T, intent::StartRecovery>) {
                enqueue([this] { recover(); });
            } else if constexpr (std::is_same_v<T, intent::RestoreBackup>) {
                enqueue([this, file = v.file] { restore(file); });
            } else if constexpr (std::is_same_v<T, intent::SaveSupportBundle>) {
                enqueue([this] { save_bundle(); });
            } else if constexpr (std::is_same_v<T, intent::RefreshLibrary>) {
                enqueue([this] { refresh_library(); });
            } else if constexpr (std::is_same_v<T, intent::BrowseFolder>) {
                enqueue([this, path = v.path] { browse(path); });
            } else if constexpr (std::is_same_v<T, intent::ToolsChooseFile>) {
                enqueue([this, path = v.path] { m_tools.choose_file(path); });
            } else if constexpr (std::is_same_v<T, intent::ToolsSend>) {
                enqueue([this, v] { m_tools.send(v); });
            } else if constexpr (std::is_same_v<T, intent::ToolsReceive>) {
                enqueue([this, v] { m_tools.receive(v); });
            } else if constexpr (std::is_same_v<T, intent::SendMidiflySetting>) {
                enqueue([this, v] { m_tools.send_midifly_setting(v); });
            } else if constexpr (std::is_same_v<T, intent::ExportBackup>) {
                enqueue([this, v] { m_tools.export_backup(v.file, v.folder); });
            } else if constexpr (std::is_same_v<T, intent::RecoverInterrupted>) {
                enqueue([this, session = v.session] { resume_interrupted(session); });
            } else if constexpr (std::is_same_v<T, intent::DismissInterrupted>) {
                enqueue([this, session = v.session] { dismiss_interrupted(session); });
            } else if constexpr (std::is_same_v<T, intent::Answer> ||
                                 std::is_same_v<T, intent::Cancel>) {
                if constexpr (std::is_same_v<T, intent::Cancel>) {
                    m_tools.cancel(); // a Tools send/receive stops between messages
                }
                std::lock_guard lock(m_mutex);
                if (m_job_runner != nullptr) {
                    // A job's runner: only while attached, so under the lock (both calls only
                    // enqueue into its mailbox: no waiting here).
                    if constexpr (std::is_same_v<T, intent::Answer>) {
                        m_job_runner->answer(v.question_id, v.choice_id, v.text);
                    } else {
                        m_job_runner->cancel();
                    }
                }
            } else if constexpr (std::is_same_v<T, intent::PressButton> ||
                                 std::is_same_v<T, intent::PowerCycle>) {
                std::shared_ptr<transport::EmulatedDevice> device;
                {
                    std::lock_guard lock(m_mutex);
                    device = m_device;
                }
                if (device) {
                    // The emulated device's pump thread takes it; press() only queues.
                    if constexpr (std::is_same_v<T, intent::PressButton>) {
                        device->press(v.id);
                        log(fmt::format("Simulated device: pressed {}", v.id));
                    } else {
                        device->power_cycle(v.held);
                        log("Simulated device: switched off and on");
                    }
                }
                publish();
            } else if constexpr (std::is_same_v<T, intent::ArmFault>) {
                enqueue([this, spec = v.spec] {
                    std::vector<std::string> faults;
                    {
                        std::lock_guard lock(m_mutex);
                        faults = m_faults;
                    }
                    faults.push_back(spec);
                    make_device(faults);
                });
            } else if constexpr (std::is_same_v<T, intent::ClearFaults>) {
                enqueue([this] { make_device({}); });
            } else if constexpr (std::is_same_v<T, intent::Rescan>) {
                enqueue([this] { discover(); });
            } else if constexpr (std::is_same_v<T, intent::DetectDevices>) {
                enqueue([this] { detect_devices(); });
            } else if constexpr (std::is_same_v<T, intent::ChoosePort>) {
                enqueue([this, output = v.output, confirm = v.confirm_din] {
                    choose_port(output, confirm);
                });
            } else if constexpr (std::is_same_v<T, intent::RunSelfTest>) {
                enqueue([this, output = v.output] { self_test(output); });
            }
        },
        value);
}

void WizardEngine::set_journal_starter(JournalStarter start) {
    std::lock_guard lock(m_mutex);
    m_start_journal = std::move(start);
}

void WizardEngine::ask(const session::Ask& ask) {
    {
        // Asked while the window closes (the session started just before): stop it rather than
        // wait for an answer nobody will give.
        std::lock_guard lock(m_mutex);
        if (m_closing && m_job_runner != nullptr) {
            m_job_runner->answer(ask.question.id, stop_choice(ask.question));
        }
    }
    publish(); // the question is in the runner's snapshot
}

void WizardEngine::attach_runner(engine::SessionRunner* runner) {
    std::lock_guard lock(m_mutex);
    m_job_runner = runner;
    if (runner != nullptr && m_closing) {
        runner->cancel();
    }
}

void WizardEngine::on_step(const session::Session& /*session*/, const session::Command& command) {
    // The gap plot shows the transfer only (the sends marked critical), as for run().
    if (const auto* send = std::get_if<session::Send>(&command)) {
        m_times->set_recording(send->critical);
    }
}

void WizardEngine::on_event(const engine::JobEvent& event) {
    std::visit(
        [this](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, engine::job_event::SessionStarted>) {
                m_times->clear();
                std::lock_guard lock(m_mutex);
                m_job_run.reset();
                m_last_run.reset();
                // The update job's own backup and restore show on their pages' states.
                if (e.step == engine::JobStep::backup) {
                    m_flow.backup = StepState::running;
                } else if (e.step == engine::JobStep::restore) {
                    m_flow.restore = StepState::running;
                }
            } else if constexpr (std::is_same_v<T, engine::job_event::SessionUpdate>) {
                std::lock_guard lock(m_mutex);
                m_job_run = e.snapshot;
            } else if constexpr (std::is_same_v<T, engine::job_event::SessionFinished>) {
                std::lock_guard lock(m_mutex);
                m_last_run = m_job_run;
                m_job_run.reset();
                m_log.push_back(fmt::format("{}: {} — {}", to_string(e.step),
                                            session::to_string(e.outcome.kind), e.outcome.message));
                const bool ok = e.outcome.kind == session::OutcomeKind::success;
                if (e.step == engine::JobStep::restore) {
                    m_flow.restore = ok ? StepState::done : StepState::failed;
                } else if (e.step == engine::JobStep::backup && !ok) {
                    m_flow.backup = StepState::failed;
                    m_flow.backup_text = e.outcome.message;
                }
            } else if constexpr (std::is_same_v<T, engine::job_event::Notice>) {
                log(e.text);
            } else if constexpr (std::is_same_v<T, engine::job_event::NoBackupProcedure>) {
                log("No backup procedure: " + e.reason);
            } else if constexpr (std::is_same_v<T, engine::job_event::BackupSaved>) {
                std::lock_guard lock(m_mutex);
                m_flow.backup = StepState::done;
                m_flow.backup_file = e.file.string();
                m_flow.backup_text = fmt::format("Saved in {}", e.file.string());
                m_log.push_back(
                    fmt::format("Backup saved: {} (SHA-256 {})", e.file.string(), e.sha256));
            } else {
                static_assert(std::is_same_v<T, engine::job_event::JournalUnavailable>);
                log("Journal not started: " + e.message);
            }
        },
        event);
    publish();
}

engine::JobConnection WizardEngine::job_connection() {
    engine::JobConnection c;
    c.transport = m_transport.get();
    c.mailbox = m_mailbox;
    c.port = m_flow.port; // the worker is the only writer of the port
    c.api = transport::to_string(m_transport->api());
    c.link = m_link;
    return c;
}

void WizardEngine::withdraw(const std::string& /*question_id*/) {
    publish();
}

WizardTools::Host WizardEngine::tools_host() {
    WizardTools::Host host;
    host.manifest = [this] { return manifest(); };
    host.device_id = [this] {
        std::lock_guard lock(m_mutex);
        return m_flow.device_id;
    };
    host.link = [this] { return m_link; };
    host.transport = [this] { return m_transport.get(); };
    host.open_port = [this] { return open_instrument_port(); };
    host.reattach_sessions = [this] {
        m_transport->set_receive_callback(engine::SessionMailbox::callback(m_mailbox));
    };
    host.log = [this](std::string line) { log(std::move(line)); };
    host.publish = [this] { publish(); };
    return host;
}

Status WizardEngine::open_instrument_port() {
    if (!m_transport) {
        return make_error(ErrorCode::usage,
                          "no instrument port: choose a device on the Device page first");
    }
    // The device's port with its paired input (hardware mode), as the sessions open it.
    return m_transport->open(open_options());
}

const Manifest* WizardEngine::manifest() const {
    std::string id;
    {
        std::lock_guard lock(m_mutex);
        id = m_flow.device_id;
    }
    const auto* entry = m_catalogue.catalogue.find(id);
    return entry == nullptr ? nullptr : &entry->manifest;
}

void WizardEngine::publish() {
    {
        std::lock_guard lock(m_publish_mutex);
        m_publish_pending = true;
    }
    m_publish_ready.notify_one();
}

void WizardEngine::publisher_loop() {
    for (;;) {
        {
            std::unique_lock lock(m_publish_mutex);
            m_publish_ready.wait(lock, [this] { return m_publish_pending || m_publish_stop; });
            if (!m_publish_pending) {
                return; // stopping, and everything asked for is out
            }
            m_publish_pending = false;
        }
        // Changes made while this one is built mark it pending again: the newest state always
        // gets its snapshot, however many changes one build covers.
        m_publish(build_snapshot());
    }
}

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

void WizardEngine::backup() {
    const auto* m = manifest();
    if (m == nullptr || !m_transport) {
        return;
    }
    // The engine's backup job, as `syxflash-cli backup` runs it: the device with its gap floor
    // (a user manifest named), the dump, the completeness rule, the save.
    auto prepared = engine::prepare_backup_job(m->id, *this);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        std::lock_guard lock(m_mutex);
        m_flow.backup = StepState::failed;
        m_flow.backup_text = problem->message;
        return;
    }
    if (auto status = m_transport->open(open_options()); !status) {
        log("Port did not open: " + status.error().message);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        if (m_closing) {
            return;
        }
        m_flow.backup = StepState::running;
    }
    engine::BackupJobOptions job_options;
    job_options.label = "before-update";
    // What arrived of an incomplete dump is kept for diagnosis, as `syxflash-cli backup` does.
    job_options.keep_incomplete_as = m_config.work_dir / fmt::format("{}-before-update.syx", m->id);
    auto job =
        engine::run_backup_job(std::get<Manifest>(prepared), job_connection(), *this, job_options);
    if (job.outcome.kind != session::OutcomeKind::success) {
        std::lock_guard lock(m_mutex);
        m_flow.backup = StepState::failed;
        m_flow.backup_text = job.outcome.message + " No firmware will be sent without a backup.";
        if (job.kept) {
            m_log.push_back("Incomplete dump kept for diagnosis (not a backup): " +
                            job.kept->file.string());
        }
        return;
    }
    if (job.saved) {
        // The Library page lists it at once (its copy went into the library folder).
        refresh_library();
    }
    std::lock_guard lock(m_mutex);
    if (!job.saved) {
        m_flow.backup = StepState::failed;
        m_flow.backup_text = job.outcome.message;
        return;
    }
    const auto& saved = job.saved;
    m_backup_file = saved->file;
    m_flow.backup_file = saved->file.string();
    m_gate = {session::BackupGateKind::made_now,
              fmt::format("{} (SHA-256 {})", saved->file.string(), saved->metadata.sha256)};
    m_flow.backup = StepState::done;
    m_flow.backup_text = fmt::format("Saved {} ({}) in {}",
                                     job.messages == 1 ? std::string("1 message")
                                                       : fmt::format("{} messages", job.messages),
                                     job.completeness, saved->file.string());
    m_log.push_back(m_flow.backup_text);
}

void WizardEngine::skip_backup(const std::string& typed) {
    std::lock_guard lock(m_mutex);
    if (typed != m_flow.backup_skip_phrase) {
        m_log.push_back("Backup not skipped: the phrase typed did not match.");
        return;
    }
    m_flow.backup = StepState::skipped;
    m_flow.backup_text = "Skipped by the user (typed confirmation). Presets are not protected.";
    m_gate = {session::BackupGateKind::skipped, "skipped in the wizard by typed confirmation"};
    m_log.push_back("DECISION: the user skipped the backup (typed confirmation).");
}

void WizardEngine::load_firmware(const fs::path& path, bool generated) {
    const auto* m = manifest();
    if (m == nullptr) {
        return;
    }
    FirmwareView view;
    view.path = path.string();
    view.generated = generated;
    auto read = read_sysex_file(path);
    if (!read) {
        view.findings.push_back("error: " + read.error().message);
        view.finding_levels.push_back(Severity::error);
        std::lock_guard lock(m_mutex); // nothing is sent that the page does not show
        m_flow.firmware = view;
        m_flow.firmware_confirmed = false;
        m_release_typed = false;
        return;
    }
    auto file = std::make_shared<const SysexFile>(std::move(*read));
    const auto check = session::check_file(*file, *m, m_link, false);
    view.loaded = true;
    view.refused = check.refused;
    view.unknown_release = check.unknown_release;
    view.release = check.release_version.value_or("");
    view.verdict = check.verdict;
    view.decoded = check.firmware_summary;
    view.sha256 = to_hex(file->sha256);
    view.messages = file->messages.size();
    view.bytes = file->file_bytes;
    for (const auto& f : check.findings) {
        view.findings.push_back(finding_text(f));
        view.finding_levels.push_back(f.severity);
    }
    view.eta_usb = eta_text(*file, *m, Link::usb);
    view.eta_din = eta_text(*file, *m, Link::din);
    view.typed_confirmation = std::string(session::kUnknownReleasePhrase); // as core asks it
    // Recovering an interrupted update: the very file it was sending (same SHA-256) was
    // accepted by whoever started that update, wherever it is chosen from now; any other file
    // needs the confirmation again. The engine's recovery job decides that (its recovery
    // context); the page shows what it will decide.
    bool same_as_interrupted = false;
    if (!m_resume_session.empty() && !check.refused) {
        if (const auto dir = engine::journal_dir()) {
            const auto context = engine::recovery_context(*dir, m->id, offer_api(), view.sha256);
            same_as_interrupted = !context.interrupted.empty() && context.same_file;
        }
    }
    std::lock_guard lock(m_mutex);
    m_flow.firmware = view;
    m_flow.firmware_confirmed = same_as_interrupted;
    m_release_typed = false;
    if (same_as_interrupted && view.unknown_release) {
        m_log.push_back("The file is the one the interrupted update was sending (same SHA-256): "
                        "its confirmation stands.");
    }
    auto& recent = m_flow.recent_files;
    recent.erase(std::remove(recent.begin(), recent.end(), view.path), recent.end());
    recent.insert(recent.begin(), view.path);
    m_log.push_back(
        fmt::format("Firmware {}: {} ({} messages)", view.path, view.verdict, view.messages));
}

void WizardEngine::practice_firmware() {
    std::string id;
    {
        std::lock_guard lock(m_mutex);
        id = m_flow.device_id;
    }
    std::vector<emu::Bytes> messages = id == "gligli-prophet-600"
                                           ? emu::make_prophet600_test_firmware(64)
                                           : emu::make_test_firmware(id, {2, 0, 0, 9});
    if (messages.empty()) {
        log("No practice firmware for this device.");
        return;
    }
    std::vector<std::uint8_t> bytes;
    for (const auto& msg : messages) {
        bytes.insert(bytes.end(), msg.begin(), msg.end());
    }
    const fs::path path = m_config.work_dir / fmt::format("practice-{}.syx", id);
    if (auto written = engine::write_file_atomically(path, bytes); !written) {
        log("Could not write the practice firmware: " + written.error().message);
        return;
    }
    load_firmware(path, true);
}

// The update the wizard's pages decided, as the engine's job request: the job owns every gate
// (the gap floor, validation, the release confirmation, the backup gate, the identity check,
// the recovery context and the journal), the wizard only says what the user chose.
engine::UpdateJobRequest WizardEngine::update_request(bool recovery) const {
    engine::UpdateJobRequest request;
    request.command = recovery ? "wizard recovery" : "wizard";
    std::shared_ptr<transport::EmulatedDevice> device;
    {
        std::lock_guard lock(m_mutex);
        request.device_id = m_flow.device_id;
        request.file = m_flow.firmware.path;
        request.allow_unknown_release = m_release_typed;
        request.port = m_flow.port; // the worker is the only writer of the port
        if (recovery && m_flow.update_outcome) {
            request.plan = m_flow.update_outcome->recovery_plan; // else the journal's
        }
        request.start_journal = m_start_journal;
        device = m_device;
    }
    request.link = m_link;
    request.api = transport::to_string(m_transport->api());
    request.recovery = recovery;
    switch (m_gate.kind) {
    case session::BackupGateKind::made_now:
    case session::BackupGateKind::given_file:
        request.backup = m_backup_file.value_or(fs::path());
        break;
    case session::BackupGateKind::skipped:
        request.skip_backup = true;
        request.skip_backup_reason = m_gate.description;
        break;
    default:
        break; // the job makes the backup, or says the device has no backup procedure
    }
    const auto* m = manifest();
    if (m_mode == RunMode::simulated && device && m != nullptr) {
        // The simulated device's own state is the evidence (as for `syxflash-cli --api
        // emulated`): an unchanged version is not a success, whatever was answered.
        request.extra_evidence = engine::emulated_version_evidence(device, m->name);
    }
    return request;
}

// Prepares and runs the engine's update job over the instrument's port, and returns its
// outcome. A problem before anything was sent is a refused outcome with the engine's text
// (`ran` stays false).
session::Outcome WizardEngine::run_update_job(bool recovery, bool& ran) {
    const auto fail = [this, recovery](std::string message) {
        session::Outcome refused;
        refused.kind = session::OutcomeKind::refused;
        refused.message = std::move(message);
        log(fmt::format("{}: {}", recovery ? "Recovery" : "Upload", refused.message));
        return refused;
    };
    ran = false;
    if (manifest() == nullptr || !m_transport) {
        return fail("Choose a device and a firmware file first. Nothing was sent.");
    }
    std::string shown_sha256;
    {
        std::lock_guard lock(m_mutex);
        shown_sha256 = m_flow.firmware.sha256;
    }
    auto prepared = engine::UpdateJob::prepare(update_request(recovery), *this);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        return fail(problem->message);
    }
    auto& job = std::get<engine::UpdateJob>(prepared);
    if (to_hex(job.file().sha256) != shown_sha256) {
        // The confirmation was given for what the Firmware page showed.
        return fail(fmt::format("'{}' changed since the Firmware page checked it: choose it "
                                "again. Nothing was sent.",
                                job.request().file.string()));
    }
    if (auto status = m_transport->open(open_options()); !status) {
        return fail("The port did not open: " + status.error().message + " Nothing was sent.");
    }
    {
        std::lock_guard lock(m_mutex);
        if (m_closing) {
            return fail("The window was closed before the update started: nothing was sent.");
        }
        (recovery ? m_flow.recovery : m_flow.upload) = StepState::running;
        if (!recovery) {
            m_flow.verify = StepState::idle;
        }
    }
    auto result = job.run(job_connection(), *this);
    ran = true;
    m_gate = result.backup_gate;
    if (result.backup_file) {
        m_backup_file = result.backup_file;
    }
    if (result.stage == engine::UpdateJobResult::Stage::backup_not_saved && result.problem) {
        result.outcome.kind = session::OutcomeKind::refused;
        result.outcome.message = result.problem->message;
    }
    // What this run settled in the journal leaves the start-up offer.
    std::lock_guard lock(m_mutex);
    for (const auto& id : result.resolved_sessions) {
        m_log.push_back(fmt::format("Journal: {} marked resolved.", id));
        auto& list = m_flow.interrupted;
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](const InterruptedUpdate& u) { return u.session == id; }),
                   list.end());
    }
    if (!result.resolved_sessions.empty()) {
        m_resume_session.clear();
    }
    return std::move(result.outcome);
}

void WizardEngine::upload() {
    bool ran = false;
    const auto outcome = run_update_job(false, ran);
    std::lock_guard lock(m_mutex);
    m_flow.update_outcome = outcome;
    const bool ok = outcome.kind == session::OutcomeKind::success;
    // Failing while checking the device: the firmware went out, the verification failed.
    const auto phase = m_last_run && ran ? run_phase(m_last_run->progress.phase) : RunPhase::none;
    const bool sent = phase == RunPhase::verify || phase == RunPhase::restore;
    m_flow.upload = ok || sent ? StepState::done : StepState::failed;
    m_flow.verify = ok ? StepState::done : StepState::failed;
    m_flow.recovery_title = outcome.recovery_title;
    m_flow.recovery_steps = outcome.recovery_steps;
    m_flow.recovery_terminal = outcome.kind == session::OutcomeKind::service_centre;
    if (!ok) {
        m_flow.recovery = StepState::idle;
    }
}

void WizardEngine::recover() {
    bool ran = false;
    const auto outcome = run_update_job(true, ran);
    std::lock_guard lock(m_mutex);
    m_flow.recovery_outcome = outcome;
    const bool ok = outcome.kind == session::OutcomeKind::success;
    m_flow.recovery = ok ? StepState::done : StepState::failed;
    m_flow.recovery_terminal = outcome.kind == session::OutcomeKind::service_centre;
    if (ok) {
        m_flow.upload = StepState::done;
        m_flow.verify = StepState::done;
    }
}

void WizardEngine::restore(const fs::path& file) {
    const auto* m = manifest();
    if (m == nullptr || !m_transport) {
        return;
    }
    // The engine's restore job, as `syxflash-cli restore` runs it: the device's manifest with
    // its gap floor, the backup checked against its sidecar (nothing is sent otherwise), the
    // backend's limits. The wizard only presents it.
    engine::RestoreJobRequest request;
    request.device_id = m->id;
    request.backup = file;
    auto prepared = engine::RestoreJob::prepare(std::move(request), *this);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        std::lock_guard lock(m_mutex);
        m_flow.restore = StepState::failed;
        m_log.push_back("Restore: " + problem->message);
        return;
    }
    auto& job = std::get<engine::RestoreJob>(prepared);
    log(fmt::format("Restore: {} ({}).", file.string(), job.provenance()));
    (void)m_transport->open(open_options());
    {
        std::lock_guard lock(m_mutex);
        if (m_closing) {
            return;
        }
        m_flow.restore = StepState::running;
    }
    const auto result = job.run(job_connection(), *this);
    std::lock_guard lock(m_mutex);
    m_flow.restore =
        result.outcome.kind == session::OutcomeKind::success ? StepState::done : StepState::failed;
}

void WizardEngine::save_bundle() {
    const auto now = std::chrono::system_clock::now();
    std::string stamp = engine::format_utc(now); // "2026-11-20T22:33:44Z"
    stamp.erase(
        std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
        stamp.end());
    FlowView flow;
    std::vector<std::string> lines;
    std::shared_ptr<const engine::RunSnapshot> run;
    {
        std::lock_guard lock(m_mutex);
        flow = m_flow;
        lines = m_log;
        run = m_last_run;
    }
    const std::string top = fmt::format("syxflash-support-{}-{}",
                                        flow.device_id.empty() ? "wizard" : flow.device_id, stamp);
    std::string report = fmt::format(
        "syxflash support report\n{}\ndevice: {} ({})\nport: {} [{}]\nlink: {}\nbackup: {} — {}\n"
        "firmware: {} sha256 {} verdict {} release {}\nupload: {}\nverify: {}\nrecovery: {}\n",
        version_text(), flow.device_name, flow.device_id, flow.port, flow.port_badge,
        to_string(flow.link), to_string(flow.backup), flow.backup_text, flow.firmware.path,
        flow.firmware.sha256, flow.firmware.verdict,
        flow.firmware.release.empty() ? "unknown" : flow.firmware.release, to_string(flow.upload),
        to_string(flow.verify), to_string(flow.recovery));
    for (const auto* o : {&flow.update_outcome, &flow.recovery_outcome}) {
        if (*o) {
            report +=
                fmt::format("outcome: {} — {}\n", session::to_string((*o)->kind), (*o)->message);
        }
    }
    // The presets themselves stay out: they are the owner's work, nobody needs them to tell why
    // a transfer failed, and the bundle is meant to be posted on forums. What support needs (was
    // there a verified backup, is it intact) is its name, size and SHA-256. Someone whose backup
    // will not restore can attach the .syx named here on purpose.
    if (!flow.backup_file.empty()) {
        std::error_code ec;
        const auto size = fs::file_size(flow.backup_file, ec);
        report += fmt::format("backup file (contents not included): {} ({} bytes) — {}\n",
                              flow.backup_file, ec ? 0 : size, m_gate.description);
    } else {
        report += "backup file: none made in this run\n";
    }
    std::string trace;
    for (const auto& l : lines) {
        trace += l + "\n";
    }
    if (run && run->log) {
        trace += "--- last session log ---\n";
        for (const auto& l : *run->log) {
            trace += fmt::format("{:10.3f} s  {}\n", std::chrono::duration<double>(l.at).count(),
                                 l.text);
        }
    }
    std::vector<BundleEntry> entries{{"report.txt", report}, {"trace.txt", trace}};
    // The journal: every session of this device (updates, recoveries, interrupted ones).
    std::size_t journals = 0;
    if (const auto dir = engine::journal_dir()) {
        for (const auto& s : engine::list_sessions(*dir)) {
            if (!flow.device_id.empty() && s.device_id != flow.device_id) {
                continue;
            }
            std::ifstream in(s.path, std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
            if (in.bad()) {
                continue;
            }
            entries.push_back({"journal/" + s.path.filename().string(), std::move(text)});
            ++journals;
        }
    }
    const fs::path path = m_config.work_dir / (top + ".tar.gz");
    if (auto written = write_support_bundle(path, top, entries, now); !written) {
        log("Support bundle not saved: " + written.error().message);
        return;
    }
    std::lock_guard lock(m_mutex);
    m_flow.bundle_path = path.string();
    m_log.push_back(fmt::format("Support bundle saved: {} (report, trace, {} journal file(s); "
                                "presets not included)",
                                path.string(), journals));
}

namespace {

// "2026-11-20T22:33:44Z" -> "2026-11-20 at 22:33 UTC"; anything else as it is.
std::string readable_time(const std::string& iso) {
    if (iso.size() >= 16 && iso[10] == 'T') {
        return fmt::format("{} at {} UTC", iso.substr(0, 10), iso.substr(11, 5));
    }
    return iso.empty() ? std::string("an unknown date") : iso;
}

} // namespace

// The kind of link this run works on, for the journal's offers: the emulated devices when
// simulating, real ports otherwise.
std::string WizardEngine::offer_api() const {
    return m_mode == RunMode::simulated ? transport::to_string(transport::MidiApi::emulated)
                                        : std::string("hardware");
}

// --simulate X offers X's interrupted updates only.
std::optional<std::string> WizardEngine::offer_device() const {
    if (m_mode == RunMode::simulated && !m_base.simulate_id.empty()) {
        return m_base.simulate_id;
    }
    return std::nullopt;
}

void WizardEngine::check_journal() {
    const auto dir = engine::journal_dir();
    if (!dir) {
        return;
    }
    std::vector<InterruptedUpdate> found;
    for (const auto& s : engine::interrupted_offers(*dir, offer_api(), offer_device())) {
        InterruptedUpdate u;
        u.session = s.session;
        u.device_id = s.device_id;
        u.device_name = s.device_name;
        u.when = readable_time(s.started);
        u.messages_sent = s.messages_sent;
        u.message_count = s.message_count;
        u.file = s.file;
        std::error_code ec;
        u.file_present = !s.file.empty() && fs::is_regular_file(s.file, ec);
        u.device_known = m_catalogue.catalogue.find(s.device_id) != nullptr;
        u.how = s.finished ? fmt::format("it ended: {}", s.detail.empty() ? s.outcome : s.detail)
                           : fmt::format("syxflash stopped during '{}' (closed, killed or a "
                                         "power cut)",
                                         s.last_phase.empty() ? "start" : s.last_phase);
        found.push_back(std::move(u));
    }
    std::lock_guard lock(m_mutex);
    for (const auto& u : found) {
        m_log.push_back(fmt::format("Journal: the update {} of {} was interrupted at message {} "
                                    "of {}; offered for recovery.",
                                    u.session, u.device_id, u.messages_sent, u.message_count));
    }
    m_flow.interrupted = std::move(found);
}

void WizardEngine::resume_interrupted(const std::string& session) {
    const auto dir = engine::journal_dir();
    std::optional<engine::JournalSession> entry;
    if (dir) {
        for (auto& s : engine::interrupted_offers(*dir, offer_api(), offer_device())) {
            if (s.session == session) {
                entry = std::move(s);
            }
        }
    }
    if (!entry) {
        log("That interrupted update is no longer in the journal (resolved elsewhere?).");
        dismiss_interrupted(session);
        return;
    }
    const auto* known = m_catalogue.catalogue.find(entry->device_id);
    if (known == nullptr) {
        log(fmt::format("Cannot recover '{}': this build does not know that device.",
                        entry->device_id));
        return;
    }
    select_device(entry->device_id);
    if (!entry->link.empty()) {
        choose_link(entry->link);
    }
    const Manifest& m = known->manifest;
    m_resume_session = entry->session;
    const RecoveryPlan* plan = entry->recovery_plan.empty() ? m.plan_for_phase(Phase::transfer)
                                                            : m.find_plan(entry->recovery_plan);
    std::error_code ec;
    if (!entry->file.empty() && fs::is_regular_file(entry->file, ec)) {
        load_firmware(entry->file, false);
    } else {
        log(fmt::format("The firmware of the interrupted update ({}) is gone: choose it on the "
                        "Recovery page.",
                        entry->file));
        // Start the browser where the file was, if that folder is still there.
        const fs::path folder = fs::path(entry->file).parent_path();
        if (!folder.empty() && fs::is_directory(folder, ec)) {
            browse(folder);
        }
    }
    std::lock_guard lock(m_mutex);
    m_flow.resuming_session = entry->session;
    if (plan != nullptr) {
        m_flow.recovery_title = plan->title;
        m_flow.recovery_steps = plan->steps;
        m_flow.recovery_terminal = plan->terminal;
    }
    m_log.push_back(fmt::format("Recovering the interrupted update {} of the {} ({} of {} "
                                "messages had been sent).",
                                entry->session, m.name, entry->messages_sent,
                                entry->message_count));
}

void WizardEngine::dismiss_interrupted(const std::string& session) {
    std::lock_guard lock(m_mutex);
    auto& list = m_flow.interrupted;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const InterruptedUpdate& u) { return u.session == session; }),
               list.end());
    m_log.push_back(fmt::format("Interrupted update {} left for later (offered again at the next "
                                "start).",
                                session));
}

void WizardEngine::browse(const fs::path& folder) {
    FolderView view;
    std::error_code ec;
    const fs::path dir = fs::absolute(folder, ec).lexically_normal();
    view.path = dir.string();
    if (dir.has_parent_path() && dir.parent_path() != dir) {
        view.parent = dir.parent_path().string();
    }
    std::vector<FolderEntry> folders;
    std::vector<FolderEntry> files;
    for (auto it = fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.empty() || name.front() == '.') {
            continue; // hidden
        }
        std::error_code type_ec;
        if (it->is_directory(type_ec)) {
            folders.push_back({name, it->path().string(), true});
            continue;
        }
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        // What read_sysex_file understands: raw SysEx, MIDI files, hex text, and gzip of them.
        if (ext == ".syx" || ext == ".mid" || ext == ".midi" || ext == ".smf" || ext == ".txt" ||
            ext == ".hex" || ext == ".gz") {
            files.push_back({name, it->path().string(), false});
        }
    }
    if (ec) {
        view.problem = fmt::format("Cannot read {}: {}", view.path, ec.message());
    }
    const auto by_name = [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; };
    std::sort(folders.begin(), folders.end(), by_name);
    std::sort(files.begin(), files.end(), by_name);
    view.entries = std::move(folders);
    view.entries.insert(view.entries.end(), files.begin(), files.end());
    std::lock_guard lock(m_mutex);
    m_flow.browser = std::move(view);
}

void WizardEngine::refresh_library() {
    std::vector<LibraryItem> items;
    for (const auto& e : engine::list_library()) {
        items.push_back({e.device_id, e.created, e.file.string(), e.completeness, e.intact});
    }
    std::lock_guard lock(m_mutex);
    m_flow.library = std::move(items);
}

} // namespace syx::gui
