#include "core/sysex_file.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

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

void prefetch([[maybe_unused]] const void* address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address);
#endif
}

bool has_code(const std::vector<Finding>& findings, std::string_view code) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.code == code; });
}

// Takes the framer's messages and findings into `file`.
void take_framed(SysexFramer& framer, SysexFile& file) {
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
    advise_huge_pages(file.messages.data(), file.messages.capacity() * sizeof(SysexMessage));
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

// Raw .syx: the messages are ranges of the input itself, so nothing is copied. Only when a kept
// message had realtime bytes dropped from its middle (a live recording) are the bytes copied and
// compacted into storage.
void read_raw(SharedBytes&& data, SysexFile& file) {
    file.format = FileFormat::raw_syx;
    SysexFramer view = SysexFramer::viewing(data.bytes);
    view.feed(data.bytes);
    view.finish();
    if (view.views_intact()) {
        file.input = std::move(data);
        take_framed(view, file);
        return;
    }
    file.built_storage.assign(data.bytes.begin(), data.bytes.end());
    data = SharedBytes{};
    SysexFramer framer = SysexFramer::in_place(file.built_storage);
    framer.feed(
        std::span<const std::uint8_t>(file.built_storage.data(), file.built_storage.size()));
    framer.finish();
    file.built_storage.shrink_to_fit();
    take_framed(framer, file);
}

void check_checksums(SysexFile& file) {
    // Each message's first bytes are a cache miss (the framer passed them long ago); ask for
    // them a few messages ahead so the misses overlap.
    constexpr std::size_t kAhead = 8;
    const std::span<const std::uint8_t> all = file.message_bytes();
    for (const SysexMessage& message : file.messages) {
        if (message.index + kAhead < file.messages.size()) {
            prefetch(all.data() + file.messages[message.index + kAhead].storage_begin);
        }
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
void read_decoded(SharedBytes&& decoded, SysexFile& file) {
    const std::span<const std::uint8_t> bytes = decoded.bytes;
    file.decoded_bytes = bytes.size();
    if (bytes.empty()) {
        file.format = FileFormat::empty;
        file.findings.push_back(Finding{Severity::error, "empty-file", std::nullopt, std::nullopt,
                                        file.compressed
                                            ? "The file decompresses to nothing (0 bytes)."
                                            : "The file is empty (0 bytes): there is nothing "
                                              "to send. It was probably not saved or copied "
                                              "completely."});
        return;
    }
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
    read_raw(std::move(decoded), file);
}

SysexFile read_input(SharedBytes&& data, const ReadOptions& options) {
    SysexFile file;
    const std::span<const std::uint8_t> input = data.bytes;
    file.file_bytes = input.size();
    if (options.hash_file) {
        file.sha256 = sha256(input);
        file.crc32 = crc32(input);
    }
    if (input.size() > options.max_file_bytes) {
        file.format = FileFormat::unknown;
        file.findings.push_back(too_large_finding(input.size(), options.max_file_bytes));
        return file;
    }

    if (is_gzip(input)) {
        file.compressed = true;
        GunzipResult unpacked = gunzip(input, options.max_file_bytes);
        data = SharedBytes{}; // the compressed bytes are no longer needed (unless shared)
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
        read_decoded(SharedBytes::adopt(std::move(unpacked.bytes)), file);
        file.findings.insert(file.findings.begin(), gzip_findings.begin(), gzip_findings.end());
    } else {
        read_decoded(std::move(data), file);
    }
    finish_report(file);
    return file;
}

SysexFile refused_file(std::uint64_t size, const ReadOptions& options) {
    SysexFile file;
    file.file_bytes = size;
    file.format = FileFormat::unknown;
    file.read_complete = false;
    file.findings.push_back(too_large_finding(size, options.max_file_bytes));
    return file;
}

} // namespace

SharedBytes SharedBytes::adopt(std::vector<std::uint8_t>&& vector) {
    auto owned = std::make_shared<const std::vector<std::uint8_t>>(std::move(vector));
    SharedBytes shared;
    shared.bytes = std::span<const std::uint8_t>(owned->data(), owned->size());
    shared.owner = std::move(owned);
    return shared;
}

SysexFile read_sysex_bytes(std::span<const std::uint8_t> data, const ReadOptions& options) {
    if (data.size() > options.max_file_bytes) {
        SysexFile file;
        file.file_bytes = data.size();
        file.format = FileFormat::unknown;
        if (options.hash_file) {
            file.sha256 = sha256(data);
            file.crc32 = crc32(data);
        }
        file.findings.push_back(too_large_finding(data.size(), options.max_file_bytes));
        return file;
    }
    // A copy: the caller's bytes may not outlive the SysexFile that views them.
    return read_input(SharedBytes::adopt(std::vector<std::uint8_t>(data.begin(), data.end())),
                      options);
}

SysexFile read_loaded_file(LoadedFile loaded, const ReadOptions& options) {
    if (loaded.refused) {
        return refused_file(loaded.size, options);
    }
    return read_input(std::move(loaded.content), options);
}

} // namespace syx
