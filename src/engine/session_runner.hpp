#pragma once
// Pumps one sans-I/O core session (core/session.hpp) over a MidiTransport in real time
// (DESIGN.md §2): the engine side of "a session takes events plus now and returns one command".
//
//  - ONE worker thread per run: the only caller of send() and ports_still_present(). The
//    transport's receive callback only enqueues into a SessionMailbox (no I/O, no sleeping).
//  - Virtual time = steady_clock since the run started; Send::not_before becomes an absolute
//    deadline the worker waits for (condition variable wait_until: no drift from repeated
//    relative sleeps), while still delivering messages that arrive meanwhile (a NAK mid-transfer
//    must not wait for the next send).
//  - Sends are exactly the session's (it chunks and paces with core/pacer.hpp; the backend's
//    limits and jitter come from transport_limits()) and go through the one PacedSender
//    (engine/paced_sender.hpp), as `send` and Tools do: where the session asks
//    (Send::space_from_departure), send_completed carries when the message actually left, so
//    the next gap is kept from its departure. The port list is polled between messages so an
//    unplugged device becomes Event::transport_failed instead of a silent stall.
//  - Cancellation (Ctrl-C flag, Cancel button) is delivered to the session as Event::cancel —
//    the session decides (an update asks before abandoning a half-sent firmware).
//  - Questions go to a UserPrompt (CLI: terminal or --yes policy; GUI: buttons) and come back,
//    from any thread, through answer().
//  - Every step publishes an immutable snapshot (std::shared_ptr<const RunSnapshot>) and calls
//    the notification callback (the GUI posts glfwPostEmptyEvent from it).
//  - An UpdateJournal, when given, gets the phase changes and every completed message.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/session.hpp"
#include "engine/transfer_receive.hpp"
#include "transport/midi_transport.hpp"

namespace syx::engine {

class UpdateJournal;
class PacedSender;

// The receive-callback → worker handoff, plus answers and cancel requests from the UI. Shared by
// the transport's callback and the runners that use it one after another (backup, then update).
class SessionMailbox {
public:
    struct Answer {
        std::string question_id;
        std::string choice_id;
        std::string text;
    };

    // For MidiTransport::set_receive_callback. Keeps the mailbox alive as long as the callback.
    static transport::ReceiveCallback callback(const std::shared_ptr<SessionMailbox>& mailbox);

    void push_bytes(std::span<const std::uint8_t> bytes, transport::TimePoint arrival);
    void push_answer(Answer answer);
    void push_cancel();
    // Drops what arrived so far (between two sessions on the same port).
    void clear();

    struct Item {
        enum class Kind { bytes, answer, cancel } kind = Kind::bytes;
        std::vector<std::uint8_t> bytes;
        transport::TimePoint arrival{};
        Answer answer;
    };
    // Waits until an item is there or the deadline passes.
    std::optional<Item> pop_until(transport::TimePoint deadline);

private:
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<Item> m_items;
};

// What the UI shows; replaced as a whole at every step, never changed once published.
struct RunSnapshot {
    std::uint64_t generation = 0;
    std::string session; // "backup", "update", …
    session::Progress progress;
    std::shared_ptr<const std::vector<session::LogLine>> log;
    // Things the runner itself noticed (a message cut short on the way in, a late send).
    std::shared_ptr<const std::vector<std::string>> notes;
    std::optional<session::Ask> question; // the open question, if any
    std::optional<session::Outcome> outcome;
    bool finished = false;
    bool cancel_requested = false;
    std::chrono::nanoseconds elapsed{0};
    // Sending: "do not power off".
    [[nodiscard]] bool critical() const { return progress.critical && !finished; }
};

// Shows questions. Called on the worker thread; must not block: the answer comes back later
// through SessionRunner::answer() (possibly from inside ask(), e.g. a --yes policy).
class UserPrompt {
public:
    virtual ~UserPrompt() = default;
    // A new question, or the same question re-issued with new text (live counts): same id.
    virtual void ask(const session::Ask& ask) = 0;
    // The question is no longer open (answered, or the session moved on without it).
    virtual void withdraw(const std::string& question_id) = 0;
};

struct RunnerOptions {
    std::chrono::milliseconds port_poll_interval{500};
    // How long the transport may take to hand a send on (engine/paced_sender.hpp).
    std::chrono::milliseconds drain_timeout{2000};
    // How often the worker looks at the cancel flag while waiting (a signal handler cannot wake
    // a condition variable).
    std::chrono::milliseconds cancel_poll{20};
    const std::atomic<bool>* cancel_flag = nullptr; // e.g. the SIGINT flag
    // Set when the user insists (a second Ctrl-C): delivered as Event::cancel(insist = true), so
    // the session stops without asking, and the journal gets a note of where it stood.
    const std::atomic<bool>* stop_flag = nullptr;
    // Why stop_flag was set, for the journal's note ("a second Ctrl-C" when not given; "SIGTERM").
    std::function<std::string()> stop_reason;
    UserPrompt* prompt = nullptr; // nullptr: every question is cancelled
    // Called on the worker thread after every new snapshot. Must be thread-safe and quick.
    std::function<void()> on_snapshot;
    // Optional: phase changes and progress of the transfer are journaled (and the finish).
    UpdateJournal* journal = nullptr;
    // Called on the worker thread after every handle(), before the snapshot (tests, traces).
    std::function<void(const session::Session&, const session::Command&)> on_step;
};

class SessionRunner {
public:
    SessionRunner(session::Session& session, transport::MidiTransport& transport,
                  std::shared_ptr<SessionMailbox> mailbox, RunnerOptions options = {});
    ~SessionRunner(); // joins the worker (after asking the session to cancel if still running)
    SessionRunner(const SessionRunner&) = delete;
    SessionRunner& operator=(const SessionRunner&) = delete;

    void start();                   // spawns the worker
    const session::Outcome& wait(); // joins; the session's outcome
    const session::Outcome& run() {
        start();
        return wait();
    }

    // Any thread.
    void answer(std::string question_id, std::string choice_id, std::string text = {});
    void cancel();
    [[nodiscard]] std::shared_ptr<const RunSnapshot> snapshot() const;

private:
    void pump();
    bool deliver_cancel(session::Command& command);
    [[nodiscard]] transport::TimePoint deadline_of(const session::Command& command) const;
    void deliver_item(SessionMailbox::Item& item, session::Command& command);
    session::Command act_on_deadline(PacedSender& sender, const session::Command& command);
    void finish_run(PacedSender& sender, const session::Command& command);
    session::Command deliver(const session::Event& event);
    void publish(bool force);
    void note(std::string text);
    void journal_stop_request();
    [[nodiscard]] std::string stop_reason() const;

    session::Session& m_session;
    transport::MidiTransport& m_transport;
    std::shared_ptr<SessionMailbox> m_mailbox;
    RunnerOptions m_options;
    std::thread m_worker;
    session::Outcome m_outcome;

    transport::TimePoint m_start{};
    SysexAssembler m_assembler;
    std::shared_ptr<const std::vector<session::LogLine>> m_log_copy;
    std::size_t m_log_size = 0;
    std::vector<std::string> m_notes;
    std::shared_ptr<const std::vector<std::string>> m_notes_copy;
    std::optional<session::Ask> m_open_question;
    std::string m_journal_phase;
    std::size_t m_journal_messages = 0;
    bool m_journal_critical = false; // the previous step was in the critical (sending) phase
    std::atomic<unsigned> m_cancel_requests{0};
    unsigned m_cancels_delivered = 0;
    bool m_flag_seen = false;
    bool m_stop_seen = false;
    transport::TimePoint m_last_publish{};

    mutable std::mutex m_snapshot_mutex;
    std::shared_ptr<const RunSnapshot> m_snapshot;
    std::uint64_t m_generation = 0;
};

// The backend's limits for the session's pacer: largest send and delivery jitter (plus a small
// margin for scheduler wake-up), as engine/transfer.hpp computes them for plain transfers.
struct TransportLimits {
    std::optional<std::size_t> max_message_bytes;
    std::chrono::nanoseconds delivery_jitter{0};
};
[[nodiscard]] TransportLimits transport_limits(const transport::MidiTransport& transport);

} // namespace syx::engine
