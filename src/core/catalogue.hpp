#pragma once
// The set of devices syxflash knows: every manifest from the shipped folder plus the user's own
// folder. User manifests extend the catalogue or override a shipped device with the same id; the
// catalogue remembers which file each device came from so the CLI and GUI can say so.
// Duplicate ids (within one folder tier) and identity reply patterns that could match the same
// reply are rejected: identification must never be ambiguous.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest.hpp"
#include "core/manifest_loader.hpp"

namespace syx {

enum class ManifestOrigin { shipped, user };
const char* to_string(ManifestOrigin origin); // "shipped" | "user"

struct CatalogueEntry {
    Manifest manifest;
    std::filesystem::path file;
    ManifestOrigin origin = ManifestOrigin::shipped;
    // The shipped file this user manifest replaced, if any.
    std::optional<std::filesystem::path> overrides;
};

class Catalogue {
public:
    // Adds a manifest. Returns a problem (and leaves the catalogue unchanged) for a duplicate id
    // in the same tier or an identity overlap with another device. A user manifest whose id
    // matches a shipped one replaces it.
    std::optional<ManifestProblem> add(Manifest manifest, std::filesystem::path file,
                                       ManifestOrigin origin);

    [[nodiscard]] const CatalogueEntry* find(std::string_view id) const;
    // Replaces the manifest of a device already here (the same id, so its identity patterns are
    // unchanged), e.g. with its gaps raised to the shipped floor. False when the id is not here.
    bool replace_manifest(Manifest manifest);
    [[nodiscard]] const std::vector<CatalogueEntry>& entries() const { return m_entries; } // by id
    [[nodiscard]] std::vector<std::string> ids() const;
    [[nodiscard]] bool empty() const { return m_entries.empty(); }
    [[nodiscard]] std::size_t size() const { return m_entries.size(); }

    // The device whose application or bootloader identity pattern matches a received identity
    // reply exactly (at most one, by construction).
    [[nodiscard]] const CatalogueEntry* match_identity(std::span<const std::uint8_t> reply) const;

private:
    std::vector<CatalogueEntry> m_entries;
};

struct CatalogueLoad {
    Catalogue catalogue;
    std::vector<ManifestProblem> problems; // every file's problems, plus rejections
    // What every front end must say about the catalogue in use: a user manifest that overrides a
    // shipped device, and each documented gap it tried to lower (raised back to the floor).
    std::vector<std::string> notices;
};

// Filled by the engine's load_catalogue (manifest_files.hpp), which reads the folders.

} // namespace syx
