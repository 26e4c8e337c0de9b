#include "engine/backup_export.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "engine/atomic_file.hpp"
#include "engine/backup_store.hpp"
#include "engine/data_paths.hpp"
#include "engine/json_text.hpp"

namespace syx::engine {

namespace fs = std::filesystem;

namespace {

// `XDG_DOCUMENTS_DIR="$HOME/Documents"` (the xdg-user-dirs format: a quoted path, either
// absolute or starting with $HOME/).
std::optional<fs::path> documents_from_user_dirs(const fs::path& config, const fs::path& home) {
    std::ifstream in(config / "user-dirs.dirs");
    std::string line;
    while (std::getline(in, line)) {
        constexpr std::string_view kKey = "XDG_DOCUMENTS_DIR=";
        if (line.rfind(kKey, 0) != 0) {
            continue;
        }
        std::string value = line.substr(kKey.size());
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        constexpr std::string_view kHome = "$HOME";
        if (value.rfind(kHome, 0) == 0) {
            value = home.string() + value.substr(kHome.size());
        }
        const fs::path path(value);
        std::error_code ec;
        // "$HOME/" alone means "no documents folder" in xdg-user-dirs.
        if (path.is_absolute() && fs::is_directory(path, ec) &&
            path.lexically_normal() != (home / "").lexically_normal()) {
            return path;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<fs::path> documents_dir() {
    const auto home = env_path("HOME");
    if (!home) {
        return std::nullopt;
    }
    auto config = env_path("XDG_CONFIG_HOME");
    if (!config || !config->is_absolute()) {
        config = *home / ".config";
    }
    if (auto documents = documents_from_user_dirs(*config, *home)) {
        return documents;
    }
    return home;
}

Result<ExportedBackup> export_backup(const fs::path& file, const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        return make_error(ErrorCode::not_found,
                          fmt::format("the folder '{}' does not exist", folder.string()));
    }
    auto syx = read_file_bytes(file);
    if (!syx) {
        return syx.error();
    }
    auto side = read_file_bytes(sidecar_path(file));
    if (!side) {
        return make_error(ErrorCode::not_found,
                          fmt::format("'{}' has no sidecar '{}' beside it; only whole backups "
                                      "are exported",
                                      file.filename().string(),
                                      sidecar_path(file).filename().string()));
    }
    std::string stem = file.stem().string();
    const std::string ext = file.extension().string();
    for (int n = 1; n <= 999; ++n) {
        const std::string name = n == 1 ? stem + ext : fmt::format("{}-{}{}", stem, n, ext);
        const fs::path target = folder / name;
        const fs::path target_side = sidecar_path(target);
        if (fs::exists(target, ec) || fs::exists(target_side, ec)) {
            continue;
        }
        // The copied sidecar describes the copy: its "file" is the new name. Anything else in
        // it (SHA-256, sizes, device) is unchanged, so the copy verifies like the original.
        std::vector<std::uint8_t> side_bytes = *side;
        auto json = nlohmann::json::parse(side->begin(), side->end(), nullptr, false);
        if (json.is_object()) {
            json["file"] = name;
            const std::string text = json_text(json, 2) + "\n";
            side_bytes.assign(text.begin(), text.end());
        }
        auto written = write_file_atomically(target, *syx, Overwrite::never);
        if (!written) {
            if (written.error().code == ErrorCode::refused) {
                continue; // appeared meanwhile: next name
            }
            return written.error();
        }
        auto written_side = write_file_atomically(target_side, side_bytes, Overwrite::never);
        if (!written_side) {
            fs::remove(target, ec); // never leave a .syx without its sidecar
            if (written_side.error().code == ErrorCode::refused) {
                continue;
            }
            return written_side.error();
        }
        return ExportedBackup{target, target_side, n > 1};
    }
    return make_error(ErrorCode::io, fmt::format("no free name for '{}' in '{}'",
                                                 file.filename().string(), folder.string()));
}

} // namespace syx::engine
