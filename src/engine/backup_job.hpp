#pragma once
// What a backup run ends with, for the CLI's `backup`, the backup gate of an update and the
// wizard alike (issue 12): the dump is saved only when the completeness rule says it is complete
// (a session's "success" on an incomplete dump becomes `incomplete`: never a false success), and
// what arrived of an incomplete dump is kept for diagnosis where the caller says, never as a
// backup and never in the library.
#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "core/backup_session.hpp"
#include "core/manifest.hpp"
#include "core/result.hpp"
#include "core/session.hpp"
#include "engine/backup_store.hpp"
#include "engine/job_host.hpp"

namespace syx::engine {

// What a backup session brought back, ready for save_backup (device, messages, identity,
// completeness, backup kind; the caller may add a label).
[[nodiscard]] BackupContent backup_content(const Manifest& manifest,
                                           const session::BackupResult& result);

struct BackupJobOptions {
    SaveBackupOptions save; // where a complete backup goes (output, library)
    std::string label;      // extra name part ("before-update"), may be empty
    // Where an incomplete dump is kept (as <path>.incomplete.syx); empty: not kept.
    std::filesystem::path keep_incomplete_as;
    session::BackupOptions session; // how the session waits (a manual dump's idle timeout)
};

struct BackupJobResult {
    // Success only when the dump is complete; it is a backup only when `saved` is set too.
    session::Outcome outcome;
    std::optional<SavedBackup> saved; // the backup
    std::optional<SavedBackup> kept;  // what arrived of an incomplete dump
    std::optional<Error> save_error;  // complete, but the save failed
    std::size_t messages = 0;         // how many arrived
    std::string completeness;         // the rule's verdict in words
};

[[nodiscard]] BackupJobResult finish_backup(const Manifest& manifest,
                                            const session::BackupResult& result,
                                            session::Outcome outcome,
                                            const BackupJobOptions& options);

// The device a backup job talks to (issue 12): the manifest in use, with a user manifest that
// overrides a shipped one named (a Notice to the host) and the gap floor applied; refused (exit
// 3, nothing sent) when the device has no SysEx backup, saying what to do instead.
[[nodiscard]] std::variant<Manifest, JobProblem> prepare_backup_job(const std::string& device_id,
                                                                    JobHost& host);

// The backup as a job (issue 12): the backup session over the host's connection (events with
// JobStep::backup), then finish_backup. `backup` and the update's backup gate both run this.
[[nodiscard]] BackupJobResult run_backup_job(const Manifest& manifest,
                                             const JobConnection& connection, JobHost& host,
                                             const BackupJobOptions& options);

} // namespace syx::engine
