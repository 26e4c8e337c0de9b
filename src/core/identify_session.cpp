#include "core/identify_session.hpp"

#include <fmt/core.h>

#include "core/hash.hpp"
#include "core/identity_reply.hpp"

namespace syx::session {

IdentifySession::IdentifySession(const Manifest& manifest, IdentifyOptions options)
    : m_manifest(manifest), m_options(options) {
    m_progress.phase = "identify";
}

IdentifyResult IdentifySession::classify(const Manifest& manifest, const Bytes& reply) {
    IdentifyResult r;
    r.asked = true;
    r.answered = true;
    r.reply = reply;
    const auto& id = manifest.identity;
    r.matches_manifest = id.reply_pattern && id.reply_pattern->matches_exactly(reply);
    r.in_bootloader = !r.matches_manifest && id.bootloader_reply_pattern &&
                      id.bootloader_reply_pattern->matches_exactly(reply);
    if (auto parsed = parse_identity_reply(reply); parsed.ok()) {
        r.version = parsed->version;
        for (std::size_t i = 0; i < r.version.size(); ++i) {
            r.version_text += fmt::format("{}{}", i == 0 ? "" : ".", r.version[i]);
        }
    }
    return r;
}

Command IdentifySession::request() {
    ++m_attempt;
    info(fmt::format("Asking the {} who it is (identity request {}), attempt {} of {}.",
                     m_manifest.name, to_spaced_hex(identity_request()), m_attempt,
                     m_options.attempts));
    return request_again();
}

Command IdentifySession::on_event(const Event& event) {
    switch (event.kind) {
    case EventKind::started:
        if (!m_manifest.identity.answers_identity || !m_manifest.identity.reply_pattern) {
            info(fmt::format("The {} does not answer identity requests (or we do not know that it "
                             "does): syxflash relies on your choice of device.",
                             m_manifest.name));
            return finish(
                OutcomeKind::success,
                fmt::format("{} chosen by you; not identified over MIDI.", m_manifest.name));
        }
        m_result.asked = true;
        return request();
    case EventKind::send_completed:
        if (m_sent) {
            return Wait{m_deadline, "identity reply"};
        }
        m_sent = true;
        m_deadline = now() + m_options.timeout;
        return Wait{m_deadline, "identity reply"};
    case EventKind::message_received: {
        if (!is_identity_reply(event.message)) {
            info(fmt::format("Ignored a {}-byte message while waiting for the identity reply.",
                             event.message.size()));
            if (!m_sent) {
                return request_again();
            }
            return Wait{m_deadline, "identity reply"};
        }
        m_result = classify(m_manifest, event.message);
        info("Identity reply: " + to_spaced_hex(event.message));
        if (m_result.matches_manifest) {
            return finish(OutcomeKind::success,
                          fmt::format("{} identified, OS version {}.", m_manifest.name,
                                      m_result.version_text));
        }
        if (m_result.in_bootloader) {
            return finish(OutcomeKind::success,
                          fmt::format("{} answered from its bootloader (waiting for firmware).",
                                      m_manifest.name));
        }
        return finish(OutcomeKind::refused,
                      fmt::format("Another device answered on this port ({}), not a {}. Check "
                                  "the port and the device choice; nothing else was sent.",
                                  to_spaced_hex(event.message), m_manifest.name));
    }
    case EventKind::deadline_reached:
        if (!m_sent || now() < m_deadline) {
            return m_sent ? Command{Wait{m_deadline, "identity reply"}} : request_again();
        }
        if (m_attempt < m_options.attempts) {
            warn(fmt::format("No identity reply within {} ms.", m_options.timeout.count()));
            return request();
        }
        return finish(OutcomeKind::no_answer,
                      fmt::format("The {} did not answer the identity request ({} attempts, {} ms "
                                  "each). Check that it is switched on, the cable goes from the "
                                  "computer's MIDI OUT to its MIDI IN and back, and the port is "
                                  "right.",
                                  m_manifest.name, m_attempt, m_options.timeout.count()));
    case EventKind::transport_failed:
        return finish(OutcomeKind::no_answer,
                      fmt::format("The MIDI port failed ({}{}{}) while identifying the device.",
                                  to_string(event.error), event.detail.empty() ? "" : ": ",
                                  event.detail));
    case EventKind::cancel:
        return finish(OutcomeKind::cancelled, "Identification cancelled; nothing was changed.");
    case EventKind::user_answered:
        break;
    }
    return m_sent ? Command{Wait{m_deadline, "identity reply"}} : request_again();
}

Command IdentifySession::request_again() {
    // The pending request (not yet written, or written again after an interruption).
    m_sent = false;
    const auto req = identity_request();
    Send s;
    s.bytes.assign(req.begin(), req.end());
    s.not_before = now();
    return s;
}

} // namespace syx::session
