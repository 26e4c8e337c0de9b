#include "core/update_session.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "core/hash.hpp"
#include "core/identity_reply.hpp"
#include "core/pacer.hpp"
#include "core/session_validation.hpp"

namespace syx::session {

struct UpdateSession::Impl {
    PacingPlan plan;
};

namespace {

constexpr auto kDisplayRecheck = std::chrono::seconds{5}; // "still RX STAGE 2": look again
// Retries (slowdown > 1): chunks no larger than this [M: below a 64-byte interface buffer].
constexpr std::uint32_t kRetryChunkBytes = 60;
// Retries over a link with no byte-rate cap start from the DIN rate [C: 3125 B/s] ÷ slowdown.
constexpr std::uint32_t kRetryUsbBytesPerSecond = kDinBytesPerSecond;

SessionTime to_session(PacerDuration d) {
    return std::chrono::duration_cast<SessionTime>(d);
}

// MIDI universal NAK: F0 7E <device> 7E <packet> F7 [confirmed: MIDI 1.0 sample dump standard].
bool is_universal_nak(const Bytes& m) {
    return m.size() == 6 && m[0] == 0xF0 && m[1] == 0x7E && m[3] == 0x7E && m[5] == 0xF7;
}

} // namespace

const char* to_string(BackupGateKind kind) {
    switch (kind) {
    case BackupGateKind::missing:
        return "missing";
    case BackupGateKind::made_now:
        return "made-now";
    case BackupGateKind::given_file:
        return "given-file";
    case BackupGateKind::skipped:
        return "skipped";
    case BackupGateKind::not_needed:
        return "not-needed";
    }
    return "missing";
}

UpdateSession::UpdateSession(const Manifest& manifest, std::shared_ptr<const SysexFile> firmware,
                             UpdateOptions options)
    : m_manifest(manifest), m_file(std::move(firmware)), m_options(std::move(options)),
      m_impl(std::make_shared<Impl>()) {
    m_progress.phase = "validate";
}

Command UpdateSession::on_event(const Event& event) {
    if (event.kind == EventKind::started && m_stage == Stage::start) {
        return start();
    }
    switch (m_stage) {
    case Stage::start:
        return start();
    case Stage::confirm_release:
        if (event.kind == EventKind::cancel ||
            (event.kind == EventKind::user_answered && event.choice_id == "cancel")) {
            return finish(OutcomeKind::cancelled, "Update cancelled before anything was sent.");
        }
        if (event.kind == EventKind::user_answered && event.choice_id == "continue" &&
            event.text == m_unknown_release_text) {
            warn("You confirmed sending a release the manifest does not know.");
            return after_validation();
        }
        if (event.kind == EventKind::user_answered) {
            return finish(OutcomeKind::refused,
                          "The confirmation text did not match; nothing was sent.");
        }
        break;
    case Stage::identify:
        return on_identify(event);
    case Stage::bootloader:
        if (event.kind == EventKind::cancel ||
            (event.kind == EventKind::user_answered && event.choice_id == "cancel")) {
            return finish(OutcomeKind::cancelled,
                          "Update cancelled before the firmware was sent; the device is "
                          "unchanged (switch it off and on if it is in update mode).");
        }
        if (event.kind == EventKind::user_answered && event.choice_id == "ready") {
            return begin_transfer();
        }
        return ask_bootloader();
    case Stage::transfer:
    case Stage::confirm_cancel:
        return on_transfer(event);
    case Stage::settle:
    case Stage::verify_identity:
        return on_verify(event);
    case Stage::verify_display:
        return on_display(event);
    case Stage::offer_restore:
        if (event.kind == EventKind::user_answered) {
            Outcome o;
            o.kind = OutcomeKind::success;
            o.messages_sent = m_messages_sent;
            o.bytes_sent = m_bytes_sent;
            o.device_touched = m_touched;
            o.restore_requested = event.choice_id == "restore";
            o.message =
                m_verified_message + (o.restore_requested ? " Restoring your presets next."
                                                          : " Presets not restored (your choice).");
            return finish(std::move(o));
        }
        if (event.kind == EventKind::cancel) {
            Outcome o;
            o.kind = OutcomeKind::success;
            o.messages_sent = m_messages_sent;
            o.bytes_sent = m_bytes_sent;
            o.device_touched = m_touched;
            o.message = m_verified_message + " Presets not restored.";
            return finish(std::move(o));
        }
        return ask_restore();
    }
    return start();
}

Command UpdateSession::start() {
    const auto& fw = m_manifest.firmware;
    if (!fw.supported) {
        return finish(OutcomeKind::refused,
                      fmt::format("syxflash cannot update the {}: {} Nothing was sent.",
                                  m_manifest.name, fw.unsupported_reason));
    }
    if (!m_manifest.transports.allows(m_options.link)) {
        return finish(OutcomeKind::refused,
                      fmt::format("The {} cannot be updated over {}; connect it by {}. Nothing "
                                  "was sent.",
                                  m_manifest.name, to_string(m_options.link),
                                  to_string(m_manifest.transports.preferred_link())));
    }
    if (!m_file) {
        return finish(OutcomeKind::refused, "No firmware file was given; nothing was sent.");
    }
    const auto check = check_file(*m_file, m_manifest, m_options.link, false);
    for (const auto& f : check.findings) {
        const auto where =
            f.message_index ? fmt::format("message {}: ", *f.message_index + 1) : std::string{};
        if (f.severity == Severity::error) {
            error(where + f.text);
        } else if (f.severity == Severity::warning) {
            warn(where + f.text);
        }
    }
    if (check.refused) {
        std::size_t errors = 0;
        for (const auto& f : check.findings) {
            errors += f.severity == Severity::error ? 1U : 0U;
        }
        return finish(OutcomeKind::refused,
                      fmt::format("The file failed validation for the {} ({} problem(s), see the "
                                  "log). Nothing was sent.",
                                  m_manifest.name, errors));
    }
    m_release_version = check.release_version;
    if (check.release_version) {
        info(fmt::format("Known release {}.", *check.release_version));
    }
    if (check.unknown_release) {
        switch (m_options.unknown_release) {
        case UnknownReleasePolicy::refuse:
            return finish(OutcomeKind::refused,
                          fmt::format("The file passes every check but is not a release the {} "
                                      "manifest knows. Nothing was sent; to send it anyway, allow "
                                      "unknown releases (--allow-unknown-release).",
                                      m_manifest.name));
        case UnknownReleasePolicy::allow:
            warn("Sending a release the manifest does not know (allowed by you).");
            break;
        case UnknownReleasePolicy::ask_typed: {
            m_stage = Stage::confirm_release;
            m_unknown_release_text = std::string(kUnknownReleasePhrase);
            Question q;
            q.id = "unknown-release";
            q.purpose = QuestionPurpose::typed_confirmation;
            q.title = "Unknown firmware release";
            q.text = fmt::format("This file is well-formed for the {}, but it is not a release "
                                 "syxflash knows (SHA-256 {}). Type {} to send it anyway.",
                                 m_manifest.name, to_hex(m_file->sha256), m_unknown_release_text);
            q.choices = {Choice{"continue", "Send it"}, Choice{"cancel", "Cancel"}};
            q.typed_confirmation = m_unknown_release_text;
            return Ask{std::move(q), std::nullopt};
        }
        }
    }
    return after_validation();
}

Command UpdateSession::after_validation() {
    // Backup gate (issue 6): a verified backup, an explicit skip, or none needed.
    const auto& gate = m_options.backup;
    if (m_manifest.backup.kind == BackupKind::none) {
        info(fmt::format("No backup needed: {}", m_manifest.backup.reason));
    } else {
        switch (gate.kind) {
        case BackupGateKind::missing:
            return finish(OutcomeKind::refused,
                          fmt::format("Back up the {} first (or give a verified backup, or skip "
                                      "the backup explicitly). Nothing was sent.",
                                      m_manifest.name));
        case BackupGateKind::skipped:
            warn("Backup skipped by your explicit choice: presets the update clears are lost.");
            break;
        case BackupGateKind::made_now:
        case BackupGateKind::given_file:
            info(fmt::format("Backup gate passed: {}{}", to_string(gate.kind),
                             gate.description.empty() ? "" : " — " + gate.description));
            break;
        case BackupGateKind::not_needed:
            info(gate.description.empty()
                     ? std::string("Backup gate: not needed for this recovery.")
                     : "Backup gate skipped: " + gate.description);
            break;
        }
    }
    // Pacing for the link, slowed down on retries.
    const auto* link_pacing = m_manifest.pacing.for_link(m_options.link);
    if (m_options.pacing_override) {
        m_rules = *m_options.pacing_override;
    } else if (link_pacing != nullptr) {
        m_rules = link_pacing->rules;
    } else {
        return finish(OutcomeKind::refused,
                      fmt::format("The {} manifest has no pacing for {}; nothing was sent.",
                                  m_manifest.name, to_string(m_options.link)));
    }
    const unsigned slow = std::max(1U, m_options.slowdown);
    if (slow > 1) {
        m_rules.gap_after_message *= slow;
        const auto rate = effective_bytes_per_second(m_options.link, m_rules);
        if (rate) {
            m_rules.max_bytes_per_second = std::max<std::uint32_t>(1, *rate / slow);
        }
        // A lower byte rate only helps if messages are fed in small pieces: cheap interfaces
        // lose bytes when a burst overruns their buffer (ALSA and JACK buffers, DESIGN.md
        // §1) [M: buffer size]. Retries therefore cap chunks at kRetryChunkBytes (a multiple
        // of 3 for whole USB-MIDI packets).
        m_rules.chunk_bytes = m_rules.chunk_bytes == 0
                                  ? kRetryChunkBytes
                                  : std::min(m_rules.chunk_bytes, kRetryChunkBytes);
        if (!m_rules.max_bytes_per_second) {
            m_rules.max_bytes_per_second = kRetryUsbBytesPerSecond / slow;
        }
        info(fmt::format("Slower pacing for this attempt: gap {} ms{}.",
                         m_rules.gap_after_message.count(),
                         m_rules.max_bytes_per_second
                             ? fmt::format(", at most {} bytes/s", *m_rules.max_bytes_per_second)
                             : std::string{}));
    }
    PacerConfig config;
    config.link = m_options.link;
    config.rules = m_rules;
    config.backend_max_message_bytes = m_options.backend_max_message_bytes;
    config.delivery_jitter = m_options.delivery_jitter;
    // A .mid firmware keeps the timing it carries: never faster than its own event times, nor
    // than the manifest's gap.
    config.use_smf_times = true;
    std::vector<std::uint64_t> lengths;
    std::vector<std::optional<double>> smf_seconds;
    for (const auto& m : m_file->messages) {
        lengths.push_back(m.length);
        smf_seconds.push_back(m.seconds);
    }
    auto plan = make_pacing_plan(lengths, config, smf_seconds);
    if (!plan) {
        return finish(OutcomeKind::refused, plan.error().message + " Nothing was sent.");
    }
    m_impl->plan = std::move(*plan);
    m_progress.messages_total = m_impl->plan.message_count;
    m_progress.bytes_total = m_impl->plan.total_bytes;
    info(
        fmt::format("{} message(s), {} bytes; the transfer takes about {} s over {}.",
                    m_impl->plan.message_count, m_impl->plan.total_bytes,
                    std::chrono::duration_cast<std::chrono::seconds>(m_impl->plan.duration).count(),
                    to_string(m_options.link)));
    if (m_options.device_waiting_for_firmware) {
        info("The device is taken to be waiting for firmware (recovery): no identity check, no "
             "bootloader steps.");
        return begin_transfer();
    }
    return begin_identify();
}

Command UpdateSession::begin_identify() {
    m_stage = Stage::identify;
    m_progress.phase = "identify";
    m_identify.emplace(m_manifest, m_options.identify);
    return on_identify(Event::started());
}

Command UpdateSession::on_identify(const Event& event) {
    if (event.kind == EventKind::cancel) {
        return finish(OutcomeKind::cancelled, "Update cancelled before the firmware was sent.");
    }
    auto cmd = m_identify->handle(event, now());
    auto* f = std::get_if<Finish>(&cmd);
    if (f == nullptr) {
        return cmd;
    }
    adopt_log(*m_identify);
    if (m_identify->result().asked) {
        m_identity_before = m_identify->result();
    }
    switch (f->outcome.kind) {
    case OutcomeKind::success:
        break;
    case OutcomeKind::no_answer: {
        Outcome o = f->outcome;
        o.message += " No firmware was sent. If the device waits for firmware after a failed "
                     "update, run the recovery instead.";
        return finish(std::move(o));
    }
    default: {
        Outcome o = f->outcome;
        o.message += " No firmware was sent.";
        return finish(std::move(o));
    }
    }
    if (m_identity_before && m_identity_before->in_bootloader) {
        info("The device already waits for firmware (bootloader).");
        return begin_transfer();
    }
    return ask_bootloader();
}

Command UpdateSession::ask_bootloader() {
    m_stage = Stage::bootloader;
    m_progress.phase = "enter-bootloader";
    Question q;
    q.id = "enter-bootloader";
    q.purpose = QuestionPurpose::enter_bootloader;
    q.title = fmt::format("Put the {} in its update mode", m_manifest.name);
    q.text = m_manifest.identity.bootloader_hint.empty() ? "Follow these steps, then choose Ready."
                                                         : m_manifest.identity.bootloader_hint;
    q.steps = m_manifest.firmware.bootloader_steps;
    q.choices = {Choice{"ready", "Ready: send the firmware"}, Choice{"cancel", "Cancel"}};
    for (const auto& s : q.steps) {
        for (auto& b : buttons_mentioned(s)) {
            if (std::find(q.buttons.begin(), q.buttons.end(), b) == q.buttons.end()) {
                q.buttons.push_back(std::move(b));
            }
        }
    }
    return Ask{std::move(q), std::nullopt};
}

Command UpdateSession::begin_transfer() {
    m_stage = Stage::transfer;
    m_progress.phase = "transfer";
    m_progress.critical = true;
    const auto settle = std::chrono::duration_cast<SessionTime>(m_rules.settle_before_first);
    m_transfer_start = now() + settle;
    m_next_send = 0;
    m_previous_start.reset();
    m_send_outstanding = false;
    info(fmt::format("Sending the firmware to the {}: do not switch it off or unplug it.",
                     m_manifest.name));
    update_transfer_progress();
    return next_send();
}

Command UpdateSession::next_send() {
    const auto& plan = m_impl->plan;
    if (m_waiting_ack) {
        return Wait{m_deadline, "acknowledgement"};
    }
    if (m_next_send >= plan.sends.size()) {
        return begin_verify();
    }
    const auto& ps = plan.sends[m_next_send];
    std::optional<PacerDuration> previous;
    if (m_previous_start) {
        previous = *m_previous_start - m_transfer_start;
    }
    const auto start = next_start(plan, m_next_send, previous);
    Send s;
    const auto bytes = m_file->bytes_of(ps.message_index);
    const auto from = bytes.begin() + static_cast<std::ptrdiff_t>(ps.offset);
    s.bytes.assign(from, from + static_cast<std::ptrdiff_t>(ps.length));
    s.not_before = m_transfer_start + to_session(start);
    s.message_index = ps.message_index;
    s.chunk_index = ps.chunk_index;
    s.chunk_count = ps.chunk_count;
    s.critical = true;
    s.space_from_departure = space_from_departure(plan, m_next_send, m_options.delivery_jitter);
    m_send_outstanding = true;
    return s;
}

bool UpdateSession::is_nak(const Bytes& message) const {
    const auto& hs = m_manifest.pacing.handshake;
    if (hs.nak_pattern && hs.nak_pattern->matches_prefix(message)) {
        return true;
    }
    return is_universal_nak(message);
}

std::string UpdateSession::nak_reason(const Bytes& message) const {
    const auto& hs = m_manifest.pacing.handshake;
    if (!hs.nak_pattern || !hs.nak_pattern->matches_prefix(message) ||
        message.size() <= hs.nak_pattern->size()) {
        return {};
    }
    const std::uint8_t code = message[hs.nak_pattern->size()];
    const auto known = hs.nak_codes.find(code);
    if (known != hs.nak_codes.end()) {
        return fmt::format(": error {:02X}, {}", code, known->second);
    }
    return hs.nak_codes.empty() ? std::string{}
                                : fmt::format(": error {:02X}, a code the manifest does not "
                                              "document",
                                              code);
}

void UpdateSession::update_transfer_progress() {
    const auto& plan = m_impl->plan;
    m_progress.messages_done = m_messages_sent;
    m_progress.bytes_done = m_bytes_sent;
    if (m_next_send < plan.sends.size()) {
        const auto planned_next = m_transfer_start + to_session(plan.sends[m_next_send].start);
        const auto remaining = to_session(plan.duration - plan.sends[m_next_send].start);
        m_progress.eta = remaining + std::max(SessionTime{0}, planned_next - now());
    } else {
        m_progress.eta = SessionTime{0};
    }
}

Command UpdateSession::on_transfer(const Event& event) {
    const auto& plan = m_impl->plan;
    switch (event.kind) {
    case EventKind::send_completed: {
        if (!m_send_outstanding || m_next_send >= plan.sends.size()) {
            return next_send();
        }
        m_send_outstanding = false;
        m_touched = true;
        const auto& ps = plan.sends[m_next_send];
        const SessionTime started = event.sent_at.value_or(now());
        if (ps.chunk_index == 0 && m_previous_end) {
            const auto gap = started - *m_previous_end;
            if (!m_progress.smallest_measured_gap || gap < *m_progress.smallest_measured_gap) {
                m_progress.smallest_measured_gap = gap;
            }
        }
        m_previous_start = started;
        m_bytes_sent += ps.length;
        if (ps.last_chunk()) {
            ++m_messages_sent;
            m_previous_end = started + to_session(wire_time(ps.length, m_options.link, m_rules));
            if (m_manifest.pacing.handshake.kind == HandshakeKind::ack) {
                m_waiting_ack = true;
                m_deadline = now() + std::chrono::duration_cast<SessionTime>(
                                         m_manifest.pacing.handshake.timeout);
            }
        }
        ++m_next_send;
        update_transfer_progress();
        if (m_stage == Stage::confirm_cancel) {
            return ask_cancel();
        }
        return next_send();
    }
    case EventKind::message_received:
        if (is_nak(event.message)) {
            return fail(OutcomeKind::transfer_failed, Phase::transfer,
                        fmt::format("The {} refused message {} of {}{} (NAK {}).", m_manifest.name,
                                    m_messages_sent + (m_waiting_ack ? 0 : 1), plan.message_count,
                                    nak_reason(event.message), to_spaced_hex(event.message)));
        }
        if (m_waiting_ack && m_manifest.pacing.handshake.ack_pattern &&
            m_manifest.pacing.handshake.ack_pattern->matches_prefix(event.message)) {
            m_waiting_ack = false;
            return m_stage == Stage::confirm_cancel ? ask_cancel() : next_send();
        }
        info(fmt::format("Ignored a {}-byte message from the device during the transfer.",
                         event.message.size()));
        return m_stage == Stage::confirm_cancel ? ask_cancel() : next_send();
    case EventKind::deadline_reached:
        if (m_waiting_ack && now() >= m_deadline) {
            return fail(OutcomeKind::transfer_failed, Phase::transfer,
                        fmt::format("No acknowledgement for message {} within {} ms.",
                                    m_messages_sent, m_manifest.pacing.handshake.timeout.count()));
        }
        return m_stage == Stage::confirm_cancel ? ask_cancel() : next_send();
    case EventKind::transport_failed:
        return fail(OutcomeKind::transfer_failed, Phase::transfer,
                    fmt::format("The MIDI port failed ({}{}{}) after {} of {} messages.",
                                to_string(event.error), event.detail.empty() ? "" : ": ",
                                event.detail, m_messages_sent, plan.message_count));
    case EventKind::cancel:
        // Asked twice (the question was open, or a second Ctrl-C insists): stop now.
        if (m_stage == Stage::confirm_cancel || !m_touched || event.insist) {
            if (event.insist) {
                m_stopped_by = event.detail.empty() ? "a second Ctrl-C" : event.detail;
                warn(fmt::format("Stopped by {} after {} of {} messages.", m_stopped_by,
                                 m_messages_sent, m_impl->plan.message_count));
            }
            return stop_transfer();
        }
        m_stage = Stage::confirm_cancel;
        warn("Cancel asked during the firmware transfer.");
        return ask_cancel();
    case EventKind::user_answered:
        if (m_stage == Stage::confirm_cancel) {
            if (event.choice_id == "stop") {
                return stop_transfer();
            }
            info("Transfer continues.");
            m_stage = Stage::transfer;
        }
        return next_send();
    case EventKind::started:
        break;
    }
    return next_send();
}

Command UpdateSession::ask_cancel() {
    Question q;
    q.id = "confirm-stop-transfer";
    q.purpose = QuestionPurpose::confirm;
    q.title = "Stop the firmware transfer?";
    q.text = fmt::format("{} of {} messages have been sent. Stopping now leaves the {} "
                         "half-updated: it will need the recovery steps before it works again. "
                         "Continuing is safer.",
                         m_messages_sent, m_impl->plan.message_count, m_manifest.name);
    q.choices = {Choice{"continue", "Continue the transfer"}, Choice{"stop", "Stop now"}};
    return Ask{std::move(q), std::nullopt};
}

Command UpdateSession::stop_transfer() {
    if (!m_touched) {
        return finish(OutcomeKind::cancelled,
                      "Update cancelled before any firmware byte was sent; the device is "
                      "unchanged (switch it off and on if it is in update mode).");
    }
    m_failed_phase = Phase::transfer;
    Outcome o;
    o.kind = OutcomeKind::cancelled;
    o.message = fmt::format("Transfer stopped by {} after {} of {} messages. The {} is probably "
                            "waiting for firmware: follow the recovery steps and send it again.",
                            m_stopped_by.empty() ? "you" : m_stopped_by, m_messages_sent,
                            m_impl->plan.message_count, m_manifest.name);
    attach_plan(o, m_manifest.plan_for_phase(Phase::transfer));
    o.messages_sent = m_messages_sent;
    o.bytes_sent = m_bytes_sent;
    o.device_touched = true;
    return finish(std::move(o));
}

Command UpdateSession::begin_verify() {
    m_stage = Stage::settle;
    m_progress.phase = "verify";
    m_progress.critical = false;
    info(fmt::format("All {} message(s) sent. Waiting {} ms for the {} to finish and restart.",
                     m_messages_sent, m_rules.settle_after_last.count(), m_manifest.name));
    m_deadline = now() + std::chrono::duration_cast<SessionTime>(m_rules.settle_after_last);
    return Wait{m_deadline, "device restart"};
}

Command UpdateSession::on_verify(const Event& event) {
    if (m_stage == Stage::settle) {
        if (event.kind == EventKind::message_received && is_nak(event.message)) {
            return fail(OutcomeKind::transfer_failed, Phase::transfer,
                        fmt::format("The {} refused the last message (NAK {}).", m_manifest.name,
                                    to_spaced_hex(event.message)));
        }
        if (event.kind == EventKind::cancel) {
            warn("Cancel during the restart: checking the device anyway is safer.");
        }
        if (now() < m_deadline) {
            return Wait{m_deadline, "device restart"};
        }
        if (!m_manifest.identity.answers_identity || !m_manifest.identity.reply_pattern) {
            return ask_display();
        }
        m_stage = Stage::verify_identity;
        IdentifyOptions o = m_options.identify;
        o.attempts = std::max<unsigned>(
            1, static_cast<unsigned>(m_options.verify_timeout /
                                     std::max(o.timeout, std::chrono::milliseconds{1})));
        m_identify.emplace(m_manifest, o);
        return on_verify(Event::started());
    }
    // verify_identity
    if (event.kind == EventKind::transport_failed) {
        return fail(OutcomeKind::transfer_failed, Phase::verify,
                    fmt::format("The MIDI port failed ({}) while checking the device after the "
                                "update.",
                                to_string(event.error)));
    }
    auto cmd = m_identify->handle(event, now());
    auto* f = std::get_if<Finish>(&cmd);
    if (f == nullptr) {
        return cmd;
    }
    for (const auto& line : m_identify->log()) {
        info(line.text);
    }
    m_identity_after = m_identify->result();
    if (f->outcome.kind == OutcomeKind::success && m_identity_after->matches_manifest) {
        std::string versions;
        if (auto refusal = version_evidence()) {
            return fail(OutcomeKind::transfer_failed, Phase::verify, std::move(*refusal));
        }
        if (m_identity_before && !m_identity_before->version_text.empty()) {
            versions = fmt::format(" OS {} → {}.", m_identity_before->version_text,
                                   m_identity_after->version_text);
        } else {
            versions = fmt::format(" It now reports OS {}.", m_identity_after->version_text);
        }
        return succeed(
            fmt::format("The {} restarted and answers normally.{}", m_manifest.name, versions));
    }
    if (m_identity_after->in_bootloader) {
        warn("The device answered from its bootloader: it is still waiting for firmware.");
    } else {
        warn(fmt::format("The {} does not answer normally after the update.", m_manifest.name));
    }
    return ask_display();
}

namespace {
// "2.1" and "2.1.0.0" are the same version: trailing zero parts are dropped.
std::string normalized_version(std::string_view text) {
    std::string out(text);
    while (out.size() >= 2 && out.compare(out.size() - 2, 2, ".0") == 0) {
        out.resize(out.size() - 2);
    }
    return out;
}
} // namespace

std::optional<std::string> UpdateSession::version_evidence() const {
    const auto& after = m_identity_after->version_text;
    if (after.empty()) {
        return std::nullopt; // the reply carries no version: the answer itself is the evidence
    }
    if (m_release_version) {
        if (normalized_version(after) == normalized_version(*m_release_version)) {
            return std::nullopt;
        }
        return fmt::format("The {} answers, but it reports OS {}, not the file's release {}: the "
                           "new firmware is not running.",
                           m_manifest.name, after, *m_release_version);
    }
    if (m_identity_before && !m_identity_before->version_text.empty() &&
        m_identity_before->version == m_identity_after->version) {
        return fmt::format("The {} answers, but its version did not change (OS {} before and "
                           "after): the new firmware is not running.",
                           m_manifest.name, after);
    }
    return std::nullopt;
}

Command UpdateSession::ask_display() {
    m_stage = Stage::verify_display;
    m_progress.phase = "verify";
    Question q;
    q.id = fmt::format("display-check-{}", m_display_round);
    q.purpose = QuestionPurpose::display_check;
    if (m_manifest.display.empty()) {
        q.title = fmt::format("Does the {} work?", m_manifest.name);
        q.text = fmt::format("syxflash cannot ask the {} whether the update worked. Check it as "
                             "its manual describes.",
                             m_manifest.name);
        q.choices = {Choice{"works", "It works normally"}, Choice{"problem", "Something is wrong"}};
        return Ask{std::move(q), std::nullopt};
    }
    q.title = fmt::format("What does the {} display show?", m_manifest.name);
    q.text = "Pick the text you see, or type it.";
    for (std::size_t i = 0; i < m_manifest.display.size(); ++i) {
        const auto& d = m_manifest.display[i];
        q.choices.push_back(Choice{fmt::format("display:{}", i), d.text + " — " + d.meaning});
    }
    q.choices.push_back(Choice{"normal", "Its normal screen (no message)"});
    q.choices.push_back(Choice{"other", "Something else (type it)"});
    q.accepts_text = true;
    return Ask{std::move(q), std::nullopt};
}

Command UpdateSession::on_display(const Event& event) {
    if (event.kind == EventKind::deadline_reached) {
        if (now() < m_deadline) {
            return Wait{m_deadline, "display"};
        }
        ++m_display_round;
        return ask_display();
    }
    if (event.kind == EventKind::cancel) {
        Outcome o;
        o.kind = OutcomeKind::cancelled;
        o.message = fmt::format("Stopped before the update was confirmed: the {} may not be "
                                "updated. Check its display and use the recovery if needed.",
                                m_manifest.name);
        attach_plan(o, m_manifest.plan_for_phase(Phase::verify));
        o.messages_sent = m_messages_sent;
        o.bytes_sent = m_bytes_sent;
        o.device_touched = m_touched;
        return finish(std::move(o));
    }
    if (event.kind != EventKind::user_answered) {
        return ask_display();
    }
    const DisplayMessage* shown = nullptr;
    if (event.choice_id.rfind("display:", 0) == 0) {
        const auto index = static_cast<std::size_t>(std::stoul(event.choice_id.substr(8)));
        if (index < m_manifest.display.size()) {
            shown = &m_manifest.display[index];
        }
    } else if (event.choice_id == "other" && !event.text.empty()) {
        shown = m_manifest.find_display(event.text);
    }
    if (event.choice_id == "works") {
        return succeed(fmt::format("You confirmed the {} works after the update (it cannot "
                                   "report its version over MIDI).",
                                   m_manifest.name));
    }
    if (event.choice_id == "normal") {
        if (m_manifest.identity.answers_identity) {
            // It should have answered: the normal screen and no reply is not a verified update.
            return fail(OutcomeKind::transfer_failed, Phase::verify,
                        fmt::format("The {} shows its normal screen but does not answer the "
                                    "identity request, so the update cannot be confirmed. Check "
                                    "the cable back to the computer and identify it again.",
                                    m_manifest.name));
        }
        return succeed(fmt::format("You confirmed the {} shows its normal screen after the "
                                   "update.",
                                   m_manifest.name));
    }
    if (shown == nullptr) {
        return fail(OutcomeKind::transfer_failed, Phase::verify,
                    fmt::format("The {} shows something syxflash does not know{}{}; the update "
                                "is not confirmed.",
                                m_manifest.name, event.text.empty() ? "" : ": ", event.text));
    }
    info(fmt::format("You read \"{}\": {}", shown->text, shown->meaning));
    switch (shown->outcome) {
    case DisplayOutcome::success:
        return succeed(
            fmt::format("The {} shows \"{}\": {}", m_manifest.name, shown->text, shown->meaning));
    case DisplayOutcome::progress:
        if (m_display_round < 3) {
            m_deadline = now() + kDisplayRecheck;
            info("Still in progress: asking again in a few seconds.");
            return Wait{m_deadline, "display"};
        }
        // Still "receiving" long after the last byte: part of the firmware never arrived, so
        // the transfer phase's plan applies (send it again), not the verify one.
        return fail(OutcomeKind::transfer_failed, Phase::transfer,
                    fmt::format("The {} still shows \"{}\"; the update did not finish.",
                                m_manifest.name, shown->text));
    case DisplayOutcome::error:
        return fail(
            OutcomeKind::transfer_failed, Phase::verify,
            fmt::format("The {} shows \"{}\": {}", m_manifest.name, shown->text, shown->meaning),
            m_manifest.find_plan(shown->plan));
    }
    return ask_display();
}

Command UpdateSession::ask_restore() {
    m_stage = Stage::offer_restore;
    m_progress.phase = "restore";
    Question q;
    q.id = "offer-restore";
    q.purpose = QuestionPurpose::confirm;
    q.title = "Restore your presets?";
    q.text = fmt::format("A firmware update can clear the {}'s presets. Send your backup back "
                         "now?",
                         m_manifest.name);
    q.choices = {Choice{"restore", "Restore presets"}, Choice{"skip", "Not now"}};
    return Ask{std::move(q), std::nullopt};
}

Command UpdateSession::succeed(std::string message) {
    if (m_options.extra_evidence) {
        if (auto why = m_options.extra_evidence()) {
            return fail(OutcomeKind::transfer_failed, Phase::transfer, std::move(*why));
        }
    }
    m_verified_message = std::move(message);
    if (m_options.offer_restore && m_manifest.restore.kind == RestoreKind::send_back) {
        info(m_verified_message);
        return ask_restore();
    }
    Outcome o;
    o.kind = OutcomeKind::success;
    o.message = m_verified_message;
    o.messages_sent = m_messages_sent;
    o.bytes_sent = m_bytes_sent;
    o.device_touched = m_touched;
    return finish(std::move(o));
}

Command UpdateSession::fail(OutcomeKind kind, Phase phase, std::string message,
                            const RecoveryPlan* plan) {
    m_failed_phase = phase;
    if (plan == nullptr) {
        plan = m_manifest.plan_for_phase(phase);
    }
    if (plan == nullptr) {
        plan = m_manifest.plan_for_phase(Phase::transfer);
    }
    Outcome o;
    o.kind = plan != nullptr && plan->terminal ? OutcomeKind::service_centre : kind;
    o.message = std::move(message);
    if (m_touched) {
        o.message +=
            fmt::format(" The {} may be half-updated: follow the recovery steps.", m_manifest.name);
    }
    if (o.kind == OutcomeKind::service_centre) {
        o.message += " Only a service centre can help now; further MIDI transfers will not.";
    }
    attach_plan(o, plan);
    o.messages_sent = m_messages_sent;
    o.bytes_sent = m_bytes_sent;
    o.device_touched = m_touched;
    return finish(std::move(o));
}

} // namespace syx::session
