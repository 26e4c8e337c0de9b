#pragma once
// Test helper: reads a support bundle back with libarchive itself (not with our writer's code),
// so the tests check what any unpacker sees.
#include <filesystem>
#include <map>
#include <string>

#include <archive.h>
#include <archive_entry.h>

namespace syx::gui::test {

struct ReadArchive {
    bool opened = false;
    std::string error;
    std::string compression;                  // libarchive's name for the filter ("gzip")
    std::map<std::string, std::string> files; // path inside the archive -> contents
};

inline ReadArchive read_archive(const std::filesystem::path& path) {
    ReadArchive out;
    archive* a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    if (archive_read_open_filename(a, path.c_str(), 10240) != ARCHIVE_OK) {
        out.error = archive_error_string(a) != nullptr ? archive_error_string(a) : "open failed";
        archive_read_free(a);
        return out;
    }
    out.opened = true;
    archive_entry* entry = nullptr;
    int rc = ARCHIVE_OK;
    while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
        std::string content;
        char buffer[4096];
        la_ssize_t n = 0;
        while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) {
            content.append(buffer, static_cast<std::size_t>(n));
        }
        if (n < 0) {
            out.error = archive_error_string(a);
        }
        out.files[archive_entry_pathname(entry)] = std::move(content);
        if (archive_filter_count(a) > 1 && out.compression.empty()) {
            out.compression = archive_filter_name(a, 0);
        }
    }
    if (rc != ARCHIVE_EOF) {
        out.error = archive_error_string(a) != nullptr ? archive_error_string(a) : "bad header";
    }
    archive_read_free(a);
    return out;
}

} // namespace syx::gui::test
