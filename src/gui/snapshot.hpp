#pragma once
// What the engine publishes for the UI: an immutable picture of the world at one instant
// (DESIGN.md §2). Views read it; only the engine (later: the session worker) builds new ones.
// Until the sessions exist the GUI builds the one snapshot itself from the command line.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/session.hpp"
#include "gui/hardware_view.hpp"

namespace syx::gui {

// One instrument on the Device page. Filled from the catalogue (firmware-manifests/) once the
// engine loads it; simulated devices are always marked as such.
struct DeviceCard {
    std::string id;
    std::string name;
    std::string maker;
    // One paragraph about the device and what updating it involves.
    std::string summary;
    // Plain-language list of what syxflash can do for it ("update, backup, recovery").
    std::string abilities;
    bool simulated = false;
};

enum class RunMode {
    // Real MIDI ports were found and are used.
    hardware,
    // No hardware found, or --simulate: the built-in emulator stands in for the instrument.
    simulated,
};

// The emulated instrument beside the wizard (simulated mode): what its panel shows. Everything
// here comes from the emulator's model, which is partly MODELLED [M] (notes say which).
struct PanelButton {
    std::string id;
    std::string label;
    std::string help;
};
struct EmulatedPanel {
    std::string device_id;
    std::string display;
    std::string mode;
    std::string firmware_version;
    bool port_present = true;
    std::vector<PanelButton> buttons;
    std::vector<std::string> notes;  // "[M] …", "[C] …"
    std::vector<std::string> faults; // armed fault specs
    std::vector<std::string> fault_events;
};

enum class StepState { idle, running, done, failed, skipped, unavailable };
const char* to_string(StepState state);

// Snapshots carry types, not strings: core's Link, PortKind (hardware_view.hpp), Severity and
// BackupKind as they are (their to_string() is the text the views show), and below the
// wizard's own. Each has one to_text() for the views; the engine converts from the session's
// names once, where it builds the snapshot.

// Which session a run is (core's Session::name()).
enum class RunKind { identify, backup, update, recover, restore, other };
const char* to_text(RunKind kind); // "identify" | "backup" | "update" | "recover" | "restore"
[[nodiscard]] RunKind run_kind(std::string_view session_name);

// The phase a run is in (core's Progress::phase).
enum class RunPhase {
    none,
    validate,
    identify,
    backup,
    enter_bootloader,
    transfer,
    verify,
    restore,
    recovery,
    other,
};
const char* to_text(RunPhase phase); // "validate", "enter-bootloader", … ("" for none)
[[nodiscard]] RunPhase run_phase(std::string_view phase);

// The Tools page's job.
enum class ToolJob { none, send, receive, setting };
const char* to_text(ToolJob job); // "" | "send" | "receive" | "setting"

// One session run as the Upload/Backup/Recovery pages show it.
struct RunView {
    RunKind session = RunKind::other;
    RunPhase phase = RunPhase::none; // progress.phase, typed
    session::Progress progress;
    std::vector<session::LogLine> log;
    std::optional<session::Question> question;
    std::optional<session::Outcome> outcome;
    bool finished = false;
    double elapsed_s = 0.0;
    // Measured silence between consecutive sends (ms, at our send() call) and the minimum the
    // manifest requires, for the live plot.
    std::vector<float> gaps_ms;
    float required_gap_ms = 0.0F;
};

struct FirmwareView {
    std::string path;
    bool loaded = false;
    bool refused = true;
    bool unknown_release = false;
    std::string release;
    std::string verdict;
    std::string sha256;
    std::string decoded; // what decoding by the manifest's grammar found (pages, image, CRC)
    std::size_t messages = 0;
    std::uint64_t bytes = 0;
    std::vector<std::string> findings;    // "error at message 3 (offset 12): …"
    std::vector<Severity> finding_levels; // one per finding
    std::string eta_usb;                  // "about 12 s over USB" or "USB not supported"
    std::string eta_din;
    std::string typed_confirmation; // what the user must type for an unknown release
    bool generated = false;         // written by syxflash for practice (simulated mode)
};

// One row of the Firmware page's file browser.
struct FolderEntry {
    std::string name;
    std::string path;
    bool folder = false;
};
struct FolderView {
    std::string path;
    std::string parent;               // empty at the root
    std::vector<FolderEntry> entries; // folders first, then firmware-looking files
    std::string problem;              // "cannot read …"
};

struct LibraryItem {
    std::string device_id;
    std::string created;
    std::string file;
    std::string completeness;
    bool intact = false;
};

// The Tools page: generic send/receive of .syx files and the MIDIFly settings editor.
struct ToolsView {
    // The file chosen for Send, as checked by the engine.
    std::string file;
    std::size_t file_messages = 0;
    std::uint64_t file_bytes = 0;
    std::string file_problem; // why it cannot be sent (empty when it can)
    std::vector<std::string> recent;
    // The gap offered first: the device manifest's for the link, else a safe 150 ms.
    int default_gap_ms = 150;
    std::string default_gap_reason;
    ToolJob job = ToolJob::none; // while or after one ran
    bool running = false;        // the job above is running now
    std::size_t messages_done = 0;
    std::size_t message_count = 0; // 0 while receiving (unknown)
    std::uint64_t bytes_done = 0;
    std::uint64_t total_bytes = 0;
    double elapsed_s = 0.0;
    double eta_s = 0.0;
    int gap_ms = 0; // the gap the send used
    // Measured silence between messages at our send() (minus DIN wire time), ms.
    std::vector<float> gaps_ms;
    std::string result; // the last job's result line
    bool result_ok = false;
    std::string received_file; // where the last recording was saved
};

// An update (or recovery) the journal says was interrupted — killed mid-transfer, or ended with
// the device in an unknown state — and nobody marked resolved. Offered at start-up.
struct InterruptedUpdate {
    std::string session; // journal session id
    std::string device_id;
    std::string device_name;
    std::string when; // "2026-11-20 at 22:33 UTC"
    std::uint64_t messages_sent = 0;
    std::uint64_t message_count = 0;
    std::string file;          // the firmware that was being sent
    bool file_present = false; // still where it was
    bool device_known = false; // in this build's catalogue: recovery can run
    std::string how;           // "the program stopped during the transfer" / the failure
};

// Everything the update flow knows; published by the WizardEngine.
struct FlowView {
    bool engine_busy = false; // a job is running on the engine's worker
    std::string device_id;
    std::string device_name;
    std::string port;
    std::string port_badge; // "emulated device (virtual)"
    std::string port_reason;
    Link link = Link::usb;
    bool usb_allowed = true;
    bool din_allowed = true;
    std::string identity; // identity / version as detected
    StepState backup = StepState::idle;
    BackupKind backup_kind = BackupKind::none;
    std::string backup_text; // reason / where saved
    std::vector<std::string> backup_steps;
    std::string backup_skip_phrase = "skip backup";
    // False for devices whose firmware syxflash cannot send (backup/restore only).
    bool firmware_supported = true;
    std::string firmware_reason;
    std::string backup_file; // the backup made in this run
    StepState restore = StepState::idle;
    FirmwareView firmware;
    bool firmware_confirmed = false; // unknown release: the phrase was typed
    std::vector<std::string> recent_files;
    FolderView browser;
    StepState upload = StepState::idle;
    StepState verify = StepState::idle;
    StepState recovery = StepState::idle;
    std::optional<RunView> run; // the session running now, or the last one
    std::optional<session::Outcome> update_outcome;
    std::optional<session::Outcome> recovery_outcome;
    std::vector<std::string> recovery_steps;
    std::string recovery_title;
    bool recovery_terminal = false;
    std::vector<LibraryItem> library;
    std::string bundle_path;
    std::string tools_text; // result of the last Tools action
    // Hardware mode: real ports ranked, detect results, self-test (gui/hardware_view.hpp).
    HardwareView hardware;
    ToolsView tools;
    // Library export: the folder offered first (XDG documents dir, else home) and the result
    // line of the last export.
    std::string export_folder;
    std::string export_result;
    bool export_ok = false;
    // Interrupted updates found in the journal at start-up, still to be dealt with.
    std::vector<InterruptedUpdate> interrupted;
    // The journal session the Recovery page is settling (Recover pressed on the offer).
    std::string resuming_session;

    // A firmware file is loaded, passed validation, and (an unknown release) was confirmed:
    // what an upload or a recovery needs before it may send anything.
    [[nodiscard]] bool firmware_ready() const {
        return firmware.loaded && !firmware.refused &&
               (!firmware.unknown_release || firmware_confirmed);
    }
};

struct Snapshot {
    // Increases with every snapshot the engine publishes; the UI redraws when it changes.
    std::uint64_t generation = 0;
    RunMode mode = RunMode::simulated;
    // The device id asked for with --simulate, empty if none.
    std::string simulate_id;
    std::vector<DeviceCard> devices;
    // True while bytes are going to an instrument: navigation away is locked.
    bool transfer_running = false;
    // Human-readable log, oldest first.
    std::vector<std::string> log;
    // One line for the status bar.
    std::string status;

    FlowView flow;
    std::optional<EmulatedPanel> panel;
    // Why the wizard runs in simulated mode without --simulate ("No MIDI ports found (…)").
    std::string mode_reason;
};

} // namespace syx::gui
