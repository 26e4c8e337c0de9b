#pragma once
// The wizard's engine side (DESIGN.md §2): everything the pages ask for that touches a port, a
// file or takes time runs here, on ONE worker thread, never on the UI thread. It owns the
// transport (simulated mode: the emulated device), runs the core sessions with
// engine::SessionRunner, and publishes a new Snapshot (through the given callback) after every
// change, so the UI only ever reads immutable snapshots.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/catalogue.hpp"
#include "core/link.hpp"
#include "core/session.hpp"
#include "core/sysex_file.hpp"
#include "core/update_session.hpp"
#include "engine/flow_gates.hpp"
#include "engine/identity_probe.hpp"
#include "engine/job_host.hpp"
#include "engine/journal.hpp"
#include "engine/loopback.hpp"
#include "engine/session_runner.hpp"
#include "engine/update_flow_job.hpp"
#include "gui/intent.hpp"
#include "gui/practice_transport.hpp"
#include "gui/snapshot.hpp"
#include "gui/wizard_tools.hpp"

namespace syx::gui {

struct EngineConfig {
    // Faults armed on the emulated device from the start (--fault SPEC).
    std::vector<std::string> faults;
    // Where practice firmware and support bundles go.
    std::filesystem::path work_dir;
};

// Hardware mode (real MIDI ports). A separate struct so EngineConfig's aggregate users stay as
// they are.
struct HardwareConfig {
    // Hardware discovery: the MIDI apis to try, in order, when the engine starts and on Rescan.
    // Empty: no discovery (simulated mode, as with --simulate).
    std::vector<transport::MidiApi> apis;
    // Makes a transport for an api; empty = the registered backends (transport::make_transport).
    std::function<Result<std::unique_ptr<transport::MidiTransport>>(transport::MidiApi)>
        make_transport;
    engine::DetectOptions detect;
    engine::LoopbackOptions loopback;
};

class WizardEngine final : public engine::UserPrompt, private engine::JobHost {
public:
    using Publisher = std::function<void(Snapshot)>;
    WizardEngine(CatalogueLoad catalogue, Snapshot base, EngineConfig config, Publisher publish,
                 HardwareConfig hardware = {});
    ~WizardEngine() override;
    WizardEngine(const WizardEngine&) = delete;
    WizardEngine& operator=(const WizardEngine&) = delete;

    // From the Controller (UI thread): never blocks on I/O. Answers, cancel and the panel go
    // straight to the running session / device; everything else is queued for the worker.
    void post(const Intent& value);

    // Starts update journals (file I/O, synced) instead of engine::start_update_journal. For
    // tests: a writer that blocks shows that nothing the UI thread does waits for it.
    using JournalStarter = std::function<Result<engine::UpdateJournal>(
        const engine::JournalStart&, const std::filesystem::path&)>;
    void set_journal_starter(JournalStarter start);

    // engine::UserPrompt (runner's worker thread).
    void ask(const session::Ask& ask) override;
    void withdraw(const std::string& question_id) override;

private:
    // engine::JobHost: the engine's jobs (engine/job_host.hpp) present through the wizard: their
    // sessions show on the pages like the wizard's own, their questions go to the same prompt.
    void on_event(const engine::JobEvent& event) override;
    engine::UserPrompt* prompt() override { return this; }
    void attach_runner(engine::SessionRunner* runner) override;
    void on_step(const session::Session& session, const session::Command& command) override;
    // The instrument's open port as a job's connection (worker thread).
    [[nodiscard]] engine::JobConnection job_connection();

    void enqueue(std::function<void()> job);
    void worker_loop();
    // Marks the state changed: the publisher thread builds the next Snapshot. Cheap and never
    // waits for the engine's state or I/O, so the runner's pacing thread, the Tools sender and
    // the UI thread may all call it.
    void publish();
    void publisher_loop();
    [[nodiscard]] Snapshot build_snapshot() const;
    void log(std::string line);

    void select_device(const std::string& id);
    void make_device(const std::vector<std::string>& faults);
    void choose_link(const std::string& link);
    void backup();
    void skip_backup(const std::string& typed);
    void load_firmware(const std::filesystem::path& path, bool generated);
    void practice_firmware();
    void upload();
    void recover();
    void restore(const std::filesystem::path& file);
    void save_bundle();
    void refresh_library();
    void browse(const std::filesystem::path& folder);
    // The start-up offer (issue 7): interrupted updates from the journal.
    void check_journal();
    void resume_interrupted(const std::string& session);
    void dismiss_interrupted(const std::string& session);
    [[nodiscard]] std::string offer_api() const;
    [[nodiscard]] std::optional<std::string> offer_device() const;
    // The update and recovery: the engine's UpdateJob, presented through this JobHost.
    [[nodiscard]] engine::UpdateJobRequest update_request(bool recovery) const;
    session::Outcome run_update_job(bool recovery, bool& ran);
    // Opens the instrument's port (m_transport) on the chosen port with its paired input.
    Status open_instrument_port();
    WizardTools::Host tools_host();
    [[nodiscard]] const Manifest* manifest() const;

    // Hardware mode (wizard_engine_hardware.cpp).
    void discover();
    void hardware_select(const Manifest& m);
    void rank_hardware_ports();
    void choose_port(const std::string& output, bool confirm_din);
    void detect_devices();
    void self_test(const std::string& output);
    [[nodiscard]] transport::OpenOptions open_options() const;
    [[nodiscard]] Result<std::unique_ptr<transport::MidiTransport>>
    new_transport(transport::MidiApi api) const;

    CatalogueLoad m_catalogue;
    Snapshot m_base;
    EngineConfig m_config;
    HardwareConfig m_hardware;
    Publisher m_publish;

    // Guards everything below that the UI thread also reads. Held only to copy or change that
    // state: never across file I/O (journal fsyncs, saves) or a wait on a device.
    mutable std::mutex m_mutex;
    FlowView m_flow;
    std::vector<std::string> m_log;
    std::shared_ptr<transport::EmulatedDevice> m_device;
    std::vector<std::string> m_faults;
    std::shared_ptr<const engine::RunSnapshot> m_last_run;
    bool m_closing = false; // the destructor runs: no session starts any more
    // A job's running session: its runner (attached by the job, gone when it ends) and the
    // newest snapshot it published.
    engine::SessionRunner* m_job_runner = nullptr;
    std::shared_ptr<const engine::RunSnapshot> m_job_run;
    JournalStarter m_start_journal;
    // The user typed the unknown-release confirmation for the file on the Firmware page (the
    // job's allow_unknown_release; a recovery's journaled file is the job's own decision).
    bool m_release_typed = false;

    // Worker-only state.
    std::shared_ptr<SendTimes> m_times = std::make_shared<SendTimes>();
    // The instrument's transport: the practice (emulated) one in simulated mode.
    std::unique_ptr<transport::MidiTransport> m_transport;
    std::shared_ptr<engine::SessionMailbox> m_mailbox = std::make_shared<engine::SessionMailbox>();
    std::optional<std::filesystem::path> m_backup_file;
    session::BackupGate m_gate;
    Link m_link = Link::usb;
    // The interrupted update being recovered (from the start-up offer).
    std::string m_resume_session;

    // Hardware mode. The worker writes these; the UI-facing copies are read under m_mutex.
    RunMode m_mode = RunMode::simulated;
    std::string m_mode_reason;
    HardwareView m_hw;
    std::optional<transport::MidiApi> m_api;  // worker-only
    std::vector<transport::PortInfo> m_ports; // worker-only: the last listing
    std::string m_input_port;                 // worker-only: paired with m_flow.port
    // The Tools page and Library export: its own state and lock (gui/wizard_tools.hpp).
    WizardTools m_tools;

    std::mutex m_jobs_mutex;
    std::condition_variable m_jobs_ready;
    std::deque<std::function<void()>> m_jobs;
    bool m_stop = false;

    // The publisher thread: builds snapshots off the worker, the pacing thread and the UI.
    std::mutex m_publish_mutex;
    std::condition_variable m_publish_ready;
    bool m_publish_pending = false;
    bool m_publish_stop = false;
    std::thread m_publisher;

    std::thread m_worker;
};

} // namespace syx::gui
