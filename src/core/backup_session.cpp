#include "core/backup_session.hpp"

#include <fmt/core.h>

#include "core/hash.hpp"

namespace syx::session {

BackupSession::BackupSession(const Manifest& manifest, BackupOptions options)
    : m_manifest(manifest), m_options(options), m_tracker(m_manifest.backup) {
    m_progress.phase = "backup";
}

Command BackupSession::on_event(const Event& event) {
    if (event.kind == EventKind::cancel) {
        return finish(OutcomeKind::cancelled,
                      fmt::format("Backup cancelled after {} message(s); no backup is claimed. "
                                  "Nothing was written to the {}.",
                                  m_result.messages.size(), m_manifest.name));
    }
    if (event.kind == EventKind::transport_failed) {
        return finish(OutcomeKind::incomplete,
                      fmt::format("The MIDI port failed ({}{}{}) during the backup; {} message(s) "
                                  "had arrived. No backup is claimed: reconnect and start again.",
                                  to_string(event.error), event.detail.empty() ? "" : ": ",
                                  event.detail, m_result.messages.size()));
    }
    switch (m_stage) {
    case Stage::start:
        return start();
    case Stage::identify:
        return on_identify(event);
    case Stage::request:
        return on_request(event);
    case Stage::manual:
        return on_manual(event);
    case Stage::done:
        break;
    }
    return finish_backup();
}

Command BackupSession::start() {
    const auto& b = m_manifest.backup;
    switch (b.kind) {
    case BackupKind::none: {
        m_result.backup_not_available = true;
        m_stage = Stage::done;
        Outcome o;
        o.kind = OutcomeKind::success;
        o.message =
            fmt::format("No SysEx backup for the {}: {}", m_manifest.name,
                        b.reason.empty() ? "its manifest has no backup procedure." : b.reason);
        return finish(std::move(o));
    }
    case BackupKind::automatic:
        m_stage = Stage::identify;
        m_identify.emplace(m_manifest, m_options.identify);
        return on_identify(Event::started());
    case BackupKind::manual:
    case BackupKind::record_many:
        m_stage = Stage::manual;
        info(fmt::format("Manual backup of the {}: follow the steps on the {}.", m_manifest.name,
                         m_manifest.backup.kind == BackupKind::manual ? "front panel" : "device"));
        m_manual_wait = m_options.manual_idle_timeout;
        m_deadline = now() + m_manual_wait;
        return manual_question();
    }
    return finish_backup();
}

Command BackupSession::on_identify(const Event& event) {
    auto cmd = m_identify->handle(event, now());
    auto* f = std::get_if<Finish>(&cmd);
    if (f == nullptr) {
        return cmd;
    }
    adopt_log(*m_identify);
    if (m_identify->result().asked) {
        m_result.identity = m_identify->result();
    }
    if (f->outcome.kind != OutcomeKind::success) {
        Outcome o = f->outcome;
        o.message += " No backup was made.";
        return finish(std::move(o));
    }
    if (m_identify->result().in_bootloader) {
        return finish(OutcomeKind::no_answer,
                      fmt::format("The {} is in its bootloader, where it cannot send its presets. "
                                  "No backup was made.",
                                  m_manifest.name));
    }
    m_stage = Stage::request;
    m_request = 0;
    return next_request();
}

Command BackupSession::next_request() {
    const auto& reqs = m_manifest.backup.requests;
    if (m_request >= reqs.size()) {
        return finish_backup();
    }
    const auto& r = reqs[m_request];
    m_replies = 0;
    m_deadline = SessionTime::max();
    info(fmt::format("Requesting {} ({}).", r.description, to_spaced_hex(r.request)));
    Send s;
    s.bytes = r.request;
    s.not_before = now();
    s.message_index = m_request;
    return s;
}

Command BackupSession::on_request(const Event& event) {
    const auto& r = m_manifest.backup.requests[m_request];
    const auto wait = [&] { return Command{Wait{m_deadline, r.description}}; };
    switch (event.kind) {
    case EventKind::send_completed:
        if (m_deadline == SessionTime::max()) {
            m_deadline = now() + r.timeout;
        }
        return wait();
    case EventKind::message_received: {
        const auto& m = event.message;
        if (!r.reply_prefix.matches_prefix(m)) {
            m_result.ignored.push_back(m);
            info(fmt::format("Ignored a {}-byte message that is not the {}.", m.size(),
                             r.description));
            return m_deadline == SessionTime::max() ? next_request() : wait();
        }
        if (m.size() < r.reply_min_bytes || m.size() > r.reply_max_bytes) {
            m_result.ignored.push_back(m);
            m_stage = Stage::done;
            return finish(OutcomeKind::incomplete,
                          fmt::format("The {} arrived with {} bytes; {}–{} were expected, so part "
                                      "of it was lost on the way (a small MIDI buffer?). No backup "
                                      "is claimed. Try the device's USB port or another "
                                      "interface.",
                                      r.description, m.size(), r.reply_min_bytes,
                                      r.reply_max_bytes));
        }
        accept(m);
        ++m_replies;
        if (m_replies >= r.reply_count) {
            ++m_request;
            return next_request();
        }
        return m_deadline == SessionTime::max() ? next_request() : wait();
    }
    case EventKind::deadline_reached:
        if (m_deadline == SessionTime::max()) {
            return next_request(); // the request was not written yet: the same send again
        }
        if (now() < m_deadline) {
            return wait();
        }
        m_stage = Stage::done;
        if (m_result.messages.empty()) {
            return finish(OutcomeKind::no_answer,
                          fmt::format("No {} within {} ms. Check the cable back from the {} to "
                                      "the computer (MIDI OUT → MIDI IN) and the port. No backup "
                                      "was made.",
                                      r.description, r.timeout.count(), m_manifest.name));
        }
        return finish(OutcomeKind::incomplete,
                      fmt::format("Only part of the backup arrived ({}); no {} within {} ms. No "
                                  "backup is claimed.",
                                  m_tracker.verdict().summary, r.description, r.timeout.count()));
    default:
        return m_deadline == SessionTime::max() ? next_request() : wait();
    }
}

void BackupSession::accept(const Bytes& message) {
    if (m_tracker.add(message)) {
        m_result.messages.push_back(message);
    } else {
        m_result.ignored.push_back(message);
        info(fmt::format("Ignored a {}-byte message that is not part of a {} backup.",
                         message.size(), m_manifest.name));
    }
    update_progress();
}

void BackupSession::update_progress() {
    const auto v = m_tracker.verdict();
    m_result.verdict = v;
    m_progress.messages_received = m_result.messages.size();
    m_progress.completeness = v.summary;
}

namespace {
bool repeatable_manual(const Manifest& m) {
    // One complete message per dump, as many dumps as the user likes (M-Audio Code presets),
    // or record-many (Jomox): the user ends the session.
    return m.backup.kind == BackupKind::record_many ||
           m.backup.completeness.kind == CompletenessKind::single_message ||
           m.backup.completeness.kind == CompletenessKind::user_says_done;
}
} // namespace

Command BackupSession::manual_question() {
    Question q;
    q.id = fmt::format("manual-dump-{}", m_question_serial);
    q.purpose = QuestionPurpose::manual_dump;
    q.title = fmt::format("Send the backup from the {}", m_manifest.name);
    const auto v = m_tracker.verdict();
    q.text = m_result.messages.empty() ? fmt::format("Waiting for the dump. Needed: {}",
                                                     m_manifest.backup.completeness.description)
                                       : fmt::format("Received so far: {}.", v.summary);
    q.steps = m_manifest.backup.steps;
    if (repeatable_manual(m_manifest)) {
        q.choices.push_back(Choice{"done", "Done"});
    }
    q.choices.push_back(Choice{"cancel", "Cancel"});
    for (const auto& s : q.steps) {
        for (auto& b : buttons_mentioned(s)) {
            q.buttons.push_back(std::move(b));
        }
    }
    return Ask{std::move(q), m_deadline};
}

Command BackupSession::on_manual(const Event& event) {
    switch (event.kind) {
    case EventKind::message_received: {
        accept(event.message);
        const auto v = m_tracker.verdict();
        const bool in_progress = !repeatable_manual(m_manifest) && !v.complete;
        m_manual_wait = in_progress && !m_result.messages.empty() ? m_options.dump_stall_timeout
                                                                  : m_options.manual_idle_timeout;
        m_deadline = now() + std::chrono::duration_cast<SessionTime>(m_manual_wait);
        if (!repeatable_manual(m_manifest) && v.complete) {
            return finish_backup(); // the set is complete: end at once
        }
        return manual_question();
    }
    case EventKind::user_answered:
        if (event.choice_id == "cancel") {
            return on_event(Event::cancel());
        }
        if (event.choice_id == "done") {
            m_tracker.user_said_done();
            update_progress();
            return finish_backup();
        }
        return manual_question();
    case EventKind::deadline_reached:
        if (now() < m_deadline) {
            return manual_question();
        }
        if (repeatable_manual(m_manifest)) {
            m_tracker.user_said_done(); // what arrived is all there is
            update_progress();
        }
        warn(fmt::format("Nothing {}arrived for {} s.", m_result.messages.empty() ? "" : "more ",
                         std::chrono::duration_cast<std::chrono::seconds>(m_manual_wait).count()));
        return finish_backup();
    default:
        return manual_question();
    }
}

Command BackupSession::finish_backup() {
    m_stage = Stage::done;
    update_progress();
    const auto& v = m_result.verdict;
    if (v.complete) {
        return finish(OutcomeKind::success,
                      fmt::format("Backup of the {} complete: {} message(s), {}.", m_manifest.name,
                                  m_result.messages.size(), v.summary));
    }
    if (m_result.messages.empty()) {
        return finish(OutcomeKind::no_answer,
                      fmt::format("Nothing arrived from the {}. Check the cable from its MIDI OUT "
                                  "to the computer and the port. No backup was made.",
                                  m_manifest.name));
    }
    return finish(OutcomeKind::incomplete,
                  fmt::format("The backup is incomplete ({}; {}). It is not a backup: start the "
                              "dump again.",
                              v.summary, v.missing));
}

} // namespace syx::session
