#pragma once
// Writing and checking preset backups (DESIGN.md §4, issue 6 "Verified before it counts").
//
// A backup is two files: the plain `.syx` exactly as the device sent it (what every peer tool
// reads) and a JSON sidecar beside it, `<name>.syx.json`, holding the device, its identity reply,
// firmware version, time, SHA-256, byte and message counts and the completeness verdict.
//
// Guarantees:
//  - only a complete dump becomes a backup; what arrived of an incomplete one may be kept as
//    `<name>.incomplete.syx` (sidecar says complete: false) for diagnosis, never as the name
//    asked for;
//  - both files are written atomically (engine/atomic_file.hpp) and never overwrite anything;
//    the `.syx` first, the sidecar last: the sidecar is the commit record. A pending record
//    written before the `.syx` names what the writer is about to create; the next start
//    (sweep_backup_folder, run before every backup and by list_library) rolls back the work of
//    writers that no longer run: a `.syx` without its sidecar and stray temporary files go, so a
//    kill at any moment leaves either no backup or a whole pair;
//  - the `.syx` is read back and re-hashed after writing;
//  - every backup is also copied into the library
//    ($XDG_DATA_HOME/syxflash/backups/<device-id>/<UTC time>[-<label>].syx, default
//    ~/.local/share/syxflash/backups) that the GUI lists;
//  - names built from device data (ids, preset names) are sanitised before they touch the file
//    system.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest.hpp"
#include "core/result.hpp"

namespace syx::engine {

// What a backup session collected, ready to be written.
struct BackupContent {
    std::string device_id;                           // manifest id, e.g. "moog-little-phatty"
    std::string device_name;                         // "Moog Little Phatty"
    std::vector<std::vector<std::uint8_t>> messages; // F0 … F7 each, in arrival order
    std::vector<std::uint8_t> identity_reply;        // raw reply, empty when none was asked/given
    std::string firmware_version;                    // as the identity reply says, or empty
    bool complete = false;
    std::string completeness; // the rule's verdict in words ("1 of 1 bank message")
    std::string backup_kind;  // "automatic" | "manual" | "record-many"
    std::string label;        // optional extra name part (preset name…); sanitised before use
    std::chrono::system_clock::time_point created = std::chrono::system_clock::now();
};

// The sidecar's content.
struct BackupSidecar {
    int format_version = 1;
    std::string device_id;
    std::string device_name;
    std::string identity_reply;   // spaced hex, empty when none
    std::string firmware_version; // empty when unknown
    std::string created;          // UTC, ISO 8601: "2026-11-20T22:33:44Z"
    std::string file;             // the .syx file name it describes (no folder)
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0;
    std::string sha256; // lowercase hex of the .syx
    bool complete = false;
    std::string completeness;
    std::string backup_kind;
    std::string tool; // "syxflash 0.1.0"
};

struct SavedBackup {
    std::filesystem::path file;    // the .syx
    std::filesystem::path sidecar; // the .syx.json
    std::optional<std::filesystem::path> library_file;
    // The requested file was written but the library copy failed (the backup is still good).
    std::optional<std::string> library_warning;
    BackupSidecar metadata;
};

struct SaveBackupOptions {
    // Where the user asked for the backup; empty = only into the library.
    std::filesystem::path output;
    // Library root; nullopt = backup_library_dir(); an empty path = no library copy.
    std::optional<std::filesystem::path> library;
};

// The library root from XDG_DATA_HOME / HOME; nullopt when neither is set.
[[nodiscard]] std::optional<std::filesystem::path> backup_library_dir();

// A name safe on every file system: letters, digits, '.', '-', '_' kept; anything else becomes
// '_' (runs collapsed); no leading dot or dash, no "..", at most 64 characters, never empty or a
// Windows device name.
[[nodiscard]] std::string sanitize_file_name(std::string_view raw);

// `<output>.json` — the sidecar path for a .syx path.
[[nodiscard]] std::filesystem::path sidecar_path(const std::filesystem::path& syx);

// "OUT.syx" → "OUT.incomplete.syx".
[[nodiscard]] std::filesystem::path incomplete_path(const std::filesystem::path& output);

// The start-up sweep of a folder that holds backups: rolls back the half-written pairs of
// writers that no longer run (their `.syx` without sidecar, see above) and removes their
// temporary files. Returns how many `.syx` files it removed; a missing folder is not an error.
std::size_t sweep_backup_folder(const std::filesystem::path& dir);

// Checks where a backup is to be written, before the device is asked for anything: the path is
// not empty, neither it nor its sidecar exists (a dangling symbolic link included: a backup is
// never written through a link), its folder exists and a file can be created in it. Sweeps that
// folder and the device's library folder first (sweep_backup_folder). Errors are usage errors
// in words.
[[nodiscard]] Status check_backup_output(const std::filesystem::path& output,
                                         std::string_view device_id);

// Writes a complete backup (refused, writing nothing, when content.complete is false or no
// message arrived). Errors: refused when a target exists; io when writing or the read-back fails
// (then nothing we wrote is left behind).
[[nodiscard]] Result<SavedBackup> save_backup(const BackupContent& content,
                                              const SaveBackupOptions& options);

// Keeps what arrived of an incomplete dump for diagnosis as `<output>.incomplete.syx` (or
// `.incomplete-2.syx` … when taken) with a sidecar saying complete: false. Never in the library.
[[nodiscard]] Result<SavedBackup> save_incomplete_dump(const BackupContent& content,
                                                       const std::filesystem::path& output);

// --- Checking a backup ---------------------------------------------------------------------

struct BackupCheck {
    bool ok = false;
    std::vector<std::string> problems; // every reason it does not count, in plain words
    std::optional<BackupSidecar> sidecar;
    std::string sha256; // of the file as read now, when it could be read
    std::uint64_t messages = 0;
};

// Is `file` a verified backup for this device? The sidecar must be present and parse, describe
// this device and say complete; the file's SHA-256 and size must match it; the file must be clean
// SysEx (no findings above info) whose every message is one the manifest's backup consists of.
[[nodiscard]] BackupCheck verify_backup(const std::filesystem::path& file,
                                        const Manifest& manifest);

// Reads a sidecar.
[[nodiscard]] Result<BackupSidecar> read_sidecar(const std::filesystem::path& sidecar);

// --- The library -----------------------------------------------------------------------------

struct LibraryEntry {
    std::string device_id;
    std::string device_name;
    std::string created; // UTC ISO 8601 from the sidecar
    std::filesystem::path file;
    std::filesystem::path sidecar;
    bool complete = false;
    std::string completeness;
    std::string sha256;  // from the sidecar
    bool intact = false; // the file exists and its SHA-256 matches the sidecar
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0;
};

// Every backup in the library (all devices, or one), newest first. Temporary files and `.syx`
// files without a sidecar are not backups and are not listed; stale temporaries of killed
// writers are removed on the way.
[[nodiscard]] std::vector<LibraryEntry>
list_library(const std::optional<std::filesystem::path>& root = std::nullopt,
             std::string_view device_id = {});

// UTC ISO 8601 with seconds: "2026-11-20T22:33:44Z".
[[nodiscard]] std::string format_utc(std::chrono::system_clock::time_point time);

} // namespace syx::engine
