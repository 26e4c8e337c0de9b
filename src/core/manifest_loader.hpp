#pragma once
// Strict reader for firmware-manifests/*.toml (schema: firmware-manifests/README.md).
// Unknown keys, wrong types, bad hex, missing required fields and out-of-range values are all
// problems; every problem is reported with file:line, not just the first one, so a manifest
// author can fix a file in one pass.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest.hpp"

namespace syx {

struct ManifestProblem {
    std::string file;       // as given to the loader (path or a name for in-memory text)
    std::uint32_t line = 0; // 1-based; 0 when unknown
    std::uint32_t column = 0;
    std::string text;

    [[nodiscard]] std::string to_string() const; // "file:line:column: text"
};

struct ManifestLoad {
    // Present only when there were no problems: a manifest with any problem is not used.
    std::optional<Manifest> manifest;
    std::vector<ManifestProblem> problems;

    [[nodiscard]] bool ok() const { return manifest.has_value() && problems.empty(); }
};

inline constexpr int kManifestSchemaVersion = 1;
// Manifests are small hand-written files; anything bigger is a mistake (or an attack).
inline constexpr std::uint64_t kMaxManifestFileBytes = 1024 * 1024;

// Parses manifest text; `file` is used in problem locations.
[[nodiscard]] ManifestLoad parse_manifest(std::string_view toml_text, const std::string& file);
// Reading a manifest file is the engine's: load_manifest_file in the engine's manifest_files.hpp.

} // namespace syx
