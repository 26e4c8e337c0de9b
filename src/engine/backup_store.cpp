#include "engine/backup_store.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>

#include "build_info.hpp"
#include <fcntl.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "core/backup_completeness.hpp"
#include "core/hash.hpp"
#include "engine/atomic_file.hpp"
#include "engine/crash_point.hpp"
#include "engine/data_paths.hpp"
#include "engine/file_access.hpp"
#include "engine/json_text.hpp"
#include "engine/sysex_file_reader.hpp"

namespace syx::engine {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

std::vector<std::uint8_t> concatenate(const std::vector<std::vector<std::uint8_t>>& messages) {
    std::vector<std::uint8_t> out;
    std::size_t total = 0;
    for (const auto& m : messages) {
        total += m.size();
    }
    out.reserve(total);
    for (const auto& m : messages) {
        out.insert(out.end(), m.begin(), m.end());
    }
    return out;
}

Json to_json(const BackupSidecar& s) {
    return Json{
        {"format", "syxflash-backup"},
        {"format_version", s.format_version},
        {"device", {{"id", s.device_id}, {"name", s.device_name}}},
        {"identity_reply", s.identity_reply.empty() ? Json(nullptr) : Json(s.identity_reply)},
        {"firmware_version", s.firmware_version.empty() ? Json(nullptr) : Json(s.firmware_version)},
        {"created", s.created},
        {"file", s.file},
        {"bytes", s.bytes},
        {"messages", s.messages},
        {"sha256", s.sha256},
        {"complete", s.complete},
        {"completeness", s.completeness},
        {"backup_kind", s.backup_kind},
        {"tool", s.tool},
    };
}

std::string string_or_empty(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

Result<BackupSidecar> sidecar_from_json(const Json& j) {
    if (!j.is_object() || string_or_empty(j, "format") != "syxflash-backup") {
        return make_error(ErrorCode::invalid_data, "not a syxflash backup sidecar");
    }
    BackupSidecar s;
    const auto version = j.find("format_version");
    const auto device = j.find("device");
    const auto bytes = j.find("bytes");
    const auto messages = j.find("messages");
    const auto complete = j.find("complete");
    if (version == j.end() || !version->is_number_integer() || device == j.end() ||
        !device->is_object() || bytes == j.end() || !bytes->is_number_unsigned() ||
        messages == j.end() || !messages->is_number_unsigned() || complete == j.end() ||
        !complete->is_boolean()) {
        return make_error(ErrorCode::invalid_data,
                          "sidecar lacks format_version, device, bytes, messages or complete");
    }
    s.format_version = version->get<int>();
    if (s.format_version != 1) {
        return make_error(ErrorCode::invalid_data,
                          fmt::format("sidecar format_version {} is newer than this syxflash "
                                      "understands (1)",
                                      s.format_version));
    }
    s.device_id = string_or_empty(*device, "id");
    s.device_name = string_or_empty(*device, "name");
    s.identity_reply = string_or_empty(j, "identity_reply");
    s.firmware_version = string_or_empty(j, "firmware_version");
    s.created = string_or_empty(j, "created");
    s.file = string_or_empty(j, "file");
    s.bytes = bytes->get<std::uint64_t>();
    s.messages = messages->get<std::uint64_t>();
    s.sha256 = string_or_empty(j, "sha256");
    s.complete = complete->get<bool>();
    s.completeness = string_or_empty(j, "completeness");
    s.backup_kind = string_or_empty(j, "backup_kind");
    s.tool = string_or_empty(j, "tool");
    if (s.device_id.empty() || s.sha256.size() != 64) {
        return make_error(ErrorCode::invalid_data, "sidecar lacks the device id or the SHA-256");
    }
    return s;
}

BackupSidecar make_sidecar(const BackupContent& content, const fs::path& file,
                           std::span<const std::uint8_t> bytes, bool complete) {
    BackupSidecar s;
    s.device_id = content.device_id;
    s.device_name = content.device_name;
    s.identity_reply =
        content.identity_reply.empty() ? std::string{} : to_spaced_hex(content.identity_reply);
    s.firmware_version = content.firmware_version;
    s.created = format_utc(content.created);
    s.file = file.filename().string();
    s.bytes = bytes.size();
    s.messages = content.messages.size();
    s.sha256 = to_hex(sha256(bytes));
    s.complete = complete;
    s.completeness = content.completeness;
    s.backup_kind = content.backup_kind;
    s.tool = fmt::format("syxflash {}", build_info::kVersion);
    return s;
}

// Removes files this call created when a later step failed (never anything that existed).
void remove_created(const std::vector<fs::path>& created) {
    for (const auto& p : created) {
        std::error_code ec;
        fs::remove(p, ec);
    }
}

// The pending record (issue 17: a kill between the .syx and its sidecar left a .syx that no
// sidecar commits, which later blocked that name and `upload --backup`). Before the .syx is
// written, ".<name>.syx.pending-<pid>" records which file this writer is about to create and its
// SHA-256; it goes once the sidecar, the commit record, is in place. A later start
// (sweep_backup_folder) finds the records of writers that no longer run and rolls their work back:
// a .syx without its sidecar is removed (only if it is exactly the bytes the record names, so a
// user's own file is never touched), a committed pair is kept.
constexpr std::string_view kPendingMarker = ".pending-";
constexpr std::string_view kPendingHeader = "syxflash-backup-pending 1";

fs::path pending_path(const fs::path& file) {
    return file.parent_path() / fmt::format(".{}{}{}", file.filename().string(), kPendingMarker,
                                            static_cast<long>(::getpid()));
}

Status write_pending(const fs::path& marker, const fs::path& file, const std::string& sha256_hex) {
    const std::string text =
        fmt::format("{}\n{}\n{}\n", kPendingHeader, file.filename().string(), sha256_hex);
    const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        return make_error(ErrorCode::io, fmt::format("cannot create '{}': {}", marker.string(),
                                                     std::strerror(errno)));
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(marker.c_str());
        return make_error(ErrorCode::io, fmt::format("cannot write '{}': {}", marker.string(),
                                                     std::strerror(err)));
    }
    sync_directory(marker.has_parent_path() ? marker.parent_path() : fs::path("."));
    crash_point("backup:pending-written");
    return Ok{};
}

// Rolls back what a dead writer's pending record names. Returns true when it removed a .syx.
bool roll_back_pending(const fs::path& marker) {
    bool removed = false;
    std::vector<std::uint8_t> text;
    if (auto bytes = read_file_bytes(marker)) {
        text = std::move(*bytes);
    }
    std::vector<std::string> lines(1);
    for (const auto byte : text) {
        if (byte == '\n') {
            lines.emplace_back();
        } else {
            lines.back().push_back(static_cast<char>(byte));
        }
    }
    // A torn record (killed while writing it): nothing else was written yet.
    if (lines.size() >= 4 && lines[0] == kPendingHeader && !lines[1].empty() &&
        lines[1].find('/') == std::string::npos && lines[1] != "." && lines[1] != "..") {
        const fs::path file = marker.parent_path() / lines[1];
        std::error_code ec;
        if (!fs::exists(sidecar_path(file), ec)) {
            auto bytes = read_file_bytes(file);
            if (bytes && to_hex(sha256(*bytes)) == lines[2]) {
                removed = fs::remove(file, ec);
            }
        }
    }
    std::error_code ec;
    fs::remove(marker, ec);
    return removed;
}

// Writes .syx then sidecar, then reads the .syx back. On failure nothing we wrote stays.
Result<BackupSidecar> write_pair(const BackupContent& content, const fs::path& file,
                                 std::span<const std::uint8_t> bytes, bool complete) {
    const fs::path side = sidecar_path(file);
    std::error_code ec;
    if (fs::exists(side, ec)) {
        return make_error(ErrorCode::refused,
                          fmt::format("'{}' already exists (the sidecar of an earlier backup "
                                      "named '{}'); it is not overwritten: choose another name",
                                      side.string(), file.filename().string()));
    }
    const fs::path marker = pending_path(file);
    if (auto status = write_pending(marker, file, to_hex(sha256(bytes))); !status) {
        return status.error();
    }
    if (auto status = write_file_atomically(file, bytes, Overwrite::never); !status) {
        remove_created({marker});
        return status.error();
    }
    crash_point("backup:syx-written");
    BackupSidecar sidecar = make_sidecar(content, file, bytes, complete);
    // Re-read and re-hash before the sidecar commits the backup: what is on disk is what we got.
    auto back = read_file_bytes(file);
    if (!back || to_hex(sha256(*back)) != sidecar.sha256) {
        remove_created({file, marker});
        return make_error(ErrorCode::io,
                          fmt::format("'{}' reads back differently from what was written (disk "
                                      "or file system problem); no backup was kept there",
                                      file.string()));
    }
    const std::string text = json_text(to_json(sidecar), 2) + "\n";
    if (auto status = write_file_atomically(side, std::string_view(text), Overwrite::never);
        !status) {
        remove_created({file, marker});
        return status.error();
    }
    crash_point("backup:sidecar-written");
    // Committed: the record has done its work.
    remove_created({marker});
    sync_directory(file.has_parent_path() ? file.parent_path() : fs::path("."));
    return sidecar;
}

// "<stem>.syx", "<stem>-2.syx", …: the first name where neither file nor sidecar exists.
fs::path unique_name(const fs::path& dir, const std::string& stem, const std::string& ext) {
    for (int n = 1;; ++n) {
        const fs::path candidate =
            dir / (n == 1 ? stem + ext : fmt::format("{}-{}{}", stem, n, ext));
        std::error_code ec;
        if (!fs::exists(candidate, ec) && !fs::exists(sidecar_path(candidate), ec)) {
            return candidate;
        }
    }
}

std::string compact_utc(std::chrono::system_clock::time_point time) {
    // "20261120T223344Z": sorts by time, no ':' (not allowed on Windows).
    std::string iso = format_utc(time);
    iso.erase(std::remove_if(iso.begin(), iso.end(), [](char c) { return c == '-' || c == ':'; }),
              iso.end());
    return iso;
}

} // namespace

std::string format_utc(std::chrono::system_clock::time_point time) {
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
#if defined(_WIN32)
    gmtime_s(&utc, &t);
#else
    gmtime_r(&t, &utc);
#endif
    std::array<char, 32> buffer{};
    const auto n = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(buffer.data(), n);
}

std::optional<fs::path> backup_library_dir() {
    if (auto xdg = env_path("XDG_DATA_HOME"); xdg && xdg->is_absolute()) {
        return *xdg / "syxflash" / "backups";
    }
    if (auto home = env_path("HOME")) {
        return *home / ".local" / "share" / "syxflash" / "backups";
    }
#if defined(_WIN32)
    if (auto appdata = env_path("LOCALAPPDATA")) {
        return *appdata / "syxflash" / "backups";
    }
#endif
    return std::nullopt;
}

std::string sanitize_file_name(std::string_view raw) {
    constexpr std::size_t kMax = 64;
    std::string out;
    for (const char c : raw) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep = u < 0x80 && (std::isalnum(u) != 0 || c == '.' || c == '-' || c == '_');
        if (keep) {
            out.push_back(c);
        } else if (out.empty() || out.back() != '_') {
            out.push_back('_');
        }
    }
    // No "..", no hidden files, nothing that looks like an option, no runs of '_'.
    for (auto pos = out.find(".."); pos != std::string::npos; pos = out.find("..")) {
        out.replace(pos, 2, "_");
    }
    for (auto pos = out.find("__"); pos != std::string::npos; pos = out.find("__")) {
        out.erase(pos, 1);
    }
    while (!out.empty() && (out.front() == '.' || out.front() == '-' || out.front() == '_')) {
        out.erase(out.begin());
    }
    if (out.size() > kMax) {
        out.resize(kMax);
    }
    while (!out.empty() && (out.back() == '.' || out.back() == ' ')) {
        out.pop_back(); // Windows drops trailing dots
    }
    if (out.empty()) {
        return "unnamed";
    }
    // Windows device names are reserved with any extension.
    std::string upper;
    for (const char c : out.substr(0, out.find('.'))) {
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    static const std::array<std::string_view, 22> kReserved{
        "CON",  "PRN",  "AUX",  "NUL",  "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
        "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};
    if (std::find(kReserved.begin(), kReserved.end(), upper) != kReserved.end()) {
        out.insert(0, "_");
    }
    return out;
}

fs::path sidecar_path(const fs::path& syx) {
    fs::path out = syx;
    out += ".json";
    return out;
}

fs::path incomplete_path(const fs::path& output) {
    const std::string stem =
        output.extension() == ".syx" ? output.stem().string() : output.filename().string();
    return output.parent_path() / (stem + ".incomplete.syx");
}

std::size_t sweep_backup_folder(const fs::path& dir) {
    std::size_t removed = 0;
    std::error_code ec;
    std::vector<fs::path> markers;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const auto at = name.rfind(kPendingMarker);
        if (name.size() < 2 || name.front() != '.' || at == std::string::npos) {
            continue;
        }
        const std::string pid_text = name.substr(at + kPendingMarker.size());
        char* end = nullptr;
        const long pid = std::strtol(pid_text.c_str(), &end, 10);
        if (end == pid_text.c_str() || *end != '\0' || !writer_may_be_running(pid)) {
            markers.push_back(it->path());
        }
    }
    for (const auto& marker : markers) {
        removed += roll_back_pending(marker) ? 1U : 0U;
    }
    remove_abandoned_temporary_files(dir);
    if (!markers.empty()) {
        sync_directory(dir);
    }
    return removed;
}

Status check_backup_output(const fs::path& output, std::string_view device_id) {
    if (output.empty()) {
        return make_error(ErrorCode::usage, "the output path is empty");
    }
    const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
    // The next start after a killed backup: finish the sweep first, so a half-written pair of an
    // earlier run does not block the name or linger.
    sweep_backup_folder(dir);
    if (!device_id.empty()) {
        if (const auto library = backup_library_dir()) {
            sweep_backup_folder(*library / sanitize_file_name(device_id));
        }
    }
    for (const fs::path& p : {output, sidecar_path(output)}) {
        struct stat info {};
        if (::lstat(p.c_str(), &info) != 0) {
            continue;
        }
        if (S_ISLNK(info.st_mode)) {
            std::error_code ec;
            const fs::path target = fs::read_symlink(p, ec);
            return make_error(ErrorCode::usage,
                              fmt::format("'{}' is a symbolic link (to '{}'{}); a backup is "
                                          "written as a new file, never through a link. Choose "
                                          "another name.",
                                          p.string(), target.string(),
                                          fs::exists(p, ec) ? "" : ", which does not exist"));
        }
        return make_error(ErrorCode::usage,
                          fmt::format("'{}' already exists ({}); a backup never overwrites a "
                                      "file. Choose another name or move the old one away.",
                                      p.string(), describe_file_type(info.st_mode)));
    }
    struct stat info {};
    if (::stat(dir.c_str(), &info) != 0) {
        return make_error(ErrorCode::usage, fmt::format("the folder '{}' does not exist ({})",
                                                        dir.string(), std::strerror(errno)));
    }
    if (!S_ISDIR(info.st_mode)) {
        return make_error(ErrorCode::usage,
                          fmt::format("'{}' is {}, not a folder: the backup cannot be written "
                                      "there",
                                      dir.string(), describe_file_type(info.st_mode)));
    }
    // Can a file be made there? Try it, as the save would (permissions, a read-only file system).
    std::string probe = (dir / fmt::format(".{}.tmp-{}-XXXXXX", output.filename().string(),
                                           static_cast<long>(::getpid())))
                            .string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
        return make_error(ErrorCode::usage, fmt::format("cannot write in the folder '{}': {}",
                                                        dir.string(), std::strerror(errno)));
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return Ok{};
}

namespace {

// The library copy of a backup: <library>/<device>/<UTC time>[-label].syx with its sidecar. The
// first pair written gives `saved` its metadata when no output file was asked for.
Result<fs::path> copy_into_library(const BackupContent& content, const fs::path& library,
                                   const std::vector<std::uint8_t>& bytes, SavedBackup& saved) {
    const fs::path dir = library / sanitize_file_name(content.device_id);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return make_error(ErrorCode::io,
                          fmt::format("cannot create '{}': {}", dir.string(), ec.message()));
    }
    sweep_backup_folder(dir);
    std::string stem = compact_utc(content.created);
    if (!content.label.empty()) {
        stem += "-" + sanitize_file_name(content.label);
    }
    // Two writers may pick the same free name; the loser gets "refused" and tries the next one.
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path file = unique_name(dir, stem, ".syx");
        auto written = write_pair(content, file, bytes, true);
        if (written) {
            if (saved.file.empty()) {
                saved.metadata = std::move(*written);
            }
            return file;
        }
        if (written.error().code != ErrorCode::refused) {
            return written.error();
        }
    }
    return make_error(ErrorCode::io, "no free file name in the library folder");
}

} // namespace

Result<SavedBackup> save_backup(const BackupContent& content, const SaveBackupOptions& options) {
    if (!content.complete) {
        return make_error(ErrorCode::refused,
                          fmt::format("the dump is incomplete ({}); it is not a backup and was "
                                      "not saved as one",
                                      content.completeness.empty() ? "completeness rule not met"
                                                                   : content.completeness));
    }
    if (content.messages.empty()) {
        return make_error(ErrorCode::refused, "no message arrived; there is nothing to back up");
    }
    if (content.device_id.empty()) {
        return make_error(ErrorCode::usage, "a backup needs the device id");
    }
    const auto bytes = concatenate(content.messages);
    const std::optional<fs::path> library =
        options.library ? (options.library->empty() ? std::nullopt : options.library)
                        : backup_library_dir();

    SavedBackup saved;
    if (!options.output.empty()) {
        sweep_backup_folder(options.output.has_parent_path() ? options.output.parent_path()
                                                             : fs::path("."));
        auto written = write_pair(content, options.output, bytes, true);
        if (!written) {
            return written.error();
        }
        saved.file = options.output;
        saved.sidecar = sidecar_path(options.output);
        saved.metadata = std::move(*written);
    } else if (!library) {
        return make_error(ErrorCode::usage,
                          "no output file given and no library folder (set HOME or "
                          "XDG_DATA_HOME)");
    }

    if (library) {
        auto library_copy = copy_into_library(content, *library, bytes, saved);
        if (library_copy) {
            saved.library_file = *library_copy;
            if (saved.file.empty()) {
                saved.file = *library_copy;
                saved.sidecar = sidecar_path(*library_copy);
            }
        } else if (saved.file.empty()) {
            return library_copy.error();
        } else {
            saved.library_warning = fmt::format("the backup was not copied into the library: {}",
                                                library_copy.error().message);
        }
    }
    return saved;
}

Result<SavedBackup> save_incomplete_dump(const BackupContent& content, const fs::path& output) {
    if (content.messages.empty()) {
        return make_error(ErrorCode::refused, "nothing arrived; no diagnosis file written");
    }
    const auto bytes = concatenate(content.messages);
    const fs::path first = incomplete_path(output);
    const std::string stem = first.filename().string().substr(
        0, first.filename().string().size() - std::string_view(".syx").size());
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path file = unique_name(first.parent_path(), stem, ".syx");
        auto written = write_pair(content, file, bytes, false);
        if (written) {
            return SavedBackup{file, sidecar_path(file), std::nullopt, std::nullopt,
                               std::move(*written)};
        }
        if (written.error().code != ErrorCode::refused) {
            return written.error();
        }
    }
    return make_error(ErrorCode::io, "no free name for the incomplete dump");
}

Result<BackupSidecar> read_sidecar(const fs::path& sidecar) {
    auto bytes = read_file_bytes(sidecar);
    if (!bytes) {
        return bytes.error();
    }
    const Json j = Json::parse(bytes->begin(), bytes->end(), nullptr, false);
    if (j.is_discarded()) {
        return make_error(ErrorCode::invalid_data,
                          fmt::format("'{}' is not valid JSON", sidecar.string()));
    }
    auto parsed = sidecar_from_json(j);
    if (!parsed) {
        return parsed.error().with_context(sidecar.string());
    }
    return parsed;
}

BackupCheck verify_backup(const fs::path& file, const Manifest& manifest) {
    BackupCheck check;
    const fs::path side = sidecar_path(file);
    auto sidecar = read_sidecar(side);
    if (!sidecar) {
        check.problems.push_back(
            sidecar.error().code == ErrorCode::not_found
                ? fmt::format("no sidecar '{}': only backups made by syxflash (with their "
                              ".syx.json beside them) count as verified",
                              side.filename().string())
                : sidecar.error().message);
    } else {
        check.sidecar = *sidecar;
        if (sidecar->device_id != manifest.id) {
            check.problems.push_back(fmt::format("it is a backup of '{}', not of '{}'",
                                                 sidecar->device_id, manifest.id));
        }
        if (!sidecar->complete) {
            check.problems.push_back(fmt::format("the sidecar says the dump was incomplete ({})",
                                                 sidecar->completeness));
        }
    }
    auto read = read_sysex_file(file);
    if (!read) {
        check.problems.push_back(read.error().message);
        return check;
    }
    const SysexFile& syx = *read;
    check.sha256 = to_hex(syx.sha256);
    check.messages = syx.messages.size();
    if (sidecar) {
        if (check.sha256 != sidecar->sha256 || syx.file_bytes != sidecar->bytes) {
            check.problems.push_back(
                "the file's SHA-256 differs from its sidecar: it changed after it was saved");
        }
        if (syx.messages.size() != sidecar->messages) {
            check.problems.push_back(fmt::format("{} messages in the file, {} in the sidecar",
                                                 syx.messages.size(), sidecar->messages));
        }
    }
    if (syx.format != FileFormat::raw_syx) {
        check.problems.push_back(
            fmt::format("the file is {}, not plain .syx", to_string(syx.format)));
    }
    for (const auto& f : syx.findings) {
        if (f.severity != Severity::info) {
            check.problems.push_back(fmt::format("file problem: {}", f.text));
        }
    }
    if (manifest.backup.kind == BackupKind::none) {
        check.problems.push_back(
            fmt::format("{} has no SysEx backup: {}", manifest.name, manifest.backup.reason));
    } else {
        for (const auto& m : syx.messages) {
            if (!manifest.backup.expect.empty() && !manifest.backup.classify(syx.bytes_of(m))) {
                check.problems.push_back(
                    fmt::format("message {} ({} bytes) is not one a {} backup consists of",
                                m.index + 1, m.length, manifest.name));
                break;
            }
        }
        // The manifest's completeness rule, as if the file had just arrived (K-Station: every
        // program pair of the bank; LP: the one bulk message).
        std::vector<std::span<const std::uint8_t>> views;
        views.reserve(syx.messages.size());
        for (const auto& m : syx.messages) {
            views.push_back(syx.bytes_of(m));
        }
        const auto verdict = check_completeness(manifest.backup, views, true);
        if (!verdict.complete) {
            check.problems.push_back(fmt::format(
                "incomplete for a {} backup: {}{}", manifest.name, verdict.summary,
                verdict.missing.empty() ? std::string{} : " (missing " + verdict.missing + ")"));
        }
    }
    check.ok = check.problems.empty();
    return check;
}

std::vector<LibraryEntry> list_library(const std::optional<fs::path>& root,
                                       std::string_view device_id) {
    std::vector<LibraryEntry> out;
    const std::optional<fs::path> base = root ? root : backup_library_dir();
    if (!base) {
        return out;
    }
    std::error_code ec;
    for (auto dev = fs::directory_iterator(*base, ec); !ec && dev != fs::directory_iterator();
         dev.increment(ec)) {
        if (!dev->is_directory()) {
            continue;
        }
        if (!device_id.empty() && dev->path().filename() != sanitize_file_name(device_id)) {
            continue;
        }
        sweep_backup_folder(dev->path());
        std::error_code inner;
        for (auto it = fs::directory_iterator(dev->path(), inner);
             !inner && it != fs::directory_iterator(); it.increment(inner)) {
            const std::string name = it->path().filename().string();
            // Only "<x>.syx.json" sidecars commit a backup; temporaries start with '.'.
            constexpr std::string_view kSuffix = ".syx.json";
            if (is_temporary_file_name(name) || name.size() <= kSuffix.size() ||
                name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
                continue;
            }
            auto sidecar = read_sidecar(it->path());
            if (!sidecar) {
                continue;
            }
            LibraryEntry entry;
            entry.device_id = sidecar->device_id;
            entry.device_name = sidecar->device_name;
            entry.created = sidecar->created;
            entry.sidecar = it->path();
            entry.file = it->path().parent_path() / name.substr(0, name.size() - 5);
            entry.complete = sidecar->complete;
            entry.completeness = sidecar->completeness;
            entry.sha256 = sidecar->sha256;
            entry.bytes = sidecar->bytes;
            entry.messages = sidecar->messages;
            if (auto bytes = read_file_bytes(entry.file)) {
                entry.intact =
                    bytes->size() == sidecar->bytes && to_hex(sha256(*bytes)) == sidecar->sha256;
            }
            if (!device_id.empty() && entry.device_id != device_id) {
                continue;
            }
            out.push_back(std::move(entry));
        }
    }
    std::sort(out.begin(), out.end(), [](const LibraryEntry& a, const LibraryEntry& b) {
        return a.created != b.created ? a.created > b.created : a.file > b.file;
    });
    return out;
}

} // namespace syx::engine
