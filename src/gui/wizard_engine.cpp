#include "gui/wizard_engine.hpp"

// The worker, the intents, the job host and the publisher. By capability elsewhere:
// wizard_engine_device.cpp (the simulated device, device and link), wizard_engine_hardware.cpp
// (ports and detection), wizard_engine_backup.cpp (backup, restore, library),
// wizard_engine_update.cpp (firmware, update, recovery, the journal's offer),
// wizard_engine_files.cpp (support bundle, folder browser), wizard_engine_snapshot.cpp.

#include <chrono>
#include <cstdlib>

#include <fmt/core.h>

namespace syx::gui {

namespace fs = std::filesystem;

namespace {

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

} // namespace syx::gui
