#include "core/recovery_session.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace syx::session {

RecoverySession::RecoverySession(const Manifest& manifest,
                                 std::shared_ptr<const SysexFile> firmware, RecoveryOptions options)
    : m_manifest(manifest), m_file(std::move(firmware)), m_options(std::move(options)) {
    m_progress.phase = "recovery";
}

Command RecoverySession::on_event(const Event& event) {
    if (event.kind == EventKind::started && m_plan == nullptr && !m_update) {
        return start_plan(m_options.plan);
    }
    if (m_update) {
        return forward(event);
    }
    // Walking through the plan's steps.
    if (event.kind == EventKind::cancel ||
        (event.kind == EventKind::user_answered && event.choice_id == "cancel")) {
        Outcome o;
        o.kind = OutcomeKind::cancelled;
        o.message = fmt::format("Recovery stopped at step {} of {}. The {} is probably still "
                                "waiting for firmware; run the recovery again when ready.",
                                m_step + 1, m_plan->steps.size(), m_manifest.name);
        attach_plan(o, m_plan);
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        o.device_touched = m_messages_sent > 0;
        return finish(std::move(o));
    }
    if (event.kind == EventKind::user_answered) {
        ++m_step;
        if (m_plan->terminal && m_step >= m_plan->steps.size()) {
            Outcome o;
            o.kind = OutcomeKind::service_centre;
            o.message = fmt::format("{}. Only a service centre can help now: further MIDI "
                                    "transfers cannot fix the {}.",
                                    m_plan->title, m_manifest.name);
            attach_plan(o, m_plan);
            o.messages_sent = m_messages_sent;
            o.bytes_sent = m_bytes_sent;
            o.device_touched = m_messages_sent > 0;
            return finish(std::move(o));
        }
        if (m_step >= m_plan->steps.size()) {
            return start_update();
        }
    }
    return ask_step();
}

Command RecoverySession::start_plan(const std::string& plan_id) {
    m_plan = plan_id.empty() ? nullptr : m_manifest.find_plan(plan_id);
    if (m_plan == nullptr) {
        m_plan = m_manifest.plan_for_phase(Phase::transfer);
    }
    if (m_plan == nullptr) {
        return finish(OutcomeKind::refused,
                      fmt::format("The {} manifest has no recovery plan{}. Nothing was sent; see "
                                  "the device's manual.",
                                  m_manifest.name,
                                  plan_id.empty() ? std::string{} : " '" + plan_id + "'"));
    }
    m_step = 0;
    m_progress.phase = "recovery";
    m_progress.critical = false;
    info(fmt::format("Recovery plan: {}{}", m_plan->title,
                     m_plan->terminal ? " (only a service centre can help)" : ""));
    if (m_plan->steps.empty()) {
        return m_plan->terminal ? on_event(Event::user_answered("", "done")) : start_update();
    }
    return ask_step();
}

Command RecoverySession::ask_step() {
    Question q;
    q.id = fmt::format("recovery-{}-{}-step-{}", m_attempts, m_plan->id, m_step + 1);
    q.purpose = QuestionPurpose::recovery_step;
    q.title = fmt::format("{} — step {} of {}", m_plan->title, m_step + 1, m_plan->steps.size());
    q.text = m_plan->steps[m_step];
    q.steps = m_plan->steps;
    q.choices = {Choice{"done", m_plan->terminal ? "Understood" : "Done"},
                 Choice{"cancel", "Stop"}};
    q.buttons = buttons_mentioned(q.text);
    return Ask{std::move(q), std::nullopt};
}

Command RecoverySession::start_update() {
    if (m_attempts >= m_options.max_attempts) {
        Outcome o;
        o.kind = OutcomeKind::transfer_failed;
        o.message =
            fmt::format("The update failed {} time(s), the last at {}× slower pacing. "
                        "Stop here: check the cable and interface (prefer {}), then run "
                        "the recovery again, or contact the maker's support.",
                        m_attempts, m_slowdown, to_string(m_manifest.transports.preferred_link()));
        attach_plan(o, m_plan);
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        o.device_touched = m_messages_sent > 0;
        return finish(std::move(o));
    }
    m_slowdown = m_attempts == 0 ? std::max(1U, m_options.first_slowdown)
                                 : std::min(m_options.max_slowdown, std::max(1U, m_slowdown) * 2);
    m_slowdown = std::min(m_slowdown, std::max(1U, m_options.max_slowdown));
    ++m_attempts;
    UpdateOptions o = m_options.update;
    o.slowdown = m_slowdown;
    // The caller says why the gate does not apply (the journal shows a half-written device).
    o.backup = BackupGate{BackupGateKind::not_needed,
                          m_options.update.backup.kind == BackupGateKind::not_needed
                              ? m_options.update.backup.description
                              : std::string{}};
    o.device_waiting_for_firmware = true;
    info(fmt::format("Sending the firmware again (attempt {} of {}, {}× slower pacing).",
                     m_attempts, m_options.max_attempts, m_slowdown));
    m_update = std::make_unique<UpdateSession>(m_manifest, m_file, o);
    m_update_log_seen = 0;
    return forward(Event::started());
}

Command RecoverySession::forward(const Event& event) {
    auto cmd = m_update->handle(event, now());
    const auto& lines = m_update->log();
    for (; m_update_log_seen < lines.size(); ++m_update_log_seen) {
        const auto& l = lines[m_update_log_seen];
        if (l.level == LogLevel::error) {
            error(l.text);
        } else if (l.level == LogLevel::warning) {
            warn(l.text);
        } else {
            info(l.text);
        }
    }
    m_progress = m_update->progress();
    auto* f = std::get_if<Finish>(&cmd);
    if (f == nullptr) {
        return cmd;
    }
    return after_update(f->outcome);
}

Command RecoverySession::after_update(const Outcome& outcome) {
    m_messages_sent += outcome.messages_sent;
    m_bytes_sent += outcome.bytes_sent;
    m_update.reset();
    switch (outcome.kind) {
    case OutcomeKind::success: {
        Outcome o = outcome;
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        o.message = fmt::format("Recovered after {} attempt(s): {}", m_attempts, outcome.message);
        return finish(std::move(o));
    }
    case OutcomeKind::service_centre:
    case OutcomeKind::cancelled:
    case OutcomeKind::refused: {
        Outcome o = outcome;
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        return finish(std::move(o));
    }
    case OutcomeKind::transfer_failed:
    case OutcomeKind::no_answer:
    case OutcomeKind::incomplete:
        break;
    }
    warn(fmt::format("Attempt {} failed: {}", m_attempts, outcome.message));
    if (m_attempts >= m_options.max_attempts) {
        return start_update(); // reports the bound
    }
    return start_plan(outcome.recovery_plan.empty() ? m_plan->id : outcome.recovery_plan);
}

} // namespace syx::session
