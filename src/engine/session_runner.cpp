#include "engine/session_runner.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "engine/journal.hpp"
#include "engine/paced_sender.hpp"
#include "engine/transfer.hpp"

namespace syx::engine {

using transport::Clock;
using transport::TimePoint;

// ---- SessionMailbox ---------------------------------------------------------------------------

transport::ReceiveCallback
SessionMailbox::callback(const std::shared_ptr<SessionMailbox>& mailbox) {
    return [mailbox](std::span<const std::uint8_t> bytes, TimePoint arrival) {
        mailbox->push_bytes(bytes, arrival);
    };
}

void SessionMailbox::push_bytes(std::span<const std::uint8_t> bytes, TimePoint arrival) {
    {
        std::lock_guard lock(m_mutex);
        Item item;
        item.kind = Item::Kind::bytes;
        item.bytes.assign(bytes.begin(), bytes.end());
        item.arrival = arrival;
        m_items.push_back(std::move(item));
    }
    m_ready.notify_one();
}

void SessionMailbox::push_answer(Answer answer) {
    {
        std::lock_guard lock(m_mutex);
        Item item;
        item.kind = Item::Kind::answer;
        item.answer = std::move(answer);
        m_items.push_back(std::move(item));
    }
    m_ready.notify_one();
}

void SessionMailbox::push_cancel() {
    {
        std::lock_guard lock(m_mutex);
        Item item;
        item.kind = Item::Kind::cancel;
        m_items.push_back(std::move(item));
    }
    m_ready.notify_one();
}

void SessionMailbox::clear() {
    std::lock_guard lock(m_mutex);
    m_items.clear();
}

std::optional<SessionMailbox::Item> SessionMailbox::pop_until(TimePoint deadline) {
    std::unique_lock lock(m_mutex);
    if (!m_ready.wait_until(lock, deadline, [this] { return !m_items.empty(); })) {
        return std::nullopt;
    }
    Item front = std::move(m_items.front());
    m_items.pop_front();
    return front;
}

// ---- SessionRunner ----------------------------------------------------------------------------

TransportLimits transport_limits(const transport::MidiTransport& transport) {
    const PacerConfig config = effective_pacer_config(transport, TransferOptions{});
    return TransportLimits{config.backend_max_message_bytes, config.delivery_jitter};
}

SessionRunner::SessionRunner(session::Session& session, transport::MidiTransport& transport,
                             std::shared_ptr<SessionMailbox> mailbox, RunnerOptions options)
    : m_session(session), m_transport(transport), m_mailbox(std::move(mailbox)),
      m_options(std::move(options)) {
    auto first = std::make_shared<RunSnapshot>();
    first->session = std::string(m_session.name());
    first->log = std::make_shared<const std::vector<session::LogLine>>();
    first->notes = std::make_shared<const std::vector<std::string>>();
    m_snapshot = std::move(first);
    m_log_copy = std::make_shared<const std::vector<session::LogLine>>();
    m_notes_copy = std::make_shared<const std::vector<std::string>>();
}

SessionRunner::~SessionRunner() {
    if (m_worker.joinable()) {
        cancel();
        m_worker.join();
    }
}

void SessionRunner::start() {
    if (!m_worker.joinable()) {
        m_worker = std::thread([this] { pump(); });
    }
}

const session::Outcome& SessionRunner::wait() {
    if (m_worker.joinable()) {
        m_worker.join();
    }
    return m_outcome;
}

void SessionRunner::answer(std::string question_id, std::string choice_id, std::string text) {
    m_mailbox->push_answer({std::move(question_id), std::move(choice_id), std::move(text)});
}

void SessionRunner::cancel() {
    m_cancel_requests.fetch_add(1);
    m_mailbox->push_cancel();
}

std::shared_ptr<const RunSnapshot> SessionRunner::snapshot() const {
    std::lock_guard lock(m_snapshot_mutex);
    return m_snapshot;
}

void SessionRunner::note(std::string text) {
    m_notes.push_back(std::move(text));
    m_notes_copy = std::make_shared<const std::vector<std::string>>(m_notes);
}

session::Command SessionRunner::deliver(const session::Event& event) {
    const auto now = std::chrono::duration_cast<session::SessionTime>(Clock::now() - m_start);
    session::Command command = m_session.handle(event, now);
    if (m_options.on_step) {
        m_options.on_step(m_session, command);
    }
    // The journal follows the session's progress: phase changes (synced) and completed messages.
    if (m_options.journal != nullptr) {
        const auto& p = m_session.progress();
        // The message that ends the transfer also ends the critical phase in the same step: its
        // count is journaled before the phase change, so the journal counts every message that
        // left (not one short).
        if ((p.critical || m_journal_critical) && p.messages_done > m_journal_messages) {
            m_journal_messages = p.messages_done;
            if (auto s = m_options.journal->progress(p.messages_done, p.bytes_done); !s) {
                note(fmt::format("journal: {}", s.error().message));
            }
        }
        m_journal_critical = p.critical;
        if (!p.phase.empty() && p.phase != m_journal_phase) {
            m_journal_phase = p.phase;
            m_journal_messages = 0; // a recovery retry starts its transfer from message 1
            if (auto s = m_options.journal->phase(p.phase); !s) {
                note(fmt::format("journal: {}", s.error().message));
            }
        }
    }
    // Questions: tell the prompt about new ones and re-issues with new text; withdraw old ones.
    const auto* ask = std::get_if<session::Ask>(&command);
    if (m_open_question && (ask == nullptr || ask->question.id != m_open_question->question.id)) {
        if (m_options.prompt != nullptr) {
            m_options.prompt->withdraw(m_open_question->question.id);
        }
        m_open_question.reset();
    }
    bool force = false;
    if (ask != nullptr) {
        const bool is_new = !m_open_question;
        const bool changed =
            m_open_question &&
            (m_open_question->question.text != ask->question.text ||
             m_open_question->question.choices.size() != ask->question.choices.size());
        m_open_question = *ask;
        if (is_new || changed) {
            force = true;
            publish(true); // the UI shows the question before anyone can answer it
            if (m_options.prompt != nullptr) {
                m_options.prompt->ask(*ask);
            } else {
                cancel(); // nobody can answer: stop rather than hang
            }
        }
    }
    if (std::holds_alternative<session::Finish>(command)) {
        force = true;
    }
    publish(force);
    return command;
}

std::string SessionRunner::stop_reason() const {
    return m_options.stop_reason ? m_options.stop_reason() : std::string("a second Ctrl-C");
}

void SessionRunner::journal_stop_request() {
    if (m_options.journal == nullptr) {
        return;
    }
    const auto& p = m_session.progress();
    const std::string doing = p.critical
                                  ? fmt::format("the device was receiving '{}'", p.phase)
                                  : fmt::format("during '{}'", p.phase.empty() ? "start" : p.phase);
    const auto left = p.messages_total > p.messages_done ? p.messages_total - p.messages_done : 0;
    const std::string reason = stop_reason();
    if (auto s = m_options.journal->note(
            fmt::format("{}: stopping now; {}; {} of {} message(s) sent, {} not sent", reason,
                        doing, p.messages_done, p.messages_total, left));
        !s) {
        note(fmt::format("journal: {}", s.error().message));
    }
}

void SessionRunner::publish(bool force) {
    const auto now = Clock::now();
    const auto& log = m_session.log();
    const bool log_changed = log.size() != m_log_size;
    // Progress-only updates are throttled (a transfer of thousands of chunks); anything the user
    // must see — a log line, a question, the end — goes out at once.
    if (!force && !log_changed && now - m_last_publish < std::chrono::milliseconds(20)) {
        return;
    }
    if (log_changed) {
        m_log_copy = std::make_shared<const std::vector<session::LogLine>>(log);
        m_log_size = log.size();
    }
    auto next = std::make_shared<RunSnapshot>();
    next->session = std::string(m_session.name());
    next->progress = m_session.progress();
    next->log = m_log_copy;
    next->notes = m_notes_copy;
    next->question = m_open_question;
    next->outcome = m_session.outcome();
    next->finished = m_session.outcome().has_value();
    next->cancel_requested = m_cancel_requests.load() > 0;
    next->elapsed = now - m_start;
    {
        std::lock_guard lock(m_snapshot_mutex);
        next->generation = ++m_generation;
        m_snapshot = std::move(next);
    }
    m_last_publish = now;
    if (m_options.on_snapshot) {
        m_options.on_snapshot();
    }
}

// Delivers a pending cancel request or the insisting stop, once each. True when it did.
bool SessionRunner::deliver_cancel(session::Command& command) {
    // Cancel: each request delivered once (the Ctrl-C flag counts as one request; a second
    // Ctrl-C, SIGTERM or SIGHUP sets stop_flag, below).
    if (!m_flag_seen && m_options.cancel_flag != nullptr &&
        m_options.cancel_flag->load(std::memory_order_relaxed)) {
        m_flag_seen = true;
        m_cancel_requests.fetch_add(1);
    }
    // Insisting: the session stops without asking, and the journal records where it stood (not
    // "killed or crashed").
    if (!m_stop_seen && m_options.stop_flag != nullptr &&
        m_options.stop_flag->load(std::memory_order_relaxed)) {
        m_stop_seen = true;
        m_flag_seen = true;
        m_cancel_requests.fetch_add(1);
        m_cancels_delivered = m_cancel_requests.load();
        journal_stop_request();
        command = deliver(session::Event::cancel(true, stop_reason()));
        return true;
    }
    if (m_cancels_delivered < m_cancel_requests.load()) {
        ++m_cancels_delivered;
        command = deliver(session::Event::cancel());
        return true;
    }
    return false;
}

TimePoint SessionRunner::deadline_of(const session::Command& command) const {
    if (const auto* send = std::get_if<session::Send>(&command)) {
        return m_start + std::chrono::duration_cast<Clock::duration>(send->not_before);
    }
    if (const auto* wait = std::get_if<session::Wait>(&command)) {
        return m_start + std::chrono::duration_cast<Clock::duration>(wait->deadline);
    }
    if (const auto* ask = std::get_if<session::Ask>(&command); ask != nullptr && ask->deadline) {
        return m_start + std::chrono::duration_cast<Clock::duration>(*ask->deadline);
    }
    return TimePoint::max();
}

void SessionRunner::deliver_item(SessionMailbox::Item& item, session::Command& command) {
    switch (item.kind) {
    case SessionMailbox::Item::Kind::bytes: {
        m_assembler.feed(item.bytes, item.arrival);
        for (auto& truncated : m_assembler.truncated) {
            note(fmt::format("a SysEx message arrived cut short after {} bytes ({})",
                             truncated.bytes_received, truncated.reason));
        }
        m_assembler.truncated.clear();
        auto complete = std::move(m_assembler.complete);
        m_assembler.complete.clear();
        for (auto& message : complete) {
            command = deliver(session::Event::message_received(std::move(message.bytes)));
            if (std::holds_alternative<session::Finish>(command)) {
                break;
            }
        }
        break;
    }
    case SessionMailbox::Item::Kind::answer:
        command = deliver(session::Event::user_answered(item.answer.question_id,
                                                        item.answer.choice_id, item.answer.text));
        break;
    case SessionMailbox::Item::Kind::cancel:
        break; // woke us: delivered at the top of the loop
    }
}

// The command's deadline has come: send its bytes, or tell the session the time is up.
session::Command SessionRunner::act_on_deadline(PacedSender& sender,
                                                const session::Command& command) {
    const auto* send = std::get_if<session::Send>(&command);
    if (send == nullptr) {
        return deliver(session::Event::deadline_reached());
    }
    // Between messages, make sure the device is still there (USB unplugged, interface gone): a
    // vanished port is a transport failure, not a silent stall.
    if (send->chunk_index == 0) {
        if (auto present = sender.check_port(); !present) {
            return deliver(session::Event::transport_failed(session::TransportError::port_vanished,
                                                            present.error().message));
        }
    }
    auto sent = sender.send(send->bytes, send->space_from_departure);
    if (!sent) {
        const auto kind = sent.error().code == ErrorCode::port_vanished
                              ? session::TransportError::port_vanished
                              : session::TransportError::write_error;
        return deliver(session::Event::transport_failed(kind, sent.error().message));
    }
    return deliver(session::Event::send_completed(
        std::chrono::duration_cast<session::SessionTime>(sent->space_from - m_start)));
}

void SessionRunner::finish_run(PacedSender& sender, const session::Command& command) {
    // Whatever was handed to the transport leaves before the outcome is journaled.
    if (auto drained = sender.drain(); !drained) {
        note(fmt::format("the last message may not have left: {}", drained.error().message));
    }
    m_outcome = std::get<session::Finish>(command).outcome;
    if (m_open_question && m_options.prompt != nullptr) {
        m_options.prompt->withdraw(m_open_question->question.id);
        m_open_question.reset();
    }
    if (m_options.journal != nullptr) {
        const DeviceState state =
            m_outcome.kind == session::OutcomeKind::success && m_outcome.device_touched
                ? DeviceState::updated
            : !m_outcome.device_touched ? DeviceState::unchanged
                                        : DeviceState::unknown;
        if (auto s = m_options.journal->finish(session::to_string(m_outcome.kind), state,
                                               m_outcome.message, m_outcome.recovery_plan);
            !s) {
            note(fmt::format("journal: {}", s.error().message));
        }
    }
    publish(true);
}

void SessionRunner::pump() {
    m_start = Clock::now();
    PacedSender sender(m_transport, transport_limits(m_transport).delivery_jitter,
                       m_options.port_poll_interval, m_options.drain_timeout);
    session::Command command = deliver(session::Event::started());
    while (!std::holds_alternative<session::Finish>(command)) {
        if (deliver_cancel(command)) {
            continue;
        }
        // Anything already in the mailbox goes first: the session's answer replaces the command.
        const TimePoint deadline = deadline_of(command);
        const auto now = Clock::now();
        const auto slice = std::min(deadline, now + m_options.cancel_poll);
        auto item = now < deadline ? m_mailbox->pop_until(slice) : std::nullopt;
        if (item) {
            deliver_item(*item, command);
            continue;
        }
        if (Clock::now() < deadline) {
            continue; // a slice ended: look at the cancel flag again
        }
        command = act_on_deadline(sender, command);
    }
    finish_run(sender, command);
}

} // namespace syx::engine
