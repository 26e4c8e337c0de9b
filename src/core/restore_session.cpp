#include "core/restore_session.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "core/pacer.hpp"
#include "core/session_validation.hpp"

namespace syx::session {

struct RestoreSession::Impl {
    PacingPlan plan;
};

RestoreSession::RestoreSession(const Manifest& manifest, std::shared_ptr<const SysexFile> backup,
                               RestoreOptions options)
    : m_manifest(manifest), m_file(std::move(backup)), m_options(options),
      m_impl(std::make_shared<Impl>()) {
    m_progress.phase = "validate";
}

Command RestoreSession::on_event(const Event& event) {
    if (m_stage == Stage::start) {
        return start();
    }
    if (event.kind == EventKind::cancel) {
        Outcome o;
        o.kind = OutcomeKind::cancelled;
        o.message = fmt::format("Restore stopped after {} of {} message(s). Programs already sent "
                                "are stored; send the backup again to finish.",
                                m_messages_sent, m_messages.size());
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        return finish(std::move(o));
    }
    if (event.kind == EventKind::transport_failed) {
        Outcome o;
        o.kind = OutcomeKind::transfer_failed;
        o.message = fmt::format("The MIDI port failed ({}) after {} of {} message(s). Reconnect "
                                "and send the backup again.",
                                to_string(event.error), m_messages_sent, m_messages.size());
        attach_plan(o, m_manifest.plan_for_phase(Phase::restore));
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        return finish(std::move(o));
    }
    switch (m_stage) {
    case Stage::start:
        return start();
    case Stage::ask_rewrite:
        if (event.kind == EventKind::user_answered) {
            const auto& rw = m_manifest.restore.rewrites[m_rewrite];
            if (event.choice_id == "rewrite") {
                apply_rewrite(rw);
            } else {
                warn(fmt::format("Kept as backed up: {}", rw.description));
            }
            ++m_rewrite;
        }
        return next_rewrite_question();
    case Stage::transfer:
        if (event.kind == EventKind::send_completed && m_send_outstanding) {
            m_send_outstanding = false;
            const auto& ps = m_impl->plan.sends[m_next_send];
            m_previous_start = event.sent_at.value_or(now());
            m_bytes_sent += ps.length;
            if (ps.last_chunk()) {
                ++m_messages_sent;
            }
            ++m_next_send;
            m_progress.messages_done = m_messages_sent;
            m_progress.bytes_done = m_bytes_sent;
        }
        return next_send();
    case Stage::after_steps: {
        Outcome o;
        o.kind = OutcomeKind::success;
        o.message = fmt::format("Sent {} message(s) to the {}. It does not confirm a restore over "
                                "SysEx: check a few presets.",
                                m_messages_sent, m_manifest.name);
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        return finish(std::move(o));
    }
    }
    return next_send();
}

Command RestoreSession::start() {
    const auto& r = m_manifest.restore;
    if (r.kind == RestoreKind::refused) {
        return finish(OutcomeKind::refused, r.refusal + " Nothing was sent.");
    }
    if (r.kind == RestoreKind::none) {
        return finish(
            OutcomeKind::refused,
            fmt::format("The {} has no SysEx restore. Nothing was sent.", m_manifest.name));
    }
    if (!m_file) {
        return finish(OutcomeKind::refused, "No backup file was given; nothing was sent.");
    }
    const auto check = check_file(*m_file, m_manifest, m_options.link, true);
    for (const auto& f : check.findings) {
        if (f.severity == Severity::error) {
            error((f.message_index ? fmt::format("message {}: ", *f.message_index + 1) : "") +
                  f.text);
        }
    }
    if (check.refused) {
        return finish(OutcomeKind::refused,
                      fmt::format("The backup does not look like a {} backup (see the log). "
                                  "Nothing was sent.",
                                  m_manifest.name));
    }
    for (const auto& m : m_file->messages) {
        const auto bytes = m_file->bytes_of(m);
        m_messages.emplace_back(bytes.begin(), bytes.end());
    }
    m_stage = Stage::ask_rewrite;
    m_rewrite = 0;
    return next_rewrite_question();
}

std::size_t RestoreSession::rewrite_applies(const ByteRewrite& rw) const {
    std::size_t n = 0;
    for (const auto& m : m_messages) {
        if (rw.applies_to.matches_prefix(m) && rw.offset < m.size() - 1 &&
            m[static_cast<std::size_t>(rw.offset)] != rw.value) {
            ++n;
        }
    }
    return n;
}

void RestoreSession::apply_rewrite(const ByteRewrite& rw) {
    const auto n = rewrite_applies(rw);
    for (auto& m : m_messages) {
        if (rw.applies_to.matches_prefix(m) && rw.offset < m.size() - 1) {
            m[static_cast<std::size_t>(rw.offset)] = rw.value;
        }
    }
    info(fmt::format("Changed {} message(s): {}", n, rw.description));
}

Command RestoreSession::next_rewrite_question() {
    const auto& rewrites = m_manifest.restore.rewrites;
    while (m_rewrite < rewrites.size()) {
        const auto& rw = rewrites[m_rewrite];
        const auto n = rewrite_applies(rw);
        if (n == 0) {
            ++m_rewrite;
            continue;
        }
        if (m_options.rewrites == RewritePolicy::apply) {
            apply_rewrite(rw);
            ++m_rewrite;
            continue;
        }
        if (m_options.rewrites == RewritePolicy::keep_original) {
            warn(fmt::format("{} message(s) sent exactly as backed up (not changed: {}). With the "
                             "K-Station's C=0 that means they land in whatever bank is current "
                             "on the device, overwriting it.",
                             n, rw.description));
            ++m_rewrite;
            continue;
        }
        Question q;
        q.id = fmt::format("rewrite-{}", m_rewrite);
        q.purpose = QuestionPurpose::confirm;
        q.title = "Send the presets back where they came from?";
        q.text = fmt::format("{} ({} message(s))", rw.description, n);
        q.choices = {Choice{"rewrite", "Yes, change it"}, Choice{"keep", "No, send as backed up"}};
        return Ask{std::move(q), std::nullopt};
    }
    return begin_transfer();
}

Command RestoreSession::begin_transfer() {
    const auto* lp = m_manifest.pacing.for_link(m_options.link);
    if (lp == nullptr) {
        return finish(OutcomeKind::refused,
                      fmt::format("The {} manifest has no pacing for {}; nothing was sent.",
                                  m_manifest.name, to_string(m_options.link)));
    }
    PacerConfig config;
    config.link = m_options.link;
    config.rules = lp->rules;
    config.backend_max_message_bytes = m_options.backend_max_message_bytes;
    config.delivery_jitter = m_options.delivery_jitter;
    std::vector<std::uint64_t> lengths;
    for (const auto& m : m_messages) {
        lengths.push_back(m.size());
    }
    auto plan = make_pacing_plan(lengths, config);
    if (!plan) {
        return finish(OutcomeKind::refused, plan.error().message + " Nothing was sent.");
    }
    m_impl->plan = std::move(*plan);
    m_stage = Stage::transfer;
    m_progress.phase = "restore";
    m_progress.messages_total = m_messages.size();
    m_progress.bytes_total = m_impl->plan.total_bytes;
    m_transfer_start = now();
    info(fmt::format("Sending {} message(s) back to the {}.", m_messages.size(), m_manifest.name));
    return next_send();
}

Command RestoreSession::next_send() {
    const auto& plan = m_impl->plan;
    if (m_next_send >= plan.sends.size()) {
        m_stage = Stage::after_steps;
        if (!m_manifest.restore.after_steps.empty()) {
            return Ask{information("restore-after-steps", "One more step on the device",
                                   "The presets went back to their own slots. To see the change:",
                                   m_manifest.restore.after_steps),
                       std::nullopt};
        }
        return on_event(Event::user_answered("restore-after-steps", "ok"));
    }
    const auto& ps = plan.sends[m_next_send];
    std::optional<PacerDuration> previous;
    if (m_previous_start) {
        previous = *m_previous_start - m_transfer_start;
    }
    Send s;
    const auto& bytes = m_messages[ps.message_index];
    const auto from = bytes.begin() + static_cast<std::ptrdiff_t>(ps.offset);
    s.bytes.assign(from, from + static_cast<std::ptrdiff_t>(ps.length));
    s.not_before = m_transfer_start +
                   std::chrono::duration_cast<SessionTime>(next_start(plan, m_next_send, previous));
    s.message_index = ps.message_index;
    s.chunk_index = ps.chunk_index;
    s.chunk_count = ps.chunk_count;
    s.space_from_departure = space_from_departure(plan, m_next_send, m_options.delivery_jitter);
    m_send_outstanding = true;
    return s;
}

} // namespace syx::session
