#pragma once
// The update (DESIGN.md §7, issue 6): validate → backup gate → identify → enter bootloader →
// paced transfer (critical) → verify → offer restore.
//
//   validate          the firmware file against the manifest (core/validation.hpp); any error:
//                     refused, NOTHING is sent (not even an identity request). An unknown release
//                     needs UnknownReleasePolicy::allow (--allow-unknown-release) or a typed
//                     confirmation (ask_typed, the GUI).
//   backup gate       a verified backup made now or given (BackupGate), or an explicit, logged
//                     skip; devices whose manifest has no backup procedure need none (logged).
//   identify          where the device answers: wrong device → refused before sending firmware.
//                     Skipped when the device is already waiting for firmware (recovery retries).
//   enter bootloader  the manifest's front-panel steps as one question (enter_bootloader).
//   transfer          the pacer's plan (core/pacer.hpp) over the chosen link, slowed by
//                     `slowdown`; critical. A NAK (the manifest's pattern, or the MIDI universal
//                     NAK F0 7E <dev> 7E <packet> F7 [confirmed: MIDI 1.0 sample dump standard]),
//                     a transport failure or a missing ACK ends in transfer_failed with the plan.
//                     A cancel asks first ("stop now leaves the device half-updated"); a second
//                     cancel (or the answer "stop") stops, reporting the device's likely state.
//   verify            after settle_after_last: identity request (retried while the device boots);
//                     application reply with the file's release (known release), or a changed
//                     version (unknown release) → success; the same version as before, or
//                     another release than the file's → transfer_failed (verify-phase plan). No
//                     reply, or a device without identity → "what does the display show?" with the
//                     manifest's display texts: a success text → success, an error text → its
//                     recovery plan (terminal → service centre), anything else → transfer_failed
//                     with the verify-phase plan.
//   offer restore     when a backup exists and the manifest restores: Outcome::restore_requested.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identify_session.hpp"
#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/pacing_rules.hpp"
#include "core/session_base.hpp"
#include "core/sysex_file.hpp"

namespace syx::session {

enum class BackupGateKind {
    missing,    // no decision: refused when the manifest has a backup procedure
    made_now,   // a verified backup was made in this run
    given_file, // a verified backup file was given (checked by the caller, e.g. --backup FILE)
    skipped,    // the user explicitly skipped the backup (--skip-backup): logged
    not_needed, // recovery of a device that cannot be backed up in its current state
};
const char* to_string(BackupGateKind kind);

struct BackupGate {
    BackupGateKind kind = BackupGateKind::missing;
    std::string description; // "backup.syx (sha256 …)", shown in the log
};

// What the user types to send a release the manifest does not know (ask_typed): one phrase for
// every front end (the wizard's Firmware page asks for the same).
inline constexpr std::string_view kUnknownReleasePhrase = "SEND UNKNOWN";

enum class UnknownReleasePolicy {
    refuse,    // a release the manifest does not know is refused
    ask_typed, // ask for a typed confirmation (GUI)
    allow,     // --allow-unknown-release
};

struct UpdateOptions {
    Link link = Link::usb;
    BackupGate backup;
    UnknownReleasePolicy unknown_release = UnknownReleasePolicy::refuse;
    // Gap and byte-rate scaling for retries: 2 doubles every gap and halves the byte rate.
    unsigned slowdown = 1;
    // Replaces the manifest's pacing for this link (generic device: --gap-ms / --rate).
    std::optional<PacingRules> pacing_override;
    // The backend's limits and jitter (pacer.hpp PacerConfig).
    std::optional<std::size_t> backend_max_message_bytes;
    std::chrono::nanoseconds delivery_jitter{0};
    IdentifyOptions identify;
    // Verify: how long the device may take to restart and answer after settle_after_last.
    std::chrono::milliseconds verify_timeout{std::chrono::seconds{10}};
    // The device already waits for firmware (a recovery retry after its plan's steps): no
    // identity check, no bootloader question.
    bool device_waiting_for_firmware = false;
    // Offer a restore at the end (a backup of this device exists).
    bool offer_restore = false;
    // Evidence beyond what the device answers (an emulated device's own state): asked when the
    // session would end in success; a reason returned makes it a transfer failure with the
    // transfer phase's recovery plan (never a success the device does not show).
    std::function<std::optional<std::string>()> extra_evidence;
};

class UpdateSession final : public SessionBase {
public:
    UpdateSession(const Manifest& manifest, std::shared_ptr<const SysexFile> firmware,
                  UpdateOptions options);
    [[nodiscard]] std::string_view name() const override { return "update"; }
    // The identity seen before the transfer and after it (verify), when the device answers.
    [[nodiscard]] const std::optional<IdentifyResult>& identity_before() const {
        return m_identity_before;
    }
    [[nodiscard]] const std::optional<IdentifyResult>& identity_after() const {
        return m_identity_after;
    }
    // The pacing rules in use (after slowdown / override).
    [[nodiscard]] const PacingRules& pacing() const { return m_rules; }
    // Phase in which the session failed (for choosing a recovery plan).
    [[nodiscard]] std::optional<Phase> failed_phase() const { return m_failed_phase; }

protected:
    Command on_event(const Event& event) override;

private:
    struct Impl;
    enum class Stage {
        start,
        confirm_release,
        identify,
        bootloader,
        transfer,
        confirm_cancel,
        settle,
        verify_identity,
        verify_display,
        offer_restore,
    };
    Command start();
    Command after_validation();
    Command begin_identify();
    Command on_identify(const Event& event);
    Command ask_bootloader();
    Command begin_transfer();
    Command next_send();
    Command on_transfer(const Event& event);
    Command ask_cancel();
    Command stop_transfer();
    Command begin_verify();
    Command on_verify(const Event& event);
    Command ask_display();
    Command on_display(const Event& event);
    Command ask_restore();
    Command fail(OutcomeKind kind, Phase phase, std::string message,
                 const RecoveryPlan* plan = nullptr);
    Command succeed(std::string message);
    bool is_nak(const Bytes& message) const;
    // ": error 03, checksum error" for a NAK carrying a code the manifest documents.
    std::string nak_reason(const Bytes& message) const;
    // Why the identity after the update does not show the new firmware (nullopt: it does).
    [[nodiscard]] std::optional<std::string> version_evidence() const;
    void update_transfer_progress();

    Manifest m_manifest;
    std::shared_ptr<const SysexFile> m_file;
    UpdateOptions m_options;
    PacingRules m_rules;
    std::shared_ptr<Impl> m_impl; // the pacing plan (kept out of this header)
    Stage m_stage = Stage::start;
    std::optional<IdentifySession> m_identify;
    std::optional<IdentifyResult> m_identity_before;
    std::optional<IdentifyResult> m_identity_after;
    std::optional<Phase> m_failed_phase;
    // transfer
    SessionTime m_transfer_start{0};
    std::size_t m_next_send = 0;
    std::optional<SessionTime> m_previous_start; // actual start of the previous send
    std::optional<SessionTime> m_previous_end;   // when the previous message left the wire
    bool m_send_outstanding = false;
    bool m_waiting_ack = false;
    SessionTime m_deadline{0};
    std::size_t m_messages_sent = 0;
    std::uint64_t m_bytes_sent = 0;
    bool m_touched = false;
    std::string m_stopped_by; // who insisted on stopping ("SIGTERM"), empty: the user was asked
    std::string m_unknown_release_text;
    std::optional<std::string> m_release_version; // the file's known release, if any
    std::string m_verified_message;
    unsigned m_display_round = 0;
};

} // namespace syx::session
