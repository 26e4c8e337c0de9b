#include "core/sysex_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <fmt/core.h>

#include "core/gzip.hpp"
#include "core/hash.hpp"
#include "core/hex_text_reader.hpp"
#include "core/smf_reader.hpp"
#include "core/sysex_analysis.hpp"
#include "core/sysex_framer.hpp"

namespace syx {

const char* to_string(FileFormat format) {
    switch (format) {
    case FileFormat::empty:
        return "empty";
    case FileFormat::raw_syx:
        return "syx";
    case FileFormat::standard_midi_file:
        return "smf";
    case FileFormat::hex_text:
        return "hex-text";
    case FileFormat::unknown:
        return "unknown";
    }
    return "unknown";
}

namespace {

std::string mib(std::uint64_t bytes) {
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

Finding too_large_finding(std::uint64_t size, std::uint64_t cap) {
    return Finding{Severity::error, "file-too-large", std::nullopt, std::nullopt,
                   fmt::format("The file is {} bytes ({}), more than the {} ({} bytes) syxflash "
                               "reads; it was not read. No SysEx file for an instrument is this "
                               "large — check that this is the right file.",
                               size, mib(size), mib(cap), cap)};
}

bool has_code(const std::vector<Finding>& findings, std::string_view code) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.code == code; });
}

// Raw .syx: frame the bytes where they are (storage becomes the file itself, compacted).
void read_raw(std::vector<std::uint8_t>&& data, SysexFile& file) {
    file.format = FileFormat::raw_syx;
    file.storage = std::move(data);
    SysexFramer framer = SysexFramer::in_place(file.storage);
    framer.feed(std::span<const std::uint8_t>(file.storage.data(), file.storage.size()));
    framer.finish();

    if (!framer.saw_f0() && !framer.saw_f7()) {
        // Nothing SysEx about it at all: a payload saved without its framing (e.g. the Little
        // Phatty preset file that starts "04 05 04 03 01" — the bytes after F0, minus the F7).
        auto& findings = framer.findings();
        findings.erase(
            std::remove_if(findings.begin(), findings.end(),
                           [](const Finding& f) { return f.code == "bytes-outside-messages"; }),
            findings.end());
        file.format = FileFormat::unknown;
        findings.push_back(Finding{
            Severity::error, "raw-payload", std::nullopt, 0,
            fmt::format("The file contains no F0 and no F7 byte, so it holds no SysEx message. "
                        "It looks like a raw payload saved without its SysEx framing (F0 … F7), "
                        "or a file of another kind. Sending it would not work; use a file that "
                        "was saved as SysEx (.syx) by the maker's tool or an editor.")});
    }
    file.messages.reserve(framer.messages().size());
    for (const FramedMessage& m : framer.messages()) {
        SysexMessage message;
        message.index = file.messages.size();
        message.offset = m.offset;
        message.storage_begin = m.storage_begin;
        message.length = m.length;
        file.messages.push_back(message);
    }
    file.findings = std::move(framer.findings());
}

void check_checksums(SysexFile& file) {
    for (const SysexMessage& message : file.messages) {
        const auto bytes = file.bytes_of(message);
        auto check = check_roland_checksum(bytes);
        if (!check) {
            check = check_yamaha_bulk_checksum(bytes);
        }
        if (check && !check->ok) {
            file.findings.push_back(Finding{
                Severity::error, "checksum-mismatch", message.index, message.offset,
                fmt::format("Message {} (at byte {}) fails its {} checksum: the checksum byte is "
                            "{:02X} but its data needs {:02X}. The message is damaged; a device "
                            "would reject (or worse, misread) it. Get an intact copy of the file.",
                            message.index, message.offset,
                            check->kind == ChecksumKind::roland ? "Roland" : "Yamaha bulk dump",
                            check->found, check->expected)});
        }
    }
}

void finish_report(SysexFile& file) {
    check_checksums(file);
    if (file.messages.empty() && !has_code(file.findings, "empty-file") &&
        !has_code(file.findings, "raw-payload") && !has_code(file.findings, "text-not-sysex") &&
        !has_code(file.findings, "file-too-large") && !has_code(file.findings, "gzip-too-large")) {
        file.findings.push_back(Finding{Severity::error, "no-messages", std::nullopt, std::nullopt,
                                        "The file holds no complete SysEx message (see the other "
                                        "findings for why); there is nothing to send."});
    }
    // File-level findings first, then in file order.
    std::stable_sort(file.findings.begin(), file.findings.end(),
                     [](const Finding& a, const Finding& b) {
                         if (a.offset.has_value() != b.offset.has_value()) {
                             return !a.offset.has_value();
                         }
                         return a.offset.has_value() && *a.offset < *b.offset;
                     });
}

// Decodes the (decompressed) bytes by their content.
void read_decoded(std::vector<std::uint8_t>&& data, SysexFile& file) {
    file.decoded_bytes = data.size();
    if (data.empty()) {
        file.format = FileFormat::empty;
        file.findings.push_back(Finding{Severity::error, "empty-file", std::nullopt, std::nullopt,
                                        file.compressed
                                            ? "The file decompresses to nothing (0 bytes)."
                                            : "The file is empty (0 bytes): there is nothing "
                                              "to send. It was probably not saved or copied "
                                              "completely."});
        return;
    }
    const std::span<const std::uint8_t> bytes(data.data(), data.size());
    if (is_standard_midi_file(bytes)) {
        read_standard_midi_file(bytes, file);
        return;
    }
    if (is_gzip(bytes)) {
        file.format = FileFormat::unknown;
        file.findings.push_back(Finding{Severity::error, "nested-gzip", std::nullopt, 0,
                                        "The file is gzip inside gzip; syxflash unpacks one "
                                        "level only. Unpack it yourself (gunzip) first."});
        return;
    }
    if (looks_like_text(bytes)) {
        read_hex_text(bytes, file);
        return;
    }
    read_raw(std::move(data), file);
}

struct FileHashes {
    Sha256Digest sha256{};
    std::uint32_t crc32 = 0;
};

SysexFile read_owned(std::vector<std::uint8_t>&& data, const ReadOptions& options,
                     const std::optional<FileHashes>& known = std::nullopt) {
    SysexFile file;
    file.file_bytes = data.size();
    const std::span<const std::uint8_t> input(data.data(), data.size());
    if (known) {
        file.sha256 = known->sha256;
        file.crc32 = known->crc32;
    } else {
        file.sha256 = sha256(input);
        file.crc32 = crc32(input);
    }
    if (data.size() > options.max_file_bytes) {
        file.format = FileFormat::unknown;
        file.findings.push_back(too_large_finding(data.size(), options.max_file_bytes));
        return file;
    }

    if (is_gzip(input)) {
        file.compressed = true;
        GunzipResult unpacked = gunzip(input, options.max_file_bytes);
        std::vector<std::uint8_t>().swap(data); // the compressed bytes are no longer needed
        if (unpacked.status == GunzipStatus::too_large) {
            file.format = FileFormat::unknown;
            file.decoded_bytes = unpacked.bytes.size();
            file.findings.push_back(Finding{
                Severity::error, "gzip-too-large", std::nullopt, std::nullopt,
                fmt::format("The gzip file decompresses to more than {} ({} bytes); it was not "
                            "read further. A SysEx file is never this large; the file may be "
                            "damaged or not what it claims to be.",
                            mib(options.max_file_bytes), options.max_file_bytes)});
            finish_report(file);
            return file;
        }
        std::vector<Finding> gzip_findings;
        if (unpacked.status == GunzipStatus::corrupt) {
            gzip_findings.push_back(Finding{
                Severity::error, "gzip-corrupt", std::nullopt, std::nullopt,
                fmt::format("The gzip data is damaged at compressed byte {} ({}). The {} bytes "
                            "before that were read; anything after is lost — get a fresh copy "
                            "of the file.",
                            unpacked.input_offset, unpacked.detail, unpacked.bytes.size())});
        }
        read_decoded(std::move(unpacked.bytes), file);
        file.findings.insert(file.findings.begin(), gzip_findings.begin(), gzip_findings.end());
    } else {
        read_decoded(std::move(data), file);
    }
    finish_report(file);
    return file;
}

// A 64 MiB buffer is 16 384 small pages, and faulting them in costs about as much as hashing
// the file once; on Linux, ask for transparent huge pages before the buffer is first touched.
void advise_huge_pages([[maybe_unused]] std::uint8_t* data, [[maybe_unused]] std::size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = 2U * 1024 * 1024;
    if (data == nullptr || size < 2 * kHuge) {
        return;
    }
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t last = (begin + size) & ~(kHuge - 1);
    if (last > first) {
        // Advice only: failure (e.g. THP disabled) changes nothing.
        (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
    }
#endif
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

} // namespace

SysexFile read_sysex_bytes(std::span<const std::uint8_t> data, const ReadOptions& options) {
    if (data.size() > options.max_file_bytes) {
        SysexFile file;
        file.file_bytes = data.size();
        file.format = FileFormat::unknown;
        file.sha256 = sha256(data);
        file.crc32 = crc32(data);
        file.findings.push_back(too_large_finding(data.size(), options.max_file_bytes));
        return file;
    }
    return read_owned(std::vector<std::uint8_t>(data.begin(), data.end()), options);
}

Result<SysexFile> read_sysex_file(const std::filesystem::path& path, const ReadOptions& options) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return make_error(ErrorCode::not_found,
                          fmt::format("{}: no such file (check the path)", path.string()));
    }
    if (std::filesystem::is_directory(status)) {
        return make_error(ErrorCode::usage,
                          fmt::format("{}: is a folder, not a file", path.string()));
    }
    const std::uint64_t size =
        std::filesystem::is_regular_file(status) ? std::filesystem::file_size(path, ec) : 0;
    if (ec) {
        return make_error(ErrorCode::io,
                          fmt::format("{}: cannot get its size: {}", path.string(), ec.message()));
    }
    if (size > options.max_file_bytes) {
        // Refused from its size alone: the content is never read.
        SysexFile file;
        file.file_bytes = size;
        file.format = FileFormat::unknown;
        file.read_complete = false;
        file.findings.push_back(too_large_finding(size, options.max_file_bytes));
        return file;
    }

    const std::unique_ptr<std::FILE, FileCloser> stream(std::fopen(path.c_str(), "rb"));
    if (!stream) {
        return make_error(ErrorCode::io,
                          fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
    }
    // Read at most cap + 1 bytes even if the file grew (or is a pipe): memory stays bounded.
    std::vector<std::uint8_t> data;
    data.reserve(static_cast<std::size_t>(size));
    advise_huge_pages(data.data(), static_cast<std::size_t>(size));
    data.resize(static_cast<std::size_t>(size));
    // Read in slices and hash each slice while it is still in the cache: the file's SHA-256 and
    // CRC-32 then cost no second trip through memory.
    Sha256 hasher;
    std::uint32_t crc = 0;
    constexpr std::size_t kSlice = 1024 * 1024;
    std::size_t filled = 0;
    while (filled < data.size()) {
        const std::size_t want = std::min(kSlice, data.size() - filled);
        const std::size_t got = std::fread(data.data() + filled, 1, want, stream.get());
        const std::span<const std::uint8_t> slice(data.data() + filled, got);
        hasher.update(slice);
        crc = crc32(slice, crc);
        filled += got;
        if (got < want) {
            if (std::ferror(stream.get()) != 0) {
                return make_error(ErrorCode::io, fmt::format("{}: read failed", path.string()));
            }
            break; // the file shrank since we asked its size
        }
    }
    data.resize(filled);
    // The file may have grown since we asked its size (or be a pipe): read on in blocks, but
    // never more than the cap + 1 byte. The common case (nothing more) costs one small read.
    std::array<std::uint8_t, 64 * 1024> block{};
    while (data.size() <= options.max_file_bytes) {
        const std::size_t got = std::fread(block.data(), 1, block.size(), stream.get());
        if (got == 0) {
            if (std::ferror(stream.get()) != 0) {
                return make_error(ErrorCode::io, fmt::format("{}: read failed", path.string()));
            }
            break;
        }
        const std::span<const std::uint8_t> extra(block.data(), got);
        hasher.update(extra);
        crc = crc32(extra, crc);
        data.insert(data.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(got));
    }
    if (data.size() > options.max_file_bytes) {
        SysexFile file;
        file.file_bytes = data.size();
        file.format = FileFormat::unknown;
        file.read_complete = false;
        file.findings.push_back(too_large_finding(data.size(), options.max_file_bytes));
        return file;
    }
    return read_owned(std::move(data), options, FileHashes{hasher.finish(), crc});
}

} // namespace syx
