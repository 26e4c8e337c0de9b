#pragma once
// The wizard's engine side (DESIGN.md §2): everything the pages ask for that touches a port, a
// file or takes time runs here, on ONE worker thread, never on the UI thread. It owns the
// transport (simulated mode: the emulated device), runs the core sessions with
// engine::SessionRunner, and publishes a new Snapshot (through the given callback) after every
// change, so the UI only ever reads immutable snapshots.
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/catalogue.hpp"
#include "core/link.hpp"
#include "core/session.hpp"
#include "core/sysex_file.hpp"
#include "core/update_session.hpp"
#include "engine/session_runner.hpp"
#include "gui/intent.hpp"
#include "gui/practice_transport.hpp"
#include "gui/snapshot.hpp"

namespace syx::gui {

struct EngineConfig {
    // Faults armed on the emulated device from the start (--fault SPEC).
    std::vector<std::string> faults;
    // Where practice firmware and support bundles go.
    std::filesystem::path work_dir;
};

class WizardEngine final : public engine::UserPrompt {
public:
    using Publisher = std::function<void(Snapshot)>;
    WizardEngine(CatalogueLoad catalogue, Snapshot base, EngineConfig config, Publisher publish);
    ~WizardEngine() override;
    WizardEngine(const WizardEngine&) = delete;
    WizardEngine& operator=(const WizardEngine&) = delete;

    // From the Controller (UI thread): never blocks on I/O. Answers, cancel and the panel go
    // straight to the running session / device; everything else is queued for the worker.
    void post(const Intent& value);

    // engine::UserPrompt (runner's worker thread).
    void ask(const session::Ask& ask) override;
    void withdraw(const std::string& question_id) override;

private:
    void enqueue(std::function<void()> job);
    void worker_loop();
    void publish();
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
    void resolve_journal_entries(const std::string& how);
    session::Outcome run(session::Session& session, bool journal);
    session::UpdateOptions update_options() const;
    [[nodiscard]] const Manifest* manifest() const;

    CatalogueLoad m_catalogue;
    Snapshot m_base;
    EngineConfig m_config;
    Publisher m_publish;

    mutable std::mutex m_mutex; // guards everything below that the UI thread also reads
    FlowView m_flow;
    std::vector<std::string> m_log;
    std::shared_ptr<transport::EmulatedDevice> m_device;
    std::vector<std::string> m_faults;
    std::shared_ptr<engine::SessionRunner> m_runner;
    std::shared_ptr<const engine::RunSnapshot> m_last_run;

    // Worker-only state.
    std::shared_ptr<SendTimes> m_times = std::make_shared<SendTimes>();
    // The instrument's transport: the practice (emulated) one in simulated mode.
    std::unique_ptr<transport::MidiTransport> m_transport;
    std::shared_ptr<engine::SessionMailbox> m_mailbox = std::make_shared<engine::SessionMailbox>();
    std::shared_ptr<const SysexFile> m_firmware;
    std::optional<std::filesystem::path> m_backup_file;
    session::BackupGate m_gate;
    Link m_link = Link::usb;
    // Journal bookkeeping: the last session journalled, the failed update of this run, the
    // interrupted one being recovered (from the start-up offer) and its recovery plan.
    std::string m_last_journal_session;
    std::string m_failed_update_session;
    std::string m_resume_session;
    std::string m_resume_plan;

    std::mutex m_jobs_mutex;
    std::condition_variable m_jobs_ready;
    std::deque<std::function<void()>> m_jobs;
    bool m_stop = false;
    std::thread m_worker;
};

} // namespace syx::gui
