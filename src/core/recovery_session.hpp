#pragma once
// Guided recovery (issue 6, DESIGN.md §7): runs the manifest's recovery plan for a failure as
// ordered steps the user confirms, then retries the update from the start with slower pacing
// (gap × 2, byte rate ÷ 2 per retry, up to max_slowdown), up to max_attempts. A terminal plan
// ("only a service centre can help") finishes with service_centre at once, after showing its
// steps; so does a retry that ends in one. Never a false success: success only when the retried
// update verified the device.
#include <memory>
#include <optional>
#include <string>

#include "core/manifest.hpp"
#include "core/session_base.hpp"
#include "core/sysex_file.hpp"
#include "core/update_session.hpp"

namespace syx::session {

struct RecoveryOptions {
    // The plan to run: from the failed outcome (Outcome::recovery_plan), or empty for the
    // manifest's transfer-phase plan.
    std::string plan;
    // Options for the retried updates (link, pacer limits, offer_restore). The backup gate is
    // not_needed and the device is taken to wait for firmware after the plan's steps.
    UpdateOptions update;
    unsigned max_attempts = 3;
    unsigned first_slowdown = 2; // the first retry is already slower than the failed run
    unsigned max_slowdown = 8;
};

class RecoverySession final : public SessionBase {
public:
    RecoverySession(const Manifest& manifest, std::shared_ptr<const SysexFile> firmware,
                    RecoveryOptions options);
    [[nodiscard]] std::string_view name() const override { return "recover"; }
    [[nodiscard]] unsigned attempts() const { return m_attempts; }
    [[nodiscard]] unsigned slowdown() const { return m_slowdown; }
    [[nodiscard]] const RecoveryPlan* plan() const { return m_plan; }
    // The retry in progress (its progress/log are mirrored into this session's).
    [[nodiscard]] const UpdateSession* current_update() const { return m_update.get(); }

protected:
    Command on_event(const Event& event) override;

private:
    Command start_plan(const std::string& plan_id);
    Command ask_step();
    Command start_update();
    Command forward(const Event& event);
    Command after_update(const Outcome& outcome);

    Manifest m_manifest;
    std::shared_ptr<const SysexFile> m_file;
    RecoveryOptions m_options;
    const RecoveryPlan* m_plan = nullptr;
    std::size_t m_step = 0;
    unsigned m_attempts = 0;
    unsigned m_slowdown = 1;
    std::unique_ptr<UpdateSession> m_update;
    std::size_t m_update_log_seen = 0;
    std::size_t m_messages_sent = 0;
    std::uint64_t m_bytes_sent = 0;
};

} // namespace syx::session
