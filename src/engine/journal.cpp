#include "engine/journal.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include "engine/atomic_file.hpp"
#include "engine/backup_store.hpp"
#include "engine/crash_point.hpp"
#include "engine/file_access.hpp"
#include "engine/json_text.hpp"

namespace syx::engine {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kExtension = ".jsonl";

std::string now_utc() {
    return format_utc(std::chrono::system_clock::now());
}

Error io_error(std::string_view what, const fs::path& path, int err) {
    return make_error(ErrorCode::io,
                      fmt::format("{} '{}': {}", what, path.string(), std::strerror(err)));
}

// `written` (may be null) gets how many bytes went out, also when the write fails part way.
Status write_line(int fd, const fs::path& path, const std::string& line,
                  std::size_t* written = nullptr) {
    // One write() per record: a kill lands before or after it, not inside a record (only a power
    // cut or a full disk can tear the tail, and readers ignore a torn line).
    std::size_t done = 0;
    Status status = Ok{};
    while (done < line.size()) {
        const auto n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            status = io_error("cannot append to the journal", path, errno);
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (written != nullptr) {
        *written = done;
    }
    return status;
}

// Space kept beside the journal for its final record (see journal.hpp): a few lines' worth, in
// whole pages.
constexpr std::size_t kReserveBytes = 8 * 1024;
// A journal is a few hundred KiB at most (one line per message); anything far larger is not one.
constexpr std::uint64_t kMaxJournalBytes = 64ULL * 1024 * 1024;

bool is_session_id(std::string_view id) {
    if (id.empty() || id.size() > 200 || id.front() == '.' || id.find("..") != std::string::npos) {
        return false;
    }
    return std::all_of(id.begin(), id.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x80 && (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.');
    });
}

// Why a file with no start record is no journal, in words.
std::string why_unreadable(const std::vector<std::uint8_t>& bytes) {
    if (bytes.empty()) {
        return "it is empty";
    }
    const auto binary = std::count_if(bytes.begin(), bytes.end(), [](std::uint8_t b) {
        return b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t');
    });
    if (binary > 0) {
        return fmt::format("it holds binary data ({} control byte(s) in {} bytes), not journal "
                           "records",
                           binary, bytes.size());
    }
    return "its first line is not a journal start record (the file is damaged or not a journal)";
}

std::uint64_t u64(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

std::string str(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

} // namespace

const char* to_string(DeviceState state) {
    switch (state) {
    case DeviceState::updated:
        return "updated";
    case DeviceState::unchanged:
        return "unchanged";
    case DeviceState::unknown:
        return "unknown";
    }
    return "unknown";
}

std::optional<fs::path> journal_dir() {
    const char* xdg = std::getenv("XDG_STATE_HOME"); // NOLINT(concurrency-mt-unsafe)
    if (xdg != nullptr && *xdg != '\0' && fs::path(xdg).is_absolute()) {
        return fs::path(xdg) / "syxflash" / "journal";
    }
    const char* home = std::getenv("HOME"); // NOLINT(concurrency-mt-unsafe)
    if (home != nullptr && *home != '\0') {
        return fs::path(home) / ".local" / "state" / "syxflash" / "journal";
    }
    return std::nullopt;
}

Result<UpdateJournal> UpdateJournal::start(const JournalStart& info, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return make_error(ErrorCode::io, fmt::format("cannot create the journal folder '{}': {}",
                                                     dir.string(), ec.message()));
    }
    UpdateJournal journal;
    // "<UTC time>-<device>-<pid>[-n]": sorts by time, unique per process.
    std::string iso = now_utc();
    iso.erase(std::remove_if(iso.begin(), iso.end(), [](char c) { return c == '-' || c == ':'; }),
              iso.end());
    const std::string base = fmt::format("{}-{}-{}", iso, sanitize_file_name(info.device_id),
                                         static_cast<long>(::getpid()));
    for (int n = 1; n < 1000 && journal.m_fd < 0; ++n) {
        journal.m_session = n == 1 ? base : fmt::format("{}-{}", base, n);
        journal.m_path = dir / (journal.m_session + std::string(kExtension));
        journal.m_fd = ::open(journal.m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND,
                              0644); // NOLINT(cppcoreguidelines-pro-type-vararg)
        if (journal.m_fd < 0 && errno != EEXIST) {
            return io_error("cannot create the journal", journal.m_path, errno);
        }
    }
    if (journal.m_fd < 0) {
        return make_error(ErrorCode::io, "no free journal file name");
    }
    // Held until this process ends or finishes the session: readers see "running".
    ::flock(journal.m_fd, LOCK_EX | LOCK_NB);
    // The reserve for the final record (best effort); a killed writer's is a temporary file the
    // next start removes.
    remove_abandoned_temporary_files(dir);
    const fs::path reserve = dir / fmt::format(".{}{}.tmp-{}-reserve", journal.m_session,
                                               kExtension, static_cast<long>(::getpid()));
    if (const int fd = ::open(reserve.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        fd >= 0) {
        const std::vector<char> zeros(kReserveBytes, 0);
        const bool kept =
            ::write(fd, zeros.data(), zeros.size()) == static_cast<ssize_t>(zeros.size()) &&
            ::fsync(fd) == 0;
        ::close(fd);
        if (kept) {
            journal.m_reserve = reserve;
        } else {
            ::unlink(reserve.c_str());
        }
    }
    sync_directory(dir);
    const Json record{{"record", "start"},
                      {"session", journal.m_session},
                      {"time", now_utc()},
                      {"pid", static_cast<long>(::getpid())},
                      {"device", info.device_id},
                      {"device_name", info.device_name},
                      {"port", info.port},
                      {"api", info.api},
                      {"link", info.link},
                      {"file", info.file.string()},
                      {"file_sha256", info.file_sha256},
                      {"message_count", info.message_count},
                      {"total_bytes", info.total_bytes}};
    if (auto s = journal.append(json_text(record), true); !s) {
        // No start record (a full disk): leave no empty or torn file behind that would later be
        // listed as an unreadable, possibly interrupted update. Nothing was sent yet.
        ::unlink(journal.m_path.c_str());
        return s.error();
    }
    return journal;
}

UpdateJournal::~UpdateJournal() {
    if (m_fd >= 0) {
        ::fsync(m_fd);
        ::close(m_fd); // also drops the lock
    }
    release_reserve();
}

UpdateJournal::UpdateJournal(UpdateJournal&& other) noexcept
    : m_path(std::move(other.m_path)), m_session(std::move(other.m_session)), m_fd(other.m_fd),
      m_sync_every(other.m_sync_every), m_unsynced(other.m_unsynced), m_finished(other.m_finished),
      m_write_failed(other.m_write_failed), m_partial_line(other.m_partial_line),
      m_reserve(std::move(other.m_reserve)) {
    other.m_fd = -1;
    other.m_reserve.clear();
}

UpdateJournal& UpdateJournal::operator=(UpdateJournal&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        release_reserve();
        m_path = std::move(other.m_path);
        m_session = std::move(other.m_session);
        m_fd = other.m_fd;
        m_sync_every = other.m_sync_every;
        m_unsynced = other.m_unsynced;
        m_finished = other.m_finished;
        m_write_failed = other.m_write_failed;
        m_partial_line = other.m_partial_line;
        m_reserve = std::move(other.m_reserve);
        other.m_fd = -1;
        other.m_reserve.clear();
    }
    return *this;
}

void UpdateJournal::release_reserve() {
    if (!m_reserve.empty()) {
        ::unlink(m_reserve.c_str());
        m_reserve.clear();
    }
}

Status UpdateJournal::append(const std::string& line, bool sync) {
    if (m_fd < 0) {
        return make_error(ErrorCode::internal, "journal is closed");
    }
    // After a write that stopped part way, end that torn line first so this record stands alone.
    const std::string text = (m_partial_line ? "\n" : "") + line + "\n";
    std::size_t written = 0;
    if (auto s = write_line(m_fd, m_path, text, &written); !s) {
        m_partial_line = m_partial_line || written > 0;
        return s;
    }
    m_partial_line = false;
    if (sync || ++m_unsynced >= m_sync_every) {
        if (::fsync(m_fd) != 0) {
            return io_error("cannot flush the journal", m_path, errno);
        }
        m_unsynced = 0;
    }
    return Ok{};
}

Status UpdateJournal::report_once(Status status) {
    if (status.ok() || m_write_failed) {
        return Ok{}; // written, or a later failure of a journal that already said it fails
    }
    m_write_failed = true;
    return make_error(status.error().code,
                      status.error().message +
                          "; from now on the journal may miss records (said once), the final "
                          "state will be recorded if there is room");
}

Status UpdateJournal::phase(std::string_view phase) {
    auto s =
        append(json_text(Json{{"record", "phase"}, {"time", now_utc()}, {"phase", phase}}), true);
    crash_point("journal:phase");
    return report_once(std::move(s));
}

Status UpdateJournal::note(std::string_view text) {
    return report_once(
        append(json_text(Json{{"record", "note"}, {"time", now_utc()}, {"text", text}}), true));
}

Status UpdateJournal::progress(std::uint64_t messages_sent, std::uint64_t bytes_sent) {
    if (m_write_failed) {
        return Ok{}; // reported once already; the final record needs the room more
    }
    auto s = append(json_text(Json{{"record", "progress"},
                                   {"time", now_utc()},
                                   {"messages_sent", messages_sent},
                                   {"bytes_sent", bytes_sent}}),
                    false);
    crash_point("journal:progress");
    return report_once(std::move(s));
}

Status UpdateJournal::finish(std::string_view outcome, DeviceState state, std::string_view detail,
                             std::string_view recovery_plan) {
    if (m_write_failed) {
        release_reserve(); // the disk is full: the room kept for this record is needed now
    }
    const std::string record = json_text(Json{{"record", "finished"},
                                              {"time", now_utc()},
                                              {"outcome", outcome},
                                              {"device_state", to_string(state)},
                                              {"detail", detail},
                                              {"recovery_plan", recovery_plan}});
    auto s = append(record, true);
    if (!s && !m_reserve.empty()) {
        // The disk filled just now (this is the first write that failed): free the reserve and
        // try once more.
        release_reserve();
        s = append(record, true);
    }
    m_finished = s.ok();
    release_reserve();
    if (!s) {
        m_write_failed = true;
        return make_error(s.error().code, s.error().message +
                                              "; the final state could not be recorded: the "
                                              "journal will show this run as interrupted");
    }
    return s;
}

namespace {

std::vector<std::string> split_lines(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::string> lines;
    std::string current;
    for (const auto byte : bytes) {
        if (byte == '\n') {
            lines.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(static_cast<char>(byte));
        }
    }
    if (!current.empty()) {
        lines.push_back(std::move(current));
    }
    return lines;
}

// One journal record into what the session says so far; true for a start record.
bool apply_record(const Json& j, JournalSession& session) {
    const std::string record = str(j, "record");
    bool start = false;
    if (record == "start") {
        start = true; // the id stays the file's name: it is what --resolve finds
        session.started = str(j, "time");
        session.device_id = str(j, "device");
        session.device_name = str(j, "device_name");
        session.port = str(j, "port");
        session.api = str(j, "api");
        session.link = str(j, "link");
        session.file = str(j, "file");
        session.file_sha256 = str(j, "file_sha256");
        session.message_count = u64(j, "message_count");
        session.total_bytes = u64(j, "total_bytes");
    } else if (record == "phase") {
        session.last_phase = str(j, "phase");
    } else if (record == "progress") {
        session.messages_sent = u64(j, "messages_sent");
        session.bytes_sent = u64(j, "bytes_sent");
    } else if (record == "finished") {
        session.finished = true;
        session.outcome = str(j, "outcome");
        session.device_state = str(j, "device_state");
        if (session.device_state != "updated" && session.device_state != "unchanged") {
            // A damaged or hand-made finish must not hide a half-written device.
            session.device_state = "unknown";
        }
        session.detail = str(j, "detail");
        session.recovery_plan = str(j, "recovery_plan");
    } else if (record == "resolved") {
        session.resolved = true;
    }
    session.last_time = str(j, "time");
    return start;
}

} // namespace

Result<JournalSession> read_journal(const fs::path& path) {
    JournalSession session;
    session.path = path;
    session.session = path.stem().string();
    // Only a regular file is opened (a FIFO in the folder would block the reader forever).
    auto file = open_regular_file(path);
    if (!file) {
        return file.error();
    }
    // A lock we cannot take belongs to a live writer.
    if (::flock(file->fd(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        session.running = true;
    }
    auto bytes = read_up_to(*file, path, kMaxJournalBytes);
    if (!bytes) {
        return bytes.error();
    }
    if (bytes->size() > kMaxJournalBytes) {
        return make_error(ErrorCode::invalid_data,
                          fmt::format("'{}' is larger than {} MiB: no journal is", path.string(),
                                      kMaxJournalBytes / (1024 * 1024)));
    }
    const std::vector<std::string> lines = split_lines(*bytes);
    bool saw_start = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Json j = Json::parse(lines[i], nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            if (i + 1 == lines.size()) {
                session.torn_tail = true;
                break;
            }
            continue; // a damaged line in the middle: keep what the others say
        }
        saw_start = apply_record(j, session) || saw_start;
    }
    if (!saw_start) {
        if (session.running) {
            return make_error(
                ErrorCode::refused,
                fmt::format("'{}' is being started by another process", path.string()));
        }
        return make_error(
            ErrorCode::invalid_data,
            fmt::format("'{}' has no start record: {}", path.string(), why_unreadable(*bytes)));
    }
    return session;
}

namespace {

void scan_journal_folder(const fs::path& dir, std::vector<JournalSession>* sessions,
                         std::vector<UnreadableJournal>* unreadable) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        if (it->path().extension() != kExtension ||
            is_temporary_file_name(it->path().filename().string())) {
            continue;
        }
        auto s = read_journal(it->path());
        if (s && sessions != nullptr) {
            sessions->push_back(std::move(*s));
        } else if (!s && unreadable != nullptr && s.error().code != ErrorCode::refused) {
            std::string reason = s.error().message;
            // "'<path>' has no start record: it is empty" → "no start record: it is empty"
            const std::string prefix = fmt::format("'{}' ", it->path().string());
            if (reason.rfind(prefix, 0) == 0) {
                reason.erase(0, prefix.size());
            }
            unreadable->push_back({it->path(), std::move(reason)});
        }
    }
}

} // namespace

std::vector<JournalSession> list_sessions(const fs::path& dir) {
    std::vector<JournalSession> out;
    scan_journal_folder(dir, &out, nullptr);
    std::sort(out.begin(), out.end(), [](const JournalSession& a, const JournalSession& b) {
        return a.started != b.started ? a.started < b.started : a.session < b.session;
    });
    return out;
}

std::vector<UnreadableJournal> list_unreadable(const fs::path& dir) {
    std::vector<UnreadableJournal> out;
    scan_journal_folder(dir, nullptr, &out);
    std::sort(out.begin(), out.end(), [](const UnreadableJournal& a, const UnreadableJournal& b) {
        return a.path < b.path;
    });
    return out;
}

std::vector<JournalSession> find_interrupted(const fs::path& dir) {
    auto all = list_sessions(dir);
    all.erase(std::remove_if(all.begin(), all.end(),
                             [](const JournalSession& s) { return !s.needs_recovery(); }),
              all.end());
    return all;
}

Status mark_resolved(const fs::path& dir, std::string_view session, std::string_view how) {
    // An id, never a path: "../../x" must not reach a file outside the journal folder.
    if (!is_session_id(session)) {
        return make_error(ErrorCode::usage,
                          fmt::format("'{}' is not a session id (ids look like "
                                      "20261205T101500Z-parker-midifly-4242; 'syxflash-cli "
                                      "recover' lists them)",
                                      session));
    }
    const fs::path path = dir / (std::string(session) + std::string(kExtension));
    auto current = read_journal(path);
    if (!current) {
        return current.error();
    }
    if (current->running) {
        return make_error(
            ErrorCode::refused,
            fmt::format("session {} is still running in another process", current->session));
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND); // NOLINT
    if (fd < 0) {
        return io_error("cannot open the journal", path, errno);
    }
    auto s = write_line(fd, path,
                        json_text(Json{{"record", "resolved"}, {"time", now_utc()}, {"how", how}}) +
                            "\n");
    if (s && ::fsync(fd) != 0) {
        s = io_error("cannot flush the journal", path, errno);
    }
    ::close(fd);
    return s;
}

} // namespace syx::engine
