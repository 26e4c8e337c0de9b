#pragma once
// The update journal (DESIGN.md §7, issue 6): a firmware transfer is critical, so it is written
// down as it goes. A run killed mid-transfer (power cut, SIGKILL, crash) leaves a journal without
// a "finished" record; the next start finds it (`syxflash-cli recover` with no file, the GUI's
// start page) and offers the device's recovery plan.
//
// One file per session in $XDG_STATE_HOME/syxflash/journal/ (default
// ~/.local/state/syxflash/journal), JSON Lines, append-only:
//   {"record":"start", "session", "time", "pid", "device", "device_name", "port", "api", "link",
//    "file", "file_sha256", "message_count", "total_bytes"}
//   {"record":"phase", "time", "phase": "identify"|"backup"|"enter-bootloader"|"transfer"|…}
//   {"record":"progress", "time", "messages_sent", "bytes_sent"}
//   {"record":"finished", "time", "outcome": "success"|"failed"|"cancelled"|"refused",
//    "device_state": "updated"|"unchanged"|"unknown", "detail", "recovery_plan"}
//   {"record":"note", "time", "text"}      (a typed override the user gave, e.g. the gap floor)
//   {"record":"resolved", "time", "how"}
// Each record is one write() of a whole line; the file is fsynced at phase changes, at the end,
// and every `sync_every` progress records. A torn last line (power cut) is ignored when reading.
// A write that fails (a full disk) is reported once, by the call that met it (phase, note or
// progress); from then on progress records are no longer written and later failures of phase and
// note records return Ok (the failure was reported), and
// the final record is still written where possible: the writer keeps a few KiB reserved beside
// the journal from the start and frees them for the final record, so a full disk during an
// upload does not make a finished run look killed.
// The writer holds an advisory lock on its file for its whole life: a journal whose lock can be
// taken belongs to a process that is gone (the kernel drops the lock even on SIGKILL), so a run
// in progress is never mistaken for an interrupted one.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace syx::engine {

struct JournalStart {
    std::string device_id;
    std::string device_name;
    std::string port;
    std::string api;
    std::string link; // "usb" | "din"
    std::filesystem::path file;
    std::string file_sha256; // lowercase hex
    std::uint64_t message_count = 0;
    std::uint64_t total_bytes = 0;
};

enum class DeviceState {
    updated,   // the new firmware is confirmed on the device
    unchanged, // nothing reached the bootloader: the device is as before
    unknown,   // part of the firmware was sent, or the result could not be verified
};
const char* to_string(DeviceState state); // "updated" | "unchanged" | "unknown"

class UpdateJournal {
public:
    // Creates the journal file (and folder) and writes the start record, synced. When the start
    // record cannot be written (a full disk), no file is left behind.
    [[nodiscard]] static Result<UpdateJournal> start(const JournalStart& info,
                                                     const std::filesystem::path& dir);
    ~UpdateJournal();
    UpdateJournal(UpdateJournal&& other) noexcept;
    UpdateJournal& operator=(UpdateJournal&& other) noexcept;
    UpdateJournal(const UpdateJournal&) = delete;
    UpdateJournal& operator=(const UpdateJournal&) = delete;

    [[nodiscard]] Status phase(std::string_view phase);
    // Something the user decided that the record must keep (a typed override), synced.
    [[nodiscard]] Status note(std::string_view text);
    // Appends a progress record; fsyncs every sync_every records.
    [[nodiscard]] Status progress(std::uint64_t messages_sent, std::uint64_t bytes_sent);
    // `recovery_plan`: the manifest's plan id for the failure, so `recover` can run it later.
    [[nodiscard]] Status finish(std::string_view outcome, DeviceState state,
                                std::string_view detail = {}, std::string_view recovery_plan = {});

    [[nodiscard]] const std::string& session_id() const { return m_session; }
    // True once a write failed (reported by the call that met it).
    [[nodiscard]] bool write_failed() const { return m_write_failed; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    void set_sync_every(unsigned n) { m_sync_every = n == 0 ? 1 : n; }

private:
    UpdateJournal() = default;
    Status append(const std::string& line, bool sync);
    // The first failed write is returned, saying what happens next; later ones return Ok.
    Status report_once(Status status);
    void release_reserve();

    std::filesystem::path m_path;
    std::string m_session;
    int m_fd = -1;
    unsigned m_sync_every = 16;
    unsigned m_unsynced = 0;
    bool m_finished = false;
    bool m_write_failed = false;
    bool m_partial_line = false; // a failed write left part of a line: start the next one afresh
    std::filesystem::path m_reserve; // the reserved space for the final record, if any
};

// $XDG_STATE_HOME/syxflash/journal, default ~/.local/state/syxflash/journal.
[[nodiscard]] std::optional<std::filesystem::path> journal_dir();

struct JournalSession {
    std::string session;
    std::filesystem::path path;
    std::string started; // UTC ISO 8601
    std::string device_id;
    std::string device_name;
    std::string port;
    std::string api;
    std::string link;
    std::string file;
    std::string file_sha256;
    std::uint64_t message_count = 0;
    std::uint64_t total_bytes = 0;
    std::string last_phase; // empty before the first phase record
    std::uint64_t messages_sent = 0;
    std::uint64_t bytes_sent = 0;
    std::string last_time;
    bool finished = false;
    std::string outcome;       // when finished
    std::string device_state;  // when finished
    std::string detail;        // when finished
    std::string recovery_plan; // when finished with a failure the manifest has a plan for
    bool resolved = false;
    bool running = false;   // another process holds it now
    bool torn_tail = false; // the last line was cut off (power cut / kill mid-write)

    // Needs the user's attention: killed mid-session, or finished with the device in an unknown
    // state, and nobody marked it resolved.
    [[nodiscard]] bool needs_recovery() const {
        return !running && !resolved && (!finished || device_state == "unknown");
    }
};

// Reads one journal file. Errors: the path is not a regular file (engine/file_access.hpp), or
// invalid_data saying why it is no journal (empty, binary, no start record).
[[nodiscard]] Result<JournalSession> read_journal(const std::filesystem::path& path);

// A file in the journal folder that holds no readable journal.
struct UnreadableJournal {
    std::filesystem::path path;
    std::string reason; // "it is empty", "it holds binary data", …
};

// Every session in the folder, oldest first.
[[nodiscard]] std::vector<JournalSession> list_sessions(const std::filesystem::path& dir);

// The journal files in the folder that could not be read, by name: they may be interrupted
// updates whose record was damaged, so they are shown, never silently skipped.
[[nodiscard]] std::vector<UnreadableJournal> list_unreadable(const std::filesystem::path& dir);

// The sessions that need recovery (needs_recovery()), oldest first.
[[nodiscard]] std::vector<JournalSession> find_interrupted(const std::filesystem::path& dir);

// Appends a "resolved" record to the session's journal. `session` is a session id as listed
// (letters, digits, '.', '-', '_'), never a path: anything else is a usage error.
[[nodiscard]] Status mark_resolved(const std::filesystem::path& dir, std::string_view session,
                                   std::string_view how);

} // namespace syx::engine
