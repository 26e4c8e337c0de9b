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
#include "engine/loopback.hpp"
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

class WizardEngine final : public engine::UserPrompt {
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
    void resolve_journal_entries(const engine::RecoveryContext& context, const std::string& how);
    [[nodiscard]] std::string offer_api() const;
    [[nodiscard]] std::optional<std::string> offer_device() const;
    session::Outcome run(session::Session& session, bool journal);
    // Tools page and Library export (wizard_engine_tools.cpp).
    void tools_choose_file(const std::filesystem::path& path);
    void tools_send(const intent::ToolsSend& request);
    void tools_receive(const intent::ToolsReceive& request);
    void send_midifly_setting(const intent::SendMidiflySetting& request);
    void export_backup(const std::filesystem::path& file, const std::filesystem::path& folder);
    // Fills the Tools page's defaults (gap from the manifest, export folder) into a snapshot.
    void fill_tools_defaults(Snapshot& next) const;
    // Opens m_transport on the chosen port with a fresh receive callback target.
    Status open_tools_port();
    // Ends the running Tools job with its result line (also logged, after `log_prefix`).
    void finish_tool(std::string_view log_prefix, std::string result, bool ok);
    session::UpdateOptions update_options() const;
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
    std::string m_resume_file_sha256; // hex; the file the interrupted update was sending

    // Hardware mode. The worker writes these; the UI-facing copies are read under m_mutex.
    RunMode m_mode = RunMode::simulated;
    std::string m_mode_reason;
    HardwareView m_hw;
    std::optional<transport::MidiApi> m_api;  // worker-only
    std::vector<transport::PortInfo> m_ports; // worker-only: the last listing
    std::string m_input_port;                 // worker-only: paired with m_flow.port
    // The folder the Library page offers for exports (documents dir, else home).
    static std::string default_export_folder();
    const std::string m_export_folder = default_export_folder();
    // Set by Cancel (any thread); the Tools jobs clear it when they start and poll it.
    std::atomic<bool> m_tool_cancel{false};

    std::mutex m_jobs_mutex;
    std::condition_variable m_jobs_ready;
    std::deque<std::function<void()>> m_jobs;
    bool m_stop = false;
    std::thread m_worker;
};

} // namespace syx::gui
