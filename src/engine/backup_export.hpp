#pragma once
// Copying a backup out of the library (the Library page's Export): the `.syx` and its
// `.syx.json` sidecar into a folder the user picks, never overwriting anything there.
#include <filesystem>
#include <optional>

#include "core/result.hpp"

namespace syx::engine {

struct ExportedBackup {
    std::filesystem::path file;    // the copied .syx
    std::filesystem::path sidecar; // the copied .syx.json
    bool renamed = false;          // a suffix was added because the name was taken
};

// The user's documents folder: XDG_DOCUMENTS_DIR from $XDG_CONFIG_HOME/user-dirs.dirs (default
// ~/.config/user-dirs.dirs) when it names an existing folder, else $HOME. nullopt when neither
// is known.
[[nodiscard]] std::optional<std::filesystem::path> documents_dir();

// Copies `file` and its sidecar into `folder` (which must exist) as `<name>.syx` +
// `<name>.syx.json`, or `<name>-2.syx` + `<name>-2.syx.json` … when either is taken. Both are
// written atomically, the .syx first and the sidecar last (as the library writes them); the
// copied sidecar's "file" names the copy. Errors: not_found when the file or its sidecar is
// missing, not_found when the folder does not exist, io on write failures (nothing half-written
// is left).
[[nodiscard]] Result<ExportedBackup> export_backup(const std::filesystem::path& file,
                                                   const std::filesystem::path& folder);

} // namespace syx::engine
