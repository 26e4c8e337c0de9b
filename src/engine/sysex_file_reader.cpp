#include "engine/sysex_file_reader.hpp"

#include <memory>
#include <optional>
#include <utility>

#include <sys/mman.h>

#include "engine/file_access.hpp"

namespace syx {

namespace {

// Maps a regular file read-only. The kernel hands out the page-cache pages themselves: no
// zero-filled buffer, no copy (for a 64 MiB file those cost more than hashing it).
std::optional<SharedBytes> map_file(int fd, std::size_t size) {
    int flags = MAP_PRIVATE;
#if defined(MAP_POPULATE)
    flags |= MAP_POPULATE; // one system call sets up every page instead of a fault per 64 KiB
#endif
    void* address = ::mmap(nullptr, size, PROT_READ, flags, fd, 0);
    if (address == MAP_FAILED) {
        return std::nullopt;
    }
    SharedBytes mapped;
    mapped.owner = std::shared_ptr<const void>(
        address, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
    mapped.bytes = std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(address), size);
    return mapped;
}

} // namespace

Result<LoadedFile> load_file(const std::filesystem::path& path, const ReadOptions& options) {
    auto file = engine::open_regular_file(path);
    if (!file) {
        return file.error();
    }
    LoadedFile loaded;
    if (file->size() > options.max_file_bytes) {
        // Refused from its size alone: the content is never read.
        loaded.size = file->size();
        loaded.refused = true;
        return loaded;
    }
    if (options.map_regular_files && file->size() > 0) {
        const auto size = static_cast<std::size_t>(file->size());
        if (std::optional<SharedBytes> mapped = map_file(file->fd(), size)) {
            loaded.size = size;
            loaded.content = std::move(*mapped);
            return loaded; // the mapping outlives the descriptor
        }
    }
    // Not asked to map, or not mappable (an empty file, or one like /proc/self/cmdline that
    // does not tell its size): read it, never more than the cap + 1 byte.
    auto bytes = engine::read_up_to(*file, path, options.max_file_bytes);
    if (!bytes) {
        return bytes.error();
    }
    loaded.size = bytes->size();
    if (bytes->size() > options.max_file_bytes) {
        loaded.refused = true;
        return loaded;
    }
    loaded.content = SharedBytes::adopt(std::move(*bytes));
    return loaded;
}

Result<SysexFile> read_sysex_file(const std::filesystem::path& path, const ReadOptions& options) {
    auto loaded = load_file(path, options);
    if (!loaded.ok()) {
        return loaded.error();
    }
    return read_loaded_file(std::move(*loaded), options);
}

} // namespace syx
