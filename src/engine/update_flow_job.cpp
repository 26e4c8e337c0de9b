#include "engine/update_flow_job.hpp"

#include <algorithm>
#include <utility>

#include <fmt/core.h>

#include "core/hash.hpp"
#include "core/recovery_session.hpp"
#include "core/restore_session.hpp"
#include "engine/backup_job.hpp"
#include "engine/backup_store.hpp"
#include "engine/journal.hpp"
#include "engine/sysex_file_reader.hpp"
#include "engine/update_job.hpp"

namespace syx::engine {

namespace fs = std::filesystem;

std::string indented_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) {
        text += "\n  " + line;
    }
    return text;
}

std::variant<JobStart, JobProblem> start_job(const std::string& device_id,
                                             const fs::path& file_path,
                                             const std::string& gap_override) {
    auto device = resolve_device(device_id);
    if (!device) {
        return JobProblem{JobExit::usage, device.error().message, std::nullopt};
    }
    // The gap floor: a user manifest may raise a documented gap, never lower it (unless typed).
    bool overridden = false;
    auto notices = enforce_gap_floor(*device, gap_override, &overridden);
    if (!notices) {
        return JobProblem{JobExit::usage, notices.error().message, std::nullopt};
    }
    JobStart start{std::move(device->manifest), nullptr, std::move(*notices), overridden};
    if (!file_path.empty()) {
        auto read = read_sysex_file(file_path);
        if (!read) {
            return JobProblem{JobExit::usage, read.error().message, std::nullopt};
        }
        start.file = std::make_shared<const SysexFile>(std::move(*read));
    }
    return start;
}

std::size_t max_input_bytes(const Manifest& manifest) {
    std::uint64_t largest = 4096;
    for (const auto& r : manifest.backup.requests) {
        largest = std::max(largest, r.reply_max_bytes);
    }
    for (const auto& e : manifest.backup.expect) {
        largest = std::max(largest, e.max_bytes);
    }
    // Room for a dump a little larger than documented (another OS stage) rather than a truncation.
    return static_cast<std::size_t>(largest * 2);
}

bool device_never_answers(const Manifest& manifest) {
    return !manifest.identity.answers_identity && manifest.backup.kind == BackupKind::none &&
           manifest.pacing.handshake.kind == HandshakeKind::none;
}

UpdateJob::UpdateJob(UpdateJobRequest request, JobStart start)
    : m_request(std::move(request)), m_start(std::move(start)) {}

std::size_t UpdateJob::max_input_bytes() const {
    return engine::max_input_bytes(manifest());
}

bool UpdateJob::device_never_answers() const {
    return engine::device_never_answers(manifest());
}

bool UpdateJob::release_allowed() const {
    // The journaled update already passed the release gate with this very file.
    return m_request.allow_unknown_release ||
           (!m_recovery.interrupted.empty() && m_recovery.same_file);
}

std::variant<UpdateJob, JobProblem> UpdateJob::prepare(UpdateJobRequest request, JobHost& host) {
    auto started = start_job(request.device_id, request.file, request.gap_override);
    if (auto* problem = std::get_if<JobProblem>(&started)) {
        return std::move(*problem);
    }
    UpdateJob job(std::move(request), std::move(std::get<JobStart>(started)));
    if (!job.m_start.file) {
        return JobProblem{JobExit::usage, "no firmware file given", std::nullopt};
    }
    for (const auto& text : job.m_start.notices) {
        host.on_event(job_event::Notice{text});
    }
    job.m_journal_dir = host.journal_folder();
    if (auto problem = job.check_recovery(host)) {
        return std::move(*problem);
    }
    const Link link = job.m_request.link.value_or(job.manifest().transports.preferred_link());
    job.m_firmware = check_firmware(*job.m_start.file, job.m_request.file.string(), job.manifest(),
                                    link, job.release_allowed());
    if (job.m_firmware.refused) {
        return JobProblem{JobExit::refused, job.m_firmware.reason, job.m_firmware.check};
    }
    if (auto problem = job.decide_backup_gate(host)) {
        return std::move(*problem);
    }
    return job;
}

// Recover: which journaled update this is about, and whether the file is the one it sent.
std::optional<JobProblem> UpdateJob::check_recovery(JobHost& host) {
    if (!m_request.recovery || !m_journal_dir) {
        return std::nullopt;
    }
    m_recovery = recovery_context(*m_journal_dir, manifest().id,
                                  m_request.api.empty() ? std::string("alsa") : m_request.api,
                                  to_hex(m_start.file->sha256));
    if (m_recovery.interrupted.empty()) {
        return std::nullopt;
    }
    if (!m_recovery.same_file && !m_request.not_the_journaled_file) {
        return JobProblem{
            JobExit::refused,
            fmt::format("'{}' is not the file the interrupted update sent ('{}', SHA-256 {}). "
                        "Nothing was sent. Recover with that file, or add "
                        "--not-the-journaled-file to send this one instead.",
                        m_request.file.string(), m_recovery.journaled_file,
                        m_recovery.interrupted.back().file_sha256),
            std::nullopt};
    }
    if (!m_recovery.same_file) {
        host.on_event(job_event::Notice{
            fmt::format("'{}' is not the file the interrupted update sent ('{}'); sending it as "
                        "you confirmed (--not-the-journaled-file)",
                        m_request.file.string(), m_recovery.journaled_file)});
    }
    m_half_written = m_recovery.half_written;
    return std::nullopt;
}

std::optional<JobProblem> UpdateJob::decide_backup_gate(JobHost& host) {
    if (m_half_written) {
        const auto& latest = m_recovery.interrupted.back();
        m_gate = {session::BackupGateKind::not_needed,
                  fmt::format("the journal shows the {} half-written ({} of {} message(s) sent "
                              "by {}), so it cannot make a backup now",
                              manifest().name, latest.messages_sent, latest.message_count,
                              latest.session)};
        host.on_event(job_event::Notice{"backup gate skipped: " + m_gate.description});
    } else if (!m_request.backup.empty()) {
        const auto verified = verify_backup(m_request.backup, manifest());
        if (!verified.ok) {
            return JobProblem{JobExit::refused,
                              fmt::format("--backup '{}' is not a verified backup of the {}:{}\n"
                                          "Nothing was sent. Make a new one (leave out --backup) "
                                          "or pass --skip-backup to go on without.",
                                          m_request.backup.string(), manifest().name,
                                          indented_lines(verified.problems)),
                              std::nullopt};
        }
        m_gate = {session::BackupGateKind::given_file,
                  fmt::format("{} (SHA-256 {}, {})", m_request.backup.string(), verified.sha256,
                              verified.sidecar ? verified.sidecar->created : "")};
        m_backup_file = m_request.backup;
    } else if (m_request.skip_backup) {
        m_gate = {session::BackupGateKind::skipped, m_request.skip_backup_reason.empty()
                                                        ? "--skip-backup on the command line"
                                                        : m_request.skip_backup_reason};
    }
    return std::nullopt;
}

// The backup gate: a backup made now when none was given or skipped. A result means the job
// ends here (nothing sent).
std::optional<UpdateJobResult> UpdateJob::make_backup(const JobConnection& connection,
                                                      JobHost& host) {
    if (m_gate.kind != session::BackupGateKind::missing) {
        return std::nullopt;
    }
    if (manifest().backup.kind == BackupKind::none) {
        host.on_event(job_event::NoBackupProcedure{manifest().backup.reason});
        return std::nullopt;
    }
    BackupJobOptions options;
    options.label = "before-update";
    auto job = run_backup_job(manifest(), connection, host, options);
    if (job.outcome.kind != session::OutcomeKind::success) {
        UpdateJobResult result;
        result.stage = UpdateJobResult::Stage::backup_failed;
        result.outcome = std::move(job.outcome);
        result.outcome.message += " The backup was not completed, so no firmware was sent.";
        result.exit = job_exit_for(result.outcome.kind);
        result.backup_gate = m_gate;
        return result;
    }
    if (!job.saved) {
        UpdateJobResult result;
        result.stage = UpdateJobResult::Stage::backup_not_saved;
        result.exit = JobExit::refused;
        result.problem =
            JobProblem{JobExit::refused,
                       fmt::format("the backup could not be saved ({}); no firmware was sent",
                                   job.save_error ? job.save_error->message : "unknown"),
                       std::nullopt};
        result.backup_gate = m_gate;
        return result;
    }
    const auto& saved = job.saved;
    m_backup_file = saved->file;
    m_gate = {session::BackupGateKind::made_now,
              fmt::format("{} (SHA-256 {})", saved->file.string(), saved->metadata.sha256)};
    host.on_event(job_event::BackupSaved{saved->file, saved->metadata.sha256});
    return std::nullopt;
}

// The journal: written as the transfer goes, so a killed run is found at the next start.
void UpdateJob::start_journal(const JobConnection& connection, JobHost& host) {
    if (!m_journal_dir) {
        return;
    }
    JournalStart start;
    start.device_id = manifest().id;
    start.device_name = manifest().name;
    start.port = connection.port;
    start.api = connection.api;
    start.link = to_string(connection.link);
    start.file = m_request.file; // made absolute by start_update_journal
    start.file_sha256 = to_hex(m_start.file->sha256);
    start.message_count = m_start.file->messages.size();
    start.total_bytes = m_start.file->total_message_bytes();
    auto started = m_request.start_journal ? m_request.start_journal(start, *m_journal_dir)
                                           : start_update_journal(start, *m_journal_dir);
    if (!started) {
        host.on_event(job_event::JournalUnavailable{started.error().message});
        return;
    }
    m_journal = std::make_shared<UpdateJournal>(std::move(*started));
    if (m_start.gap_floor_overridden) {
        (void)m_journal->note(fmt::format("the user typed \"{}\": a gap below the device's "
                                          "documented minimum is used",
                                          kGapFloorOverridePhrase));
    }
}

session::UpdateOptions UpdateJob::update_options(const JobConnection& connection) const {
    const auto limits = transport_limits(*connection.transport);
    session::UpdateOptions options;
    options.link = connection.link;
    options.backup = m_gate;
    options.unknown_release = release_allowed() ? session::UnknownReleasePolicy::allow
                                                : session::UnknownReleasePolicy::refuse;
    options.backend_max_message_bytes = limits.max_message_bytes;
    options.delivery_jitter = limits.delivery_jitter;
    options.offer_restore =
        m_backup_file.has_value() && manifest().restore.kind == RestoreKind::send_back;
    options.extra_evidence = m_request.extra_evidence;
    return options;
}

void UpdateJob::transfer(const JobConnection& connection, JobHost& host, UpdateJobResult& result) {
    UpdateJournal* journal = m_journal.get();
    if (!m_half_written) {
        session::UpdateSession update(manifest(), m_start.file, update_options(connection));
        result.outcome = run_job_session(update, JobStep::transfer, connection, host, journal);
        return;
    }
    session::RecoveryOptions options;
    options.plan = m_request.plan.empty() ? m_recovery.plan : m_request.plan;
    options.max_attempts = std::max(1U, m_request.attempts);
    options.update = update_options(connection);
    session::RecoverySession recovery(manifest(), m_start.file, options);
    result.outcome = run_job_session(recovery, JobStep::transfer, connection, host, journal);
    result.attempts = recovery.attempts();
    result.slowdown = recovery.slowdown();
}

// Presets back, when the user (or --yes) accepted the offer.
void UpdateJob::restore_after(const JobConnection& connection, JobHost& host,
                              UpdateJobResult& result) {
    auto& outcome = result.outcome;
    if (outcome.kind != session::OutcomeKind::success || !outcome.restore_requested ||
        !m_backup_file) {
        return;
    }
    auto backup_read = read_sysex_file(*m_backup_file);
    if (!backup_read) {
        return;
    }
    const auto limits = transport_limits(*connection.transport);
    session::RestoreOptions options;
    options.link = connection.link;
    options.backend_max_message_bytes = limits.max_message_bytes;
    options.delivery_jitter = limits.delivery_jitter;
    session::RestoreSession restore(
        manifest(), std::make_shared<const SysexFile>(std::move(*backup_read)), options);
    auto restored = run_job_session(restore, JobStep::restore, connection, host);
    outcome.message += " Restore: " + restored.message;
    if (restored.kind != session::OutcomeKind::success) {
        std::vector<std::string> words{"syxflash-cli", "restore", "--device", manifest().id};
        if (!m_request.api.empty()) {
            words.insert(words.end(), {"--api", m_request.api});
        }
        words.insert(words.end(),
                     {"--port", m_request.port, fs::absolute(*m_backup_file).string()});
        outcome.message +=
            fmt::format(" The firmware update itself succeeded; restore the presets later with: {}",
                        shell_command(words));
    }
    result.restore = std::move(restored);
}

std::string UpdateJob::recover_command() const {
    std::vector<std::string> words{"syxflash-cli", "recover", "--device", manifest().id};
    if (!m_request.api.empty()) {
        words.insert(words.end(), {"--api", m_request.api});
    }
    words.insert(words.end(), {"--port", m_request.port, fs::absolute(m_request.file).string()});
    return shell_command(words);
}

UpdateJobResult UpdateJob::run(const JobConnection& connection, JobHost& host) {
    if (!connection.can_receive) {
        host.on_event(job_event::Notice{fmt::format(
            "'{}' is used for output only (a one-way cable): the {} never answers over MIDI, so "
            "nothing can be verified over MIDI; the display is the only evidence",
            connection.port, manifest().name)});
    }
    if (auto ended = make_backup(connection, host)) {
        return std::move(*ended);
    }
    start_journal(connection, host);
    UpdateJobResult result;
    transfer(connection, host, result);
    restore_after(connection, host, result);
    result.exit = job_exit_for(result.outcome.kind);
    result.backup_gate = m_gate;
    result.backup_file = m_backup_file;
    if (m_journal) {
        result.journal = m_journal->path();
        result.journal_session = m_journal->session_id();
    }
    // A verified run settles the interrupted updates it was about (same device, same kind of
    // link: a simulation never resolves a real device's entry).
    if (result.outcome.kind == session::OutcomeKind::success && m_journal_dir) {
        result.resolved_sessions =
            resolve_recovered(*m_journal_dir, m_recovery,
                              fmt::format("recovered by {}",
                                          m_journal ? m_journal->session_id() : m_request.command));
    }
    const bool failed = result.outcome.kind == session::OutcomeKind::transfer_failed ||
                        result.outcome.kind == session::OutcomeKind::cancelled;
    if (failed && result.outcome.device_touched) {
        result.recover_command = recover_command();
    }
    return result;
}

} // namespace syx::engine
