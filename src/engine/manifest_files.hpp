#pragma once
// Reading manifest files and folders (DESIGN.md §2: the engine opens files and walks folders;
// core parses the text, core/manifest_loader.hpp, and checks the set, core/catalogue.hpp).
#include <filesystem>
#include <vector>

#include "core/catalogue.hpp"
#include "core/manifest_loader.hpp"

namespace syx {

// Reads and parses one file (a missing, unreadable, non-regular or oversized file is a problem
// at line 0).
[[nodiscard]] ManifestLoad load_manifest_file(const std::filesystem::path& path);

// Loads every *.toml (sorted by name) from the shipped folders, then the user folders. Missing
// folders are skipped silently; a manifest with problems is left out and its problems reported.
[[nodiscard]] CatalogueLoad load_catalogue(const std::vector<std::filesystem::path>& shipped_dirs,
                                           const std::vector<std::filesystem::path>& user_dirs);

} // namespace syx
