#pragma once
// Identify (DESIGN.md §7, first step): sends the Universal Identity Request F0 7E 7F 06 01 F7
// [confirmed: MIDI 1.0] where the manifest says the device answers one, and compares the reply
// with the manifest's reply pattern (application) and bootloader pattern.
//
// Outcomes: success (matched, or the device does not answer identity requests at all — then
// identification is the user's choice of device and the result says so), refused (another device
// answered: wrong device), no_answer (nothing within the timeout, after `attempts` requests).
#include <chrono>
#include <optional>
#include <string>

#include "core/manifest.hpp"
#include "core/session_base.hpp"

namespace syx::session {

struct IdentifyOptions {
    std::chrono::milliseconds timeout{1500}; // per attempt [M: typical replies take < 50 ms]
    unsigned attempts = 2;
};

struct IdentifyResult {
    bool asked = false;    // an identity request was sent (the manifest says it answers)
    bool answered = false; // a reply arrived
    Bytes reply;           // as received
    bool matches_manifest = false;
    bool in_bootloader = false;        // matched the bootloader reply pattern
    std::string version_text;          // "2.0.0.4" from the reply's 4 version bytes
    std::vector<std::uint8_t> version; // as sent
};

class IdentifySession final : public SessionBase {
public:
    IdentifySession(const Manifest& manifest, IdentifyOptions options = {});
    [[nodiscard]] std::string_view name() const override { return "identify"; }
    [[nodiscard]] const IdentifyResult& result() const { return m_result; }

    // Pure check of a reply against the manifest (used by update's verify step too).
    static IdentifyResult classify(const Manifest& manifest, const Bytes& reply);

protected:
    Command on_event(const Event& event) override;

private:
    Command request();
    Command request_again();

    Manifest m_manifest;
    IdentifyOptions m_options;
    IdentifyResult m_result;
    unsigned m_attempt = 0;
    SessionTime m_deadline{0};
    bool m_sent = false;
};

} // namespace syx::session
