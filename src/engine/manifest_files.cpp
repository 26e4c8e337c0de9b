#include "engine/manifest_files.hpp"

#include <algorithm>
#include <string>
#include <system_error>

#include <fmt/core.h>

#include "engine/file_access.hpp"

namespace syx {

namespace {

std::vector<std::filesystem::path> toml_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return files;
    }
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".toml" && it->is_regular_file(ec)) {
            files.push_back(it->path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

ManifestLoad problem(const std::string& name, std::string text) {
    ManifestLoad load;
    load.problems.push_back({name, 0, 0, std::move(text)});
    return load;
}

} // namespace

ManifestLoad load_manifest_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    auto file = engine::open_regular_file(path);
    if (!file) {
        return problem(name, fmt::format("cannot read the manifest: {}", file.error().message));
    }
    auto bytes = engine::read_up_to(*file, path, kMaxManifestFileBytes);
    if (!bytes) {
        return problem(name, fmt::format("cannot read the manifest: {}", bytes.error().message));
    }
    if (bytes->size() > kMaxManifestFileBytes) {
        return problem(name, fmt::format("the manifest is {} bytes; manifests are limited to {} "
                                         "bytes",
                                         std::max<std::uint64_t>(file->size(), bytes->size()),
                                         kMaxManifestFileBytes));
    }
    return parse_manifest(
        std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), name);
}

CatalogueLoad load_catalogue(const std::vector<std::filesystem::path>& shipped_dirs,
                             const std::vector<std::filesystem::path>& user_dirs) {
    CatalogueLoad out;
    auto load_tier = [&](const std::vector<std::filesystem::path>& dirs, ManifestOrigin origin) {
        for (const auto& dir : dirs) {
            for (const auto& file : toml_files(dir)) {
                auto load = load_manifest_file(file);
                out.problems.insert(out.problems.end(), load.problems.begin(), load.problems.end());
                if (!load.ok()) {
                    continue;
                }
                if (auto added = out.catalogue.add(std::move(*load.manifest), file, origin)) {
                    out.problems.push_back(std::move(*added));
                }
            }
        }
    };
    load_tier(shipped_dirs, ManifestOrigin::shipped);
    load_tier(user_dirs, ManifestOrigin::user);
    return out;
}

} // namespace syx
