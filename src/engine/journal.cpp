#include "engine/journal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include "engine/atomic_file.hpp"
#include "engine/backup_store.hpp"
#include "engine/crash_point.hpp"

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

Status write_line(int fd, const fs::path& path, const std::string& line) {
    // One write() per record: a kill lands before or after it, not inside a record (only a power
    // cut can tear the tail, and readers ignore a torn last line).
    std::size_t done = 0;
    while (done < line.size()) {
        const auto n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return io_error("cannot append to the journal", path, errno);
        }
        done += static_cast<std::size_t>(n);
    }
    return Ok{};
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
    if (auto s = journal.append(record.dump(), true); !s) {
        return s.error();
    }
    return journal;
}

UpdateJournal::~UpdateJournal() {
    if (m_fd >= 0) {
        ::fsync(m_fd);
        ::close(m_fd); // also drops the lock
    }
}

UpdateJournal::UpdateJournal(UpdateJournal&& other) noexcept
    : m_path(std::move(other.m_path)), m_session(std::move(other.m_session)), m_fd(other.m_fd),
      m_sync_every(other.m_sync_every), m_unsynced(other.m_unsynced), m_finished(other.m_finished) {
    other.m_fd = -1;
}

UpdateJournal& UpdateJournal::operator=(UpdateJournal&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_path = std::move(other.m_path);
        m_session = std::move(other.m_session);
        m_fd = other.m_fd;
        m_sync_every = other.m_sync_every;
        m_unsynced = other.m_unsynced;
        m_finished = other.m_finished;
        other.m_fd = -1;
    }
    return *this;
}

Status UpdateJournal::append(const std::string& line, bool sync) {
    if (m_fd < 0) {
        return make_error(ErrorCode::internal, "journal is closed");
    }
    if (auto s = write_line(m_fd, m_path, line + "\n"); !s) {
        return s;
    }
    if (sync || ++m_unsynced >= m_sync_every) {
        if (::fsync(m_fd) != 0) {
            return io_error("cannot flush the journal", m_path, errno);
        }
        m_unsynced = 0;
    }
    return Ok{};
}

Status UpdateJournal::phase(std::string_view phase) {
    auto s = append(Json{{"record", "phase"}, {"time", now_utc()}, {"phase", phase}}.dump(), true);
    crash_point("journal:phase");
    return s;
}

Status UpdateJournal::note(std::string_view text) {
    return append(Json{{"record", "note"}, {"time", now_utc()}, {"text", text}}.dump(), true);
}

Status UpdateJournal::progress(std::uint64_t messages_sent, std::uint64_t bytes_sent) {
    auto s = append(Json{{"record", "progress"},
                         {"time", now_utc()},
                         {"messages_sent", messages_sent},
                         {"bytes_sent", bytes_sent}}
                        .dump(),
                    false);
    crash_point("journal:progress");
    return s;
}

Status UpdateJournal::finish(std::string_view outcome, DeviceState state, std::string_view detail,
                             std::string_view recovery_plan) {
    auto s = append(Json{{"record", "finished"},
                         {"time", now_utc()},
                         {"outcome", outcome},
                         {"device_state", to_string(state)},
                         {"detail", detail},
                         {"recovery_plan", recovery_plan}}
                        .dump(),
                    true);
    m_finished = s.ok();
    return s;
}

Result<JournalSession> read_journal(const fs::path& path) {
    JournalSession session;
    session.path = path;
    session.session = path.stem().string();
    // A lock we cannot take belongs to a live writer.
    const int fd = ::open(path.c_str(), O_RDONLY); // NOLINT(cppcoreguidelines-pro-type-vararg)
    if (fd < 0) {
        return io_error("cannot open the journal", path, errno);
    }
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        session.running = true;
    }
    ::close(fd);

    std::ifstream in(path);
    if (!in) {
        return make_error(ErrorCode::not_found, fmt::format("cannot read '{}'", path.string()));
    }
    std::string line;
    bool saw_start = false;
    while (std::getline(in, line)) {
        const bool last = in.peek() == std::char_traits<char>::eof();
        const Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            if (last) {
                session.torn_tail = true;
                break;
            }
            continue; // a damaged line in the middle: keep what the others say
        }
        const std::string record = str(j, "record");
        if (record == "start") {
            saw_start = true;
            if (!str(j, "session").empty()) {
                session.session = str(j, "session");
            }
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
            session.detail = str(j, "detail");
            session.recovery_plan = str(j, "recovery_plan");
        } else if (record == "resolved") {
            session.resolved = true;
        }
        session.last_time = str(j, "time");
    }
    if (!saw_start) {
        return make_error(ErrorCode::invalid_data,
                          fmt::format("'{}' has no start record", path.string()));
    }
    return session;
}

std::vector<JournalSession> list_sessions(const fs::path& dir) {
    std::vector<JournalSession> out;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        if (it->path().extension() != kExtension ||
            is_temporary_file_name(it->path().filename().string())) {
            continue;
        }
        if (auto s = read_journal(it->path())) {
            out.push_back(std::move(*s));
        }
    }
    std::sort(out.begin(), out.end(), [](const JournalSession& a, const JournalSession& b) {
        return a.started != b.started ? a.started < b.started : a.session < b.session;
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
    fs::path path = fs::path(session);
    if (path.extension() != kExtension) {
        path = dir / (std::string(session) + std::string(kExtension));
    }
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
    auto s = write_line(
        fd, path, Json{{"record", "resolved"}, {"time", now_utc()}, {"how", how}}.dump() + "\n");
    if (s && ::fsync(fd) != 0) {
        s = io_error("cannot flush the journal", path, errno);
    }
    ::close(fd);
    return s;
}

} // namespace syx::engine
