#pragma once
// The firmware update as ONE engine job (issue 12), for `syxflash-cli upload`, `recover` and the
// wizard alike:
//   prepare:  the device (a user manifest named), the gap floor, the file read and validated
//             (unknown release only when allowed), the recovery context from the journal (a
//             file that is not the journaled one is named and must be confirmed), the backup
//             gate's decision (a given backup verified, --skip-backup, or skipped because the
//             journal shows the device half-written, saying why);
//   run:      the backup made now when the gate needs one (saved, or no firmware is sent) →
//             the journal → the update (or, for a half-written device, its recovery plan and the
//             transfer again, slower) → presets restored when the user accepted → the journal
//             entries this run settled marked resolved (same device, same kind of link).
// The host (engine/job_host.hpp) presents the events and the result and answers questions.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/session_validation.hpp"
#include "core/sysex_file.hpp"
#include "core/update_session.hpp"
#include "engine/flow_gates.hpp"
#include "engine/job_host.hpp"
#include "engine/journal.hpp"

namespace syx::engine {

// The device and the file every sending job starts from: the manifest in use with the gap floor
// applied, and the file read. Usage problems (unknown device, unreadable file, a wrong override
// phrase) and a refused gap come back as a JobProblem.
struct JobStart {
    Manifest manifest;
    std::shared_ptr<const SysexFile> file; // null when no file was asked for
    // What every run says: a user manifest in use, a documented gap it could not lower.
    std::vector<std::string> notices;
    bool gap_floor_overridden = false; // the typed override let a smaller gap through
};
[[nodiscard]] std::variant<JobStart, JobProblem> start_job(const std::string& device_id,
                                                           const std::filesystem::path& file_path,
                                                           const std::string& gap_override = {});

struct UpdateJobRequest {
    std::string command = "upload"; // what started it ("upload", "recover", "wizard"): messages
    std::string device_id;
    std::filesystem::path file;   // as the user named it (the journal makes it absolute)
    std::filesystem::path backup; // a verified backup of this device made earlier; empty: none
    bool skip_backup = false;
    // What the backup gate says when skip_backup is set (empty: "--skip-backup on the command
    // line"); the wizard names its typed confirmation.
    std::string skip_backup_reason;
    bool allow_unknown_release = false;
    std::optional<Link> link; // asked by the user; else the port decides (JobConnection::link)
    std::string gap_override; // the typed phrase for going below a documented gap (empty: none)
    // How the user reaches the device, for the journal lookup before a port is open and for the
    // commands the job prints (recover, restore later). `api` empty: the platform default.
    std::string api;
    std::string port;
    // Recovery: the journal's interrupted updates of this device are looked at; a half-written
    // device gets its recovery plan and a slower transfer instead of the backup gate.
    bool recovery = false;
    std::string plan;      // recovery plan id (empty: the one the interrupted update ended with)
    unsigned attempts = 3; // transfers at most (recovery)
    bool not_the_journaled_file = false;
    // Evidence beyond the device's answers (an emulated device's own state, see
    // engine/update_job.hpp emulated_version_evidence); may be empty.
    std::function<std::optional<std::string>()> extra_evidence;
    // Starts the update journal (file I/O, synced); empty: engine::start_update_journal. The
    // wizard's tests hold it on a latch to show its UI thread never waits for the journal.
    std::function<Result<UpdateJournal>(const JournalStart&, const std::filesystem::path&)>
        start_journal;
};

struct UpdateJobResult {
    JobExit exit = JobExit::success;
    // How far it got: the backup gate's dump failed (outcome is the backup's, nothing sent), its
    // save failed (`problem`, nothing sent), or the update ran (outcome is the update's).
    enum class Stage { backup_failed, backup_not_saved, updated } stage = Stage::updated;
    session::Outcome outcome;
    std::optional<JobProblem> problem;
    unsigned attempts = 1;
    unsigned slowdown = 1;
    session::BackupGate backup_gate;
    std::optional<std::filesystem::path> backup_file; // given or made now
    std::optional<std::filesystem::path> journal;     // this run's journal file
    std::optional<std::string> journal_session;
    // The restore after the update, when the user accepted it (its own outcome).
    std::optional<session::Outcome> restore;
    std::vector<std::string> resolved_sessions; // journal entries this run settled
    // Failed after touching the device: the command that sends the firmware again, guided
    // (shell-quoted).
    std::optional<std::string> recover_command;
};

class UpdateJob {
public:
    // Everything decided before a port is opened. Notices go to the host as they are found.
    [[nodiscard]] static std::variant<UpdateJob, JobProblem> prepare(UpdateJobRequest request,
                                                                     JobHost& host);

    // The backup gate, the journal, the transfer, verify, restore-after and the journal entries
    // resolved, over the host's open connection (which the job does not close).
    [[nodiscard]] UpdateJobResult run(const JobConnection& connection, JobHost& host);

    // What the run is about (for the host's start line).
    [[nodiscard]] const UpdateJobRequest& request() const { return m_request; }
    [[nodiscard]] const Manifest& manifest() const { return m_start.manifest; }
    [[nodiscard]] const SysexFile& file() const { return *m_start.file; }
    [[nodiscard]] const session::FileCheck& file_check() const { return m_firmware.check; }
    [[nodiscard]] const RecoveryContext& recovery() const { return m_recovery; }
    // The journal shows the device half-written: its recovery plan runs, no backup is made.
    [[nodiscard]] bool half_written() const { return m_half_written; }
    // The largest message the device may send (input buffers of the port the host opens).
    [[nodiscard]] std::size_t max_input_bytes() const;
    // The device never answers over MIDI (no identity, no dump, no reply): an output port alone
    // (a one-way cable) is enough, and nothing can be verified over MIDI.
    [[nodiscard]] bool device_never_answers() const;

private:
    UpdateJob(UpdateJobRequest request, JobStart start);
    std::optional<JobProblem> check_recovery(JobHost& host);
    std::optional<JobProblem> decide_backup_gate(JobHost& host);
    std::optional<UpdateJobResult> make_backup(const JobConnection& connection, JobHost& host);
    void start_journal(const JobConnection& connection, JobHost& host);
    session::UpdateOptions update_options(const JobConnection& connection) const;
    void transfer(const JobConnection& connection, JobHost& host, UpdateJobResult& result);
    void restore_after(const JobConnection& connection, JobHost& host, UpdateJobResult& result);
    [[nodiscard]] std::string recover_command() const;
    [[nodiscard]] bool release_allowed() const;

    UpdateJobRequest m_request;
    JobStart m_start;
    FirmwareGate m_firmware;
    std::optional<std::filesystem::path> m_journal_dir;
    RecoveryContext m_recovery;
    bool m_half_written = false;
    session::BackupGate m_gate;
    std::optional<std::filesystem::path> m_backup_file;
    std::shared_ptr<UpdateJournal> m_journal;
};

// The largest message a device may send us (backup replies, identity), for input buffers.
[[nodiscard]] std::size_t max_input_bytes(const Manifest& manifest);

// "\n  first\n  second": problems listed under a sentence.
[[nodiscard]] std::string indented_lines(const std::vector<std::string>& lines);

// The device never answers over MIDI: no identity request, no automatic dump, no handshake.
[[nodiscard]] bool device_never_answers(const Manifest& manifest);

} // namespace syx::engine
