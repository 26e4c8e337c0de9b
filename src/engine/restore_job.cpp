#include "engine/restore_job.hpp"

#include <utility>

#include <fmt/core.h>

#include "engine/backup_store.hpp"

namespace syx::engine {

std::variant<RestoreJob, JobProblem> RestoreJob::prepare(RestoreJobRequest request, JobHost& host) {
    auto started = start_job(request.device_id, request.backup);
    if (auto* problem = std::get_if<JobProblem>(&started)) {
        return std::move(*problem);
    }
    RestoreJob job(std::move(request), std::move(std::get<JobStart>(started)));
    // A user manifest that overrides the shipped one is named in every run that uses it.
    for (const auto& text : job.m_start.notices) {
        host.on_event(job_event::Notice{text});
    }
    if (!job.m_start.file) {
        return JobProblem{JobExit::usage, "no backup file given", std::nullopt};
    }
    // A syxflash backup is checked against its sidecar (hash, device, completeness); a .syx from
    // another tool has none, and the session's restore validation is then the only check.
    job.m_provenance = "no sidecar: not made by syxflash, checked against the manifest only";
    const auto& file = job.m_request.backup;
    if (std::filesystem::exists(sidecar_path(file))) {
        const auto verified = verify_backup(file, job.manifest());
        if (!verified.ok) {
            return JobProblem{JobExit::refused,
                              fmt::format("'{}' does not check out as a backup of the {}:{}\n"
                                          "Nothing was sent.",
                                          file.string(), job.manifest().name,
                                          indented_lines(verified.problems)),
                              std::nullopt};
        }
        job.m_provenance = fmt::format("verified backup from {}", verified.sidecar->created);
    }
    return job;
}

RestoreJobResult RestoreJob::run(const JobConnection& connection, JobHost& host) {
    const auto limits = transport_limits(*connection.transport);
    session::RestoreOptions options;
    options.link = connection.link;
    options.rewrites = m_request.to_current_bank ? session::RewritePolicy::keep_original
                                                 : session::RewritePolicy::apply;
    options.backend_max_message_bytes = limits.max_message_bytes;
    options.delivery_jitter = limits.delivery_jitter;
    session::RestoreSession session(manifest(), m_start.file, options);
    RestoreJobResult result;
    result.outcome = run_job_session(session, JobStep::restore, connection, host);
    result.exit = job_exit_for(result.outcome.kind);
    return result;
}

} // namespace syx::engine
