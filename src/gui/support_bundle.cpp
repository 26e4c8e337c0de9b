#include "gui/support_bundle.hpp"

#include <memory>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/core.h>

#include "engine/atomic_file.hpp"

namespace syx::gui {

namespace {

struct ArchiveFree {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t append_to_buffer(archive* /*a*/, void* client, const void* data, size_t length) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(client);
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + length);
    return static_cast<la_ssize_t>(length);
}

Error archive_error(archive* a, std::string_view what) {
    const char* text = archive_error_string(a);
    return make_error(ErrorCode::io,
                      fmt::format("support bundle: {} failed ({})", what,
                                  text != nullptr ? text : "no details from libarchive"));
}

} // namespace

Result<std::vector<std::uint8_t>>
make_support_archive(const std::string& top, const std::vector<BundleEntry>& entries,
                     std::chrono::system_clock::time_point modified) {
    std::vector<std::uint8_t> bytes;
    const std::unique_ptr<archive, ArchiveFree> a(archive_write_new());
    if (!a) {
        return make_error(ErrorCode::io, "support bundle: libarchive could not start");
    }
    // pax: long names and exact sizes; plain ustar readers still read every entry.
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK) {
        return archive_error(a.get(), "choosing tar.gz");
    }
    // Whole blocks only matter for tapes; without this the last block is padded to 10 KiB.
    archive_write_set_bytes_in_last_block(a.get(), 1);
    if (archive_write_open2(a.get(), &bytes, nullptr, append_to_buffer, nullptr, nullptr) !=
        ARCHIVE_OK) {
        return archive_error(a.get(), "opening the archive");
    }
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(modified.time_since_epoch()).count();
    for (const auto& item : entries) {
        const std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
        const std::string name = top.empty() ? item.name : top + "/" + item.name;
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(item.content.size()));
        archive_entry_set_mtime(e.get(), static_cast<time_t>(seconds), 0);
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) {
            return archive_error(a.get(), "adding " + name);
        }
        if (!item.content.empty() &&
            archive_write_data(a.get(), item.content.data(), item.content.size()) !=
                static_cast<la_ssize_t>(item.content.size())) {
            return archive_error(a.get(), "writing " + name);
        }
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) {
        return archive_error(a.get(), "finishing the archive");
    }
    return bytes;
}

Status write_support_bundle(const std::filesystem::path& path, const std::string& top,
                            const std::vector<BundleEntry>& entries,
                            std::chrono::system_clock::time_point modified) {
    auto bytes = make_support_archive(top, entries, modified);
    if (!bytes) {
        return bytes.error();
    }
    return engine::write_file_atomically(path, *bytes);
}

} // namespace syx::gui
