#pragma once
// Backup (issue 6): collects a device's presets as the device sent them. It never writes files:
// the driver (the engine's flows) writes result().messages, byte-identical to what arrived, once
// result().verdict.complete — an incomplete dump is never reported complete.
//
// By [backup] kind in the manifest:
//   automatic    identity request first (where the device answers one; a wrong device stops it),
//                then each [[backup.requests]] entry, waiting for its reply (timeout → no_answer)
//                — LP: bulk dump, one ~17 KiB message
//   manual       the manifest's front-panel steps as an open question; messages are counted live
//                and the session ends as soon as the completeness rule is met (K-Station banks);
//                single-message rules (M-Audio Code: one preset per dump) repeat until the user
//                says done, each dump must be complete on its own
//   record-many  every matching dump is kept until the user says done (Jomox)
//   none         finishes at once with `success` and backup_not_available = true; the message
//                says what to do instead (MIDIFly: no documented dump; Octatrack: copy the CF
//                card's set folder)
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/backup_completeness.hpp"
#include "core/identify_session.hpp"
#include "core/manifest.hpp"
#include "core/session_base.hpp"

namespace syx::session {

struct BackupOptions {
    IdentifyOptions identify;
    // Manual dumps: give up when nothing arrived for this long after the last message (or since
    // the question was shown, if nothing came yet) — modelled, generous for button pressing.
    std::chrono::milliseconds manual_idle_timeout{std::chrono::minutes{5}};
    // Once a manual dump started arriving, a pause this long means it stopped [M].
    std::chrono::milliseconds dump_stall_timeout{std::chrono::seconds{10}};
};

struct BackupResult {
    std::vector<Bytes> messages; // the backup: matching messages, in arrival order, as received
    std::vector<Bytes> ignored;  // other messages that arrived (not part of the backup)
    CompletenessVerdict verdict;
    std::optional<IdentifyResult> identity; // automatic backups of devices that answer one
    bool backup_not_available = false;      // kind none: nothing to back up over SysEx
};

class BackupSession final : public SessionBase {
public:
    BackupSession(const Manifest& manifest, BackupOptions options = {});
    [[nodiscard]] std::string_view name() const override { return "backup"; }
    [[nodiscard]] const BackupResult& result() const { return m_result; }

protected:
    Command on_event(const Event& event) override;

private:
    enum class Stage { start, identify, request, manual, done };
    Command start();
    Command on_identify(const Event& event);
    Command next_request();
    Command on_request(const Event& event);
    Command manual_question();
    Command on_manual(const Event& event);
    Command finish_backup();
    void accept(const Bytes& message);
    void update_progress();

    Manifest m_manifest;
    BackupOptions m_options;
    BackupResult m_result;
    CompletenessTracker m_tracker;
    Stage m_stage = Stage::start;
    std::optional<IdentifySession> m_identify;
    std::size_t m_request = 0;
    std::size_t m_replies = 0;
    SessionTime m_deadline{0};
    std::chrono::milliseconds m_manual_wait{0}; // what m_deadline gives a manual dump
    std::size_t m_question_serial = 0;
};

} // namespace syx::session
