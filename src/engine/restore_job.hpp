#pragma once
// A preset restore as one engine job (issue 12), for `syxflash-cli restore` and the wizard: the
// device (gap floor applied), the backup read and, when it has a sidecar, verified against it
// (hash, device, completeness: nothing is sent otherwise); then the restore session over the
// host's connection with the backend's limits. A .syx from another tool has no sidecar; the
// session's restore validation is then the only check, and the provenance says so.
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "core/manifest.hpp"
#include "core/restore_session.hpp"
#include "core/sysex_file.hpp"
#include "engine/job_host.hpp"
#include "engine/update_flow_job.hpp"

namespace syx::engine {

struct RestoreJobRequest {
    std::string device_id;
    std::filesystem::path backup;
    // K-Station: send a single-bank backup as dumped (C=0: the current bank) instead of
    // rewriting it back to the bank it came from.
    bool to_current_bank = false;
};

struct RestoreJobResult {
    JobExit exit = JobExit::success;
    session::Outcome outcome;
};

class RestoreJob {
public:
    [[nodiscard]] static std::variant<RestoreJob, JobProblem> prepare(RestoreJobRequest request,
                                                                      JobHost& host);
    [[nodiscard]] RestoreJobResult run(const JobConnection& connection, JobHost& host);

    [[nodiscard]] const RestoreJobRequest& request() const { return m_request; }
    [[nodiscard]] const Manifest& manifest() const { return m_start.manifest; }
    [[nodiscard]] const SysexFile& backup() const { return *m_start.file; }
    // "verified backup from <time>" or "no sidecar: …".
    [[nodiscard]] const std::string& provenance() const { return m_provenance; }

private:
    RestoreJob(RestoreJobRequest request, JobStart start)
        : m_request(std::move(request)), m_start(std::move(start)) {}

    RestoreJobRequest m_request;
    JobStart m_start;
    std::string m_provenance;
};

} // namespace syx::engine
