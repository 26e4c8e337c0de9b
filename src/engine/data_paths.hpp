#pragma once
// Where syxflash finds its manifests, relocatably (an installed tree can be moved, a developer
// build runs from its build folder):
//   shipped: $SYXFLASH_MANIFEST_DIR if set (tests), else the first folder that exists of
//            <exe dir>/../share/syxflash/firmware-manifests   (relocated install / bundle)
//            <install datadir>/syxflash/firmware-manifests   (configured install prefix)
//            <source dir>/firmware-manifests                  (developer build)
//   user:    $XDG_CONFIG_HOME/syxflash/manifests, default ~/.config/syxflash/manifests
#include <filesystem>
#include <optional>
#include <vector>

#include "core/catalogue.hpp"

namespace syx::engine {

struct ManifestDirs {
    std::vector<std::filesystem::path> shipped; // at most one folder, or empty if none exists
    std::vector<std::filesystem::path> user;    // the user folder (may not exist yet)
};

// An environment variable holding a path; nullopt when unset or empty.
std::optional<std::filesystem::path> env_path(const char* name);

// The folder holding the running executable, if the platform can tell.
std::optional<std::filesystem::path> executable_dir();

// Candidates for the shipped manifests in search order (existing or not), ignoring the env
// override; exposed for tests and `--help` texts.
std::vector<std::filesystem::path> shipped_manifest_candidates();

// The user's manifest folder from XDG_CONFIG_HOME / HOME; nullopt when neither is set.
std::optional<std::filesystem::path> user_manifest_dir();

ManifestDirs manifest_dirs();

// Loads the catalogue from manifest_dirs().
CatalogueLoad load_device_catalogue();

} // namespace syx::engine
