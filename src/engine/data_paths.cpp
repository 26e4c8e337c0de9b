#include "engine/data_paths.hpp"

#include <array>
#include <cstdlib>

#include "build_info.hpp"

#include "engine/flow_gates.hpp"
#include "engine/manifest_files.hpp"
#include "transport/emulated_transport.hpp"

#if defined(_WIN32)
#include <windows.h>
#elif defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

namespace syx::engine {

std::optional<std::filesystem::path> env_path(const char* name) {
    const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): read at start-up
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::filesystem::path(value);
}

namespace {

bool is_dir(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_directory(p, ec);
}

} // namespace

std::optional<std::filesystem::path> executable_dir() {
    std::error_code ec;
#if defined(_WIN32)
    std::array<wchar_t, 32768> buffer{};
    const DWORD n = GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (n == 0 || n >= buffer.size()) {
        return std::nullopt;
    }
    return std::filesystem::path(std::wstring(buffer.data(), n)).parent_path();
#elif defined(__APPLE__)
    std::array<char, 4096> buffer{};
    auto size = static_cast<uint32_t>(buffer.size());
    if (_NSGetExecutablePath(buffer.data(), &size) != 0) {
        return std::nullopt;
    }
    auto path = std::filesystem::weakly_canonical(buffer.data(), ec);
    return ec ? std::nullopt : std::optional(path.parent_path());
#else
    auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) {
        return std::nullopt;
    }
    return path.parent_path();
#endif
}

std::vector<std::filesystem::path> shipped_manifest_candidates() {
    std::vector<std::filesystem::path> out;
    if (auto exe = executable_dir()) {
        out.push_back(
            (*exe / ".." / "share" / "syxflash" / "firmware-manifests").lexically_normal());
    }
    out.push_back(std::filesystem::path(build_info::kInstallDataDir) / "syxflash" /
                  "firmware-manifests");
    out.push_back(std::filesystem::path(build_info::kSourceDir) / "firmware-manifests");
    return out;
}

std::optional<std::filesystem::path> user_manifest_dir() {
    if (auto xdg = env_path("XDG_CONFIG_HOME"); xdg && xdg->is_absolute()) {
        return *xdg / "syxflash" / "manifests";
    }
    if (auto home = env_path("HOME")) {
        return *home / ".config" / "syxflash" / "manifests";
    }
#if defined(_WIN32)
    if (auto appdata = env_path("APPDATA")) {
        return *appdata / "syxflash" / "manifests";
    }
#endif
    return std::nullopt;
}

ManifestDirs manifest_dirs() {
    ManifestDirs dirs;
    if (auto over = env_path("SYXFLASH_MANIFEST_DIR")) {
        dirs.shipped.push_back(*over);
    } else {
        for (const auto& candidate : shipped_manifest_candidates()) {
            if (is_dir(candidate)) {
                dirs.shipped.push_back(candidate);
                break;
            }
        }
    }
    if (auto user = user_manifest_dir()) {
        dirs.user.push_back(*user);
    }
    return dirs;
}

CatalogueLoad load_device_catalogue() {
    const auto dirs = manifest_dirs();
    auto load = load_catalogue(dirs.shipped, dirs.user);
    // A user manifest never lowers a documented gap, whichever front end shows or sends with it.
    enforce_catalogue_gap_floors(load, dirs.shipped);
    // Devices whose loader is described by a grammar are emulated from their manifest (--api
    // emulated, the GUI's simulated mode).
    std::vector<Manifest> manifests;
    for (const auto& id : load.catalogue.ids()) {
        manifests.push_back(load.catalogue.find(id)->manifest);
    }
    transport::set_emulated_manifests(std::move(manifests));
    return load;
}

} // namespace syx::engine
