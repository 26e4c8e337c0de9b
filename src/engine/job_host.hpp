#pragma once
// What every engine job (update and recover, restore, backup) shares with whoever presents it
// (issue 12): the CLI and the wizard start a job and implement a JobHost. The job owns the
// gates, the journal, the backup save, the backend limits and what it reports; the host shows
// what the job publishes (typed JobEvents) and answers its questions through the one
// engine::UserPrompt interface. A gate written in the job holds on every path into a device.
//
//   host ──request──► Job::prepare()  (validation and gates that need no port: a JobProblem,
//                                      nothing sent, or a prepared job)
//   host opens the device's ports (its own way: CLI port matching, the wizard's port page)
//   host ──connection──► job.run()    (sessions over the port, events to the host, a result)
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "core/link.hpp"
#include "core/session.hpp"
#include "core/session_validation.hpp"
#include "engine/session_runner.hpp"
#include "transport/midi_transport.hpp"

namespace syx::engine {

// How a job ended, in the CLI's exit-code categories (DESIGN.md §8); the values are the codes.
enum class JobExit : int {
    success = 0,
    internal = 1,
    usage = 2,           // unknown device, unreadable file, bad option value
    refused = 3,         // a gate refused before anything was sent
    transfer_failed = 4, // the transfer failed or was interrupted (recovery plan given)
    no_answer = 5,       // no reply, or a dump was incomplete
    cancelled = 130,
};
[[nodiscard]] JobExit job_exit_for(session::OutcomeKind kind);
[[nodiscard]] inline int exit_code(JobExit exit) {
    return static_cast<int>(exit);
}

// A job that stopped before it sent anything (prepare), or a step that could not go on.
struct JobProblem {
    JobExit exit = JobExit::refused;
    std::string message; // for people: what and why; says that nothing was sent where so
    // Set when the firmware file failed its gate: every finding, the verdict, the release.
    std::optional<session::FileCheck> file_check;
};

// The device's ports as the host opened them.
struct JobConnection {
    transport::MidiTransport* transport = nullptr; // open; the job never closes it
    std::shared_ptr<SessionMailbox> mailbox;       // installed as the transport's receive callback
    std::string port;                              // the output port's name as opened
    std::string api;                               // transport::to_string(api): journal, recovery
    Link link = Link::usb;                         // decided for this port
    // False on a one-way cable (output only): the device is never heard, so nothing can be
    // verified over MIDI.
    bool can_receive = true;
};

// ---- what a job publishes --------------------------------------------------------------------

enum class JobStep {
    backup,   // the backup gate's dump (or the backup job)
    transfer, // the firmware update (or the recovery plan and transfer)
    restore,  // presets back (after an update, or the restore job)
};
[[nodiscard]] const char* to_string(JobStep step); // "backup" | "transfer" | "restore"

namespace job_event {
// Something every run says (a user manifest in use, a gate skipped and why, a file that is not
// the journaled one sent as confirmed, a one-way cable).
struct Notice {
    std::string text;
};
// The device has no backup procedure (the manifest's reason): the update goes on without one.
struct NoBackupProcedure {
    std::string reason;
};
// A session starts on the device; SessionUpdate events follow, then SessionFinished.
struct SessionStarted {
    JobStep step;
};
// The running session's newest snapshot (progress, log, notes, open question). On the session's
// worker thread: the host copies what it needs and returns quickly.
struct SessionUpdate {
    JobStep step;
    std::shared_ptr<const RunSnapshot> snapshot;
};
struct SessionFinished {
    JobStep step;
    session::Outcome outcome;
};
// The backup gate's dump was saved (library file).
struct BackupSaved {
    std::filesystem::path file;
    std::string sha256;
};
// The update journal could not be started: an interrupted run will not be listed later.
struct JournalUnavailable {
    std::string message;
};
} // namespace job_event

using JobEvent =
    std::variant<job_event::Notice, job_event::NoBackupProcedure, job_event::SessionStarted,
                 job_event::SessionUpdate, job_event::SessionFinished, job_event::BackupSaved,
                 job_event::JournalUnavailable>;

// The presenter of a job: the CLI (text or JSON Lines) or the wizard (snapshots for the UI).
class JobHost {
public:
    virtual ~JobHost() = default;
    // Every event, in order. SessionUpdate comes on the session's worker thread, the others on
    // the thread that called prepare()/run().
    virtual void on_event(const JobEvent& event) = 0;
    // Where questions go (nullptr: every question is cancelled).
    virtual UserPrompt* prompt() { return nullptr; }
    // The runner of the session that starts (answers and cancel go to it), then nullptr when it
    // has ended.
    virtual void attach_runner(SessionRunner* runner) { (void)runner; }
    // A first request to stop (Ctrl-C, Cancel): the session decides; a second, insisting one:
    // stop now and journal where it stood. Either may be null.
    virtual const std::atomic<bool>* cancel_flag() { return nullptr; }
    virtual const std::atomic<bool>* stop_flag() { return nullptr; }
    // Why stop_flag was set, for the journal and the outcome ("a second Ctrl-C", "SIGTERM").
    virtual std::string stop_reason() { return "a second Ctrl-C"; }
    // The journal folder (default: engine::journal_dir()); nullopt: no journal.
    virtual std::optional<std::filesystem::path> journal_folder();
    // Every step of a session (traces, the wizard's gap plot), on the worker thread.
    virtual void on_step(const session::Session& session, const session::Command& command) {
        (void)session;
        (void)command;
    }
};

// Runs one session over the connection for a job: the host's prompt, flags and runner hook, its
// snapshots as SessionUpdate events between SessionStarted and SessionFinished. `journal` may be
// null. Returns the session's outcome.
session::Outcome run_job_session(session::Session& session, JobStep step,
                                 const JobConnection& connection, JobHost& host,
                                 UpdateJournal* journal = nullptr);

} // namespace syx::engine
