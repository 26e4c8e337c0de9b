#pragma once
// Protocol sessions (DESIGN.md §2, §7): identify, backup, update, restore and recovery written
// sans-I/O. A session never touches a port, a file, a clock or a thread. It takes events plus
// `now` and answers with exactly ONE command. Everything that decides lives here, so every flow
// can be tested in virtual time against the emulators (tests/emulator/session_harness.hpp).
//
// How a driver pumps a session (the engine with real ports and sleeping, the test harness with
// virtual time):
//
//   Command cmd = session.handle(Event::started(), now());
//   for (;;) {
//     if (auto* f = std::get_if<Finish>(&cmd)) break;           // f->outcome says what happened
//     // Any event may be delivered at any time; the session's answer REPLACES the previous
//     // command (a session re-issues a pending send or question when it still wants it).
//     if (cancel requested)        { cmd = session.handle(Event::cancel(), now()); continue; }
//     if (a message arrived)       { cmd = session.handle(Event::message_received(bytes), now());
//                                    continue; }                 // one complete F0…F7 message
//     if (auto* s = std::get_if<Send>(&cmd)) {
//       sleep until start + s->not_before;                       // absolute deadline, no drift
//       write(s->bytes)  → on error: cmd = handle(Event::transport_failed(...)); continue;
//       cmd = session.handle(Event::send_completed(actual_start), now());
//     } else if (auto* w = std::get_if<Wait>(&cmd)) {
//       wait until a message arrives (→ message_received), cancel, or w->deadline
//       (→ cmd = handle(Event::deadline_reached(), now())).
//     } else if (auto* a = std::get_if<Ask>(&cmd)) {
//       show a->question; KEEP delivering incoming messages while it is open (manual dumps count
//       live: each message returns an updated Ask or a Finish); when the user answers:
//       cmd = handle(Event::user_answered(question id, choice id, typed text), now());
//       if a->deadline is set and passes unanswered: cmd = handle(Event::deadline_reached(), …).
//     }
//   }
//
// Rules every session keeps:
//   - `now` is virtual time since the session started (a duration, never a clock); it must not
//     go backwards. A deadline_reached before the deadline is ignored (the same command again).
//   - A failure during a critical phase (the transfer) never finishes silently: it finishes with
//     transfer_failed (or service_centre) carrying the manifest's recovery plan, and the log says
//     what state the device is probably in. There is no false success: `success` only after the
//     device confirmed (identity/version, or the user reading a success display message).
//   - Messages the device sent are kept byte-identical (backup results).
//   - Exit codes (DESIGN.md §8) follow from Outcome::kind via exit_code_for().
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace syx::session {

using Bytes = std::vector<std::uint8_t>;
// Virtual time since the session started.
using SessionTime = std::chrono::nanoseconds;

// ---------------------------------------------------------------------------------------------
// Events (driver → session)

enum class EventKind {
    started,          // first event, exactly once
    message_received, // one complete SysEx message F0…F7 from the device's port
    send_completed,   // the last Send was written; sent_at = what the next send is spaced from
    deadline_reached, // the Wait / Ask deadline passed
    user_answered,    // the open question was answered
    transport_failed, // port vanished / write error
    cancel,           // the user asked to stop (Ctrl-C, Cancel button)
};
const char* to_string(EventKind kind);

enum class TransportError { port_vanished, write_error };
const char* to_string(TransportError error); // "port-vanished" | "write-error"

struct Event {
    EventKind kind = EventKind::started;
    Bytes message; // message_received
    // send_completed: when the write started, or later when the message left late (the time the
    // next send keeps its spacing from)
    std::optional<SessionTime> sent_at;
    std::string question_id; // user_answered
    std::string choice_id;   // user_answered
    std::string text;        // user_answered: typed text, if the question has one
    TransportError error = TransportError::write_error; // transport_failed
    std::string detail;                                 // transport_failed: backend's words
    // cancel: the user insisted (a second Ctrl-C, SIGTERM): stop now, without asking whether to;
    // `detail` then says who stopped it ("a second Ctrl-C", "SIGTERM").
    bool insist = false;

    static Event started() { return Event{}; }
    static Event message_received(Bytes bytes);
    static Event send_completed(std::optional<SessionTime> sent_at = std::nullopt);
    static Event deadline_reached();
    static Event user_answered(std::string question_id, std::string choice_id,
                               std::string text = {});
    static Event transport_failed(TransportError error, std::string detail = {});
    static Event cancel(bool insist = false, std::string detail = {});
};

// ---------------------------------------------------------------------------------------------
// Commands (session → driver)

// Write these bytes (a whole message or one chunk of one) no earlier than `not_before`.
struct Send {
    Bytes bytes;
    SessionTime not_before{0};
    std::size_t message_index = 0; // within the file / request list
    std::size_t chunk_index = 0;
    std::size_t chunk_count = 1;
    bool critical = false; // part of the firmware transfer: "do not power off"
    // The next send is spaced from when this one actually left the process, not from the send()
    // call: the driver waits for the departure and reports it in send_completed's sent_at
    // (core/pacer.hpp space_from_departure decides; the engine's paced sender does it).
    bool space_from_departure = false;
};

// Wait for a message (or cancel) until `deadline`, then deliver deadline_reached.
struct Wait {
    SessionTime deadline{0};
    std::string reason; // "identity reply", "bulk dump" — for logs and the UI
};

// Why a question is asked; lets a UI pick a layout and a test policy act like a user.
enum class QuestionPurpose {
    confirm,            // go on / stop (e.g. send anyway, restore now)
    typed_confirmation, // the user must type `Question::typed_confirmation` to go on
    manual_dump,        // "start the dump on the front panel"; messages arrive while open
    enter_bootloader,   // front-panel steps that put the device in its update state
    recovery_step,      // one step of a recovery plan
    display_check,      // "what does the display show?"; choices are the manifest's texts
    reconnect,          // plug the cable back in / pick the port again
    information,        // something the user must read; one "ok" choice
};
const char* to_string(QuestionPurpose purpose);

struct Choice {
    std::string id;    // stable: "continue", "cancel", "done", "display:3", "other"
    std::string label; // as shown
};

struct Question {
    std::string id; // unique within the session run ("bootloader", "recovery-step-2", …)
    QuestionPurpose purpose = QuestionPurpose::confirm;
    std::string title;
    std::string text;               // plain words; may change between re-issues (live counts)
    std::vector<std::string> steps; // ordered front-panel steps, when there are any
    std::vector<Choice> choices;
    // When set, the answer must carry exactly this text in Event::text (unknown release).
    std::optional<std::string> typed_confirmation;
    // Panel labels the text mentions in capitals ("MASTER", "PRESET", "TRIG 3"), for
    // highlighting; a hint, taken from the manifest's wording.
    std::vector<std::string> buttons;
    // Questions that may take free text ("other" display text) say so.
    bool accepts_text = false;
};

struct Ask {
    Question question;
    // When set: deliver deadline_reached if the user has not answered by then (a manual dump
    // that stops arriving). Not set: wait for the user as long as it takes.
    std::optional<SessionTime> deadline;
};

enum class OutcomeKind {
    success,         // done and verified
    refused,         // stopped before anything was sent (validation, gate, wrong device)
    no_answer,       // the device did not answer
    incomplete,      // a dump arrived incomplete: no backup may be claimed
    transfer_failed, // a send failed or was interrupted: recovery plan attached
    cancelled,       // the user stopped it (state of the device in `message`)
    service_centre,  // only a service centre can help now: said plainly, no retry
};
const char* to_string(OutcomeKind kind); // "success" | "refused" | …
// 0 success, 3 refused, 4 transfer failed / service centre, 5 no answer / incomplete,
// 130 cancelled (DESIGN.md §8).
int exit_code_for(OutcomeKind kind);

struct Outcome {
    OutcomeKind kind = OutcomeKind::success;
    std::string message; // one paragraph for the user: what happened, what state the device is in
    // The manifest's recovery plan for the failure (empty when none applies).
    std::string recovery_plan;
    std::string recovery_title;
    std::vector<std::string> recovery_steps;
    // What reached the port (whole messages / bytes written by completed sends).
    std::size_t messages_sent = 0;
    std::uint64_t bytes_sent = 0;
    // True once anything was written in a critical phase: the device may be half-updated.
    bool device_touched = false;
    // update: the user accepted the offer to restore presets now (the driver runs a restore).
    bool restore_requested = false;
};

struct Finish {
    Outcome outcome;
};

using Command = std::variant<Send, Wait, Ask, Finish>;

// ---------------------------------------------------------------------------------------------
// Progress and log (read by the driver after every handle(), published as snapshots)

struct Progress {
    std::string phase;     // "identify", "backup", "validate", "enter-bootloader", "transfer", …
    bool critical = false; // "do not power off"
    std::size_t messages_done = 0;
    std::size_t messages_total = 0;
    std::uint64_t bytes_done = 0;
    std::uint64_t bytes_total = 0;
    // From the pacing plan: time left for the transfer (nullopt when not transferring).
    std::optional<SessionTime> eta;
    // Receive side (backups): messages counted and what completeness still needs.
    std::size_t messages_received = 0;
    std::string completeness; // "37 of 50 program pair dumps (bank 1)"
    // Measured from the send times the driver reported (send_completed sent_at): the smallest
    // silence between one message's end on the wire and the next message's start.
    std::optional<SessionTime> smallest_measured_gap;
};

enum class LogLevel { info, warning, error };

struct LogLine {
    SessionTime at{0};
    LogLevel level = LogLevel::info;
    std::string text; // plain words
};

// ---------------------------------------------------------------------------------------------

class Session {
public:
    virtual ~Session() = default;
    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Feeds one event; returns the one thing the driver must do next. After a Finish every
    // further call returns the same Finish.
    virtual Command handle(const Event& event, SessionTime now) = 0;

    [[nodiscard]] virtual std::string_view name() const = 0; // "identify", "backup", …
    [[nodiscard]] virtual const Progress& progress() const = 0;
    [[nodiscard]] virtual const std::vector<LogLine>& log() const = 0;
    // The outcome once finished.
    [[nodiscard]] virtual const std::optional<Outcome>& outcome() const = 0;
};

} // namespace syx::session
