#include "engine/backup_job.hpp"

#include <utility>

#include <fmt/format.h>

#include "engine/update_flow_job.hpp"

namespace syx::engine {

BackupContent backup_content(const Manifest& manifest, const session::BackupResult& result) {
    BackupContent content;
    content.device_id = manifest.id;
    content.device_name = manifest.name;
    content.messages = result.messages;
    if (result.identity) {
        content.identity_reply = result.identity->reply;
        content.firmware_version = result.identity->version_text;
    }
    content.complete = result.verdict.complete;
    content.completeness = result.verdict.summary;
    content.backup_kind = to_string(manifest.backup.kind);
    return content;
}

BackupJobResult finish_backup(const Manifest& manifest, const session::BackupResult& result,
                              session::Outcome outcome, const BackupJobOptions& options) {
    BackupJobResult job;
    BackupContent content = backup_content(manifest, result);
    content.label = options.label;
    job.messages = content.messages.size();
    job.completeness = content.completeness;
    if (outcome.kind == session::OutcomeKind::success && !content.complete) {
        // Never a false success: the completeness rule decides, not the session's word alone.
        outcome.kind = session::OutcomeKind::incomplete;
    }
    if (outcome.kind == session::OutcomeKind::success) {
        auto saved = save_backup(content, options.save);
        if (saved) {
            job.saved = std::move(*saved);
        } else {
            job.save_error = saved.error(); // the caller says it: the kind stays as it was
            outcome.message = fmt::format("The dump arrived complete but could not be saved: {}",
                                          saved.error().message);
        }
    } else if (!content.messages.empty() && outcome.kind != session::OutcomeKind::refused &&
               outcome.kind != session::OutcomeKind::cancelled &&
               !options.keep_incomplete_as.empty()) {
        // Kept for diagnosis when the device stopped short; a cancelled run leaves no file.
        content.complete = false;
        if (auto kept = save_incomplete_dump(content, options.keep_incomplete_as)) {
            outcome.message += fmt::format(" What arrived ({} message(s)) was kept for "
                                           "diagnosis as '{}'; it is NOT a backup.",
                                           content.messages.size(), kept->file.string());
            job.kept = std::move(*kept);
        }
    }
    job.outcome = std::move(outcome);
    return job;
}

std::variant<Manifest, JobProblem> prepare_backup_job(const std::string& device_id, JobHost& host) {
    auto started = start_job(device_id, {});
    if (auto* problem = std::get_if<JobProblem>(&started)) {
        return std::move(*problem);
    }
    auto& start = std::get<JobStart>(started);
    for (const auto& text : start.notices) {
        host.on_event(job_event::Notice{text});
    }
    if (start.manifest.backup.kind == BackupKind::none) {
        return JobProblem{JobExit::refused,
                          fmt::format("the {} has no SysEx backup: {} Nothing was sent and no "
                                      "file was written.",
                                      start.manifest.name, start.manifest.backup.reason),
                          std::nullopt};
    }
    return std::move(start.manifest);
}

namespace {

// Ctrl-C (or SIGTERM, Cancel) at any moment of the job, including after the session had already
// finished: the dump can arrive whole in the same few milliseconds the user pressed Ctrl-C.
bool stop_asked(JobHost& host) {
    const auto* cancel = host.cancel_flag();
    const auto* stop = host.stop_flag();
    return (cancel != nullptr && cancel->load()) || (stop != nullptr && stop->load());
}

void cancel_after_dump(session::Outcome& outcome, const Manifest& manifest, std::size_t messages) {
    outcome.kind = session::OutcomeKind::cancelled;
    outcome.message = fmt::format("Backup cancelled as the dump arrived ({} message(s)); no "
                                  "backup is claimed and no file was kept. Nothing was written "
                                  "to the {}.",
                                  messages, manifest.name);
}

// Takes back a pair this job has just written: the sidecar (the commit record) first, so a kill
// in between leaves a `.syx` without sidecar, which the next start sweeps away.
void withdraw_backup(const SavedBackup& saved) {
    std::error_code ec;
    std::filesystem::remove(saved.sidecar, ec);
    std::filesystem::remove(saved.file, ec);
    if (saved.library_file) {
        std::filesystem::remove(sidecar_path(*saved.library_file), ec);
        std::filesystem::remove(*saved.library_file, ec);
    }
}

} // namespace

BackupJobResult run_backup_job(const Manifest& manifest, const JobConnection& connection,
                               JobHost& host, const BackupJobOptions& options) {
    session::BackupSession session(manifest, options.session);
    auto outcome = run_job_session(session, JobStep::backup, connection, host);
    const std::size_t messages = session.result().messages.size();
    if (outcome.kind == session::OutcomeKind::success && stop_asked(host)) {
        cancel_after_dump(outcome, manifest, messages);
    }
    auto job = finish_backup(manifest, session.result(), std::move(outcome), options);
    if (job.saved && stop_asked(host)) {
        // Ctrl-C while the pair was being written: the user asked for no backup.
        withdraw_backup(*job.saved);
        job.saved.reset();
        cancel_after_dump(job.outcome, manifest, messages);
    }
    return job;
}

} // namespace syx::engine
