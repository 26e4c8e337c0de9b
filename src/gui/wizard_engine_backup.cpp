#include "gui/wizard_engine.hpp"

// Backup and restore: the engine's backup and restore jobs, presented on the Backup, Done and
// Library pages.

#include <fmt/core.h>

#include "engine/backup_job.hpp"
#include "engine/backup_store.hpp"
#include "engine/restore_job.hpp"

namespace syx::gui {

namespace fs = std::filesystem;

void WizardEngine::backup() {
    const auto* m = manifest();
    if (m == nullptr || !m_transport) {
        return;
    }
    // The engine's backup job, as `syxflash-cli backup` runs it: the device with its gap floor
    // (a user manifest named), the dump, the completeness rule, the save.
    auto prepared = engine::prepare_backup_job(m->id, *this);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        std::lock_guard lock(m_mutex);
        m_flow.backup = StepState::failed;
        m_flow.backup_text = problem->message;
        return;
    }
    if (auto status = m_transport->open(open_options()); !status) {
        log("Port did not open: " + status.error().message);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        if (m_closing) {
            return;
        }
        m_flow.backup = StepState::running;
    }
    engine::BackupJobOptions job_options;
    job_options.label = "before-update";
    // What arrived of an incomplete dump is kept for diagnosis, as `syxflash-cli backup` does.
    job_options.keep_incomplete_as = m_config.work_dir / fmt::format("{}-before-update.syx", m->id);
    auto job =
        engine::run_backup_job(std::get<Manifest>(prepared), job_connection(), *this, job_options);
    if (job.outcome.kind != session::OutcomeKind::success) {
        std::lock_guard lock(m_mutex);
        m_flow.backup = StepState::failed;
        m_flow.backup_text = job.outcome.message + " No firmware will be sent without a backup.";
        if (job.kept) {
            m_log.push_back("Incomplete dump kept for diagnosis (not a backup): " +
                            job.kept->file.string());
        }
        return;
    }
    if (job.saved) {
        // The Library page lists it at once (its copy went into the library folder).
        refresh_library();
    }
    std::lock_guard lock(m_mutex);
    if (!job.saved) {
        m_flow.backup = StepState::failed;
        m_flow.backup_text = job.outcome.message;
        return;
    }
    const auto& saved = job.saved;
    m_backup_file = saved->file;
    m_flow.backup_file = saved->file.string();
    m_gate = {session::BackupGateKind::made_now,
              fmt::format("{} (SHA-256 {})", saved->file.string(), saved->metadata.sha256)};
    m_flow.backup = StepState::done;
    m_flow.backup_text = fmt::format("Saved {} ({}) in {}",
                                     job.messages == 1 ? std::string("1 message")
                                                       : fmt::format("{} messages", job.messages),
                                     job.completeness, saved->file.string());
    m_log.push_back(m_flow.backup_text);
}

void WizardEngine::skip_backup(const std::string& typed) {
    std::lock_guard lock(m_mutex);
    if (typed != m_flow.backup_skip_phrase) {
        m_log.push_back("Backup not skipped: the phrase typed did not match.");
        return;
    }
    m_flow.backup = StepState::skipped;
    m_flow.backup_text = "Skipped by the user (typed confirmation). Presets are not protected.";
    m_gate = {session::BackupGateKind::skipped, "skipped in the wizard by typed confirmation"};
    m_log.push_back("DECISION: the user skipped the backup (typed confirmation).");
}

void WizardEngine::restore(const fs::path& file) {
    const auto* m = manifest();
    if (m == nullptr || !m_transport) {
        return;
    }
    // The engine's restore job, as `syxflash-cli restore` runs it: the device's manifest with
    // its gap floor, the backup checked against its sidecar (nothing is sent otherwise), the
    // backend's limits. The wizard only presents it.
    engine::RestoreJobRequest request;
    request.device_id = m->id;
    request.backup = file;
    auto prepared = engine::RestoreJob::prepare(std::move(request), *this);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        std::lock_guard lock(m_mutex);
        m_flow.restore = StepState::failed;
        m_log.push_back("Restore: " + problem->message);
        return;
    }
    auto& job = std::get<engine::RestoreJob>(prepared);
    log(fmt::format("Restore: {} ({}).", file.string(), job.provenance()));
    (void)m_transport->open(open_options());
    {
        std::lock_guard lock(m_mutex);
        if (m_closing) {
            return;
        }
        m_flow.restore = StepState::running;
    }
    const auto result = job.run(job_connection(), *this);
    std::lock_guard lock(m_mutex);
    m_flow.restore =
        result.outcome.kind == session::OutcomeKind::success ? StepState::done : StepState::failed;
}

void WizardEngine::refresh_library() {
    std::vector<LibraryItem> items;
    for (const auto& e : engine::list_library()) {
        items.push_back({e.device_id, e.created, e.file.string(), e.completeness, e.intact});
    }
    std::lock_guard lock(m_mutex);
    m_flow.library = std::move(items);
}

} // namespace syx::gui
