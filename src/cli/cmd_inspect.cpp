// syxflash-cli inspect FILE [--json] [--list]: what is in a SysEx file, and what is wrong with it.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "core/firmware_grammar.hpp"
#include "core/hash.hpp"
#include "core/sysex_analysis.hpp"
#include "core/sysex_file.hpp"
#include "engine/data_paths.hpp"
#include "engine/inspect.hpp"
#include "engine/json_text.hpp"

namespace syx::cli {
namespace {

struct InspectOptions {
    std::string path;
    bool json = false;
    bool list = false;
};

const char* format_description(FileFormat format) {
    switch (format) {
    case FileFormat::empty:
        return "empty";
    case FileFormat::raw_syx:
        return "raw SysEx (.syx)";
    case FileFormat::standard_midi_file:
        return "Standard MIDI File";
    case FileFormat::hex_text:
        return "hex text (MIDI-OX style)";
    case FileFormat::unknown:
        return "not recognised";
    }
    return "not recognised";
}

std::string manufacturer_label(const std::optional<ManufacturerId>& id) {
    if (!id) {
        return "?";
    }
    std::string label = id->hex();
    if (const char* name = manufacturer_name(*id); name != nullptr) {
        label += fmt::format(" ({})", name);
    }
    return label;
}

std::string checksum_label(const ChecksumCheck& check) {
    return fmt::format("{} checksum {}",
                       check.kind == ChecksumKind::roland ? "Roland" : "Yamaha bulk",
                       check.ok ? "OK" : "BAD");
}

std::string timing_label(const SysexMessage& message) {
    if (!message.tick) {
        return {};
    }
    if (message.seconds) {
        return fmt::format("tick {} ({:.3f} s)", *message.tick, *message.seconds);
    }
    return fmt::format("tick {}", *message.tick);
}

// Issue 15: what a device's firmware grammar decoded in the file (pages, image size, image CRC,
// release), for every shipped or user manifest whose grammar reads it without a problem.
std::vector<engine::DecodedFirmwareFacts> firmware_facts(const SysexFile& file) {
    if (!file.read_complete || file.messages.empty()) {
        return {};
    }
    return engine::decode_as_firmware(file, engine::load_device_catalogue().catalogue);
}

std::string image_crc_text(const engine::DecodedFirmwareFacts& f) {
    return fmt::format("CRC-{} {:0{}X}", f.image_crc_width, *f.image_crc,
                       static_cast<int>((f.image_crc_width + 3) / 4));
}

void print_firmware_facts(const SysexFile& file) {
    const auto all = firmware_facts(file);
    if (all.empty()) {
        return;
    }
    bool first = true;
    for (const auto& f : all) {
        fmt::print("{:<15}{} [{}]\n", first ? "Firmware:" : "", f.device_name, f.device_id);
        first = false;
        fmt::print("{:<15}{} {}{}{}\n", "", f.blocks, f.block_noun, f.blocks == 1 ? "" : "s",
                   f.block_bytes > 0 ? fmt::format(" of {} bytes", f.block_bytes) : "");
        if (f.image_bytes) {
            fmt::print("{:<15}image {} bytes{}\n", "", *f.image_bytes,
                       f.image_crc ? ", image " + image_crc_text(f) + " matches the header" : "");
        }
        fmt::print("{:<15}release: {}\n", "",
                   f.release ? *f.release + " (known release)"
                             : std::string("unknown (not a release syxflash knows)"));
        if (!f.carries_checksum) {
            fmt::print("{:<15}{}\n", "", kNoChecksumText);
        }
        fmt::print("{:<15}{}\n", "", f.summary);
    }
}

nlohmann::ordered_json firmware_facts_json(const SysexFile& file) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& f : firmware_facts(file)) {
        nlohmann::ordered_json j;
        j["device"] = f.device_id;
        j["name"] = f.device_name;
        j["blocks"] = f.blocks;
        j["block_noun"] = f.block_noun;
        j["block_bytes"] = f.block_bytes;
        j["image_bytes"] = f.image_bytes ? nlohmann::ordered_json(*f.image_bytes) : nullptr;
        j["image_crc"] = f.image_crc ? nlohmann::ordered_json(image_crc_text(f)) : nullptr;
        j["declared_version"] =
            f.declared_version ? nlohmann::ordered_json(*f.declared_version) : nullptr;
        j["release"] = f.release ? nlohmann::ordered_json(*f.release) : nullptr;
        j["carries_checksum"] = f.carries_checksum;
        if (!f.carries_checksum) {
            j["note"] = std::string(kNoChecksumText);
        }
        j["summary"] = f.summary;
        list.push_back(std::move(j));
    }
    return list;
}

// Output is streamed message by message: a 64 MiB firmware file has ~200 000 messages, and
// holding a report (or a JSON tree) for each would cost several times the file itself.
// Per-message SHA-256 is computed only where it is shown (--list, --json), by the engine, on both
// cores (engine/inspect.hpp).

void print_file_header(const std::string& path, const SysexFile& file) {
    fmt::print("File:          {}\n", path);
    fmt::print("Format:        {}{}\n", format_description(file.format),
               file.compressed ? ", gzip-compressed" : "");
    if (file.compressed) {
        fmt::print("Bytes:         {} ({} decompressed)\n", file.file_bytes, file.decoded_bytes);
    } else {
        fmt::print("Bytes:         {}\n", file.file_bytes);
    }
    if (file.smf_division) {
        const auto division = *file.smf_division;
        if ((division & 0x8000U) != 0) {
            fmt::print("MIDI timing:   SMPTE, {} ticks per frame\n", division & 0xFF);
        } else {
            fmt::print("MIDI timing:   {} ticks per quarter note\n", division);
        }
    }
}

// Counted by compact keys and labelled once: building label strings for each of 200 000
// messages would cost more than framing them.
struct MessageSummary {
    std::uint64_t total = 0;
    std::uint64_t smallest = 0;
    std::uint64_t largest = 0;
    std::map<std::uint32_t, std::pair<std::size_t, std::string>> manufacturers;
    std::map<std::string, std::size_t> universal;
    std::map<int, std::pair<std::size_t, std::string>> checksums;
};

MessageSummary summarize(const SysexFile& file) {
    MessageSummary sum;
    const std::size_t count = file.messages.size();
    constexpr std::size_t kAhead = 8; // prefetch distance: see below
    const std::span<const std::uint8_t> all = file.message_bytes();
    for (const SysexMessage& message : file.messages) {
        // A message's first bytes are a cache miss (64 MiB do not stay cached); asking for them
        // a few messages ahead overlaps the misses and halves this loop's time.
        if (message.index + kAhead < count) {
            __builtin_prefetch(all.data() + file.messages[message.index + kAhead].storage_begin);
        }
        // Not analyze_message(): it looks the manufacturer's name up in the registry, which is
        // needed once per manufacturer, not once per message.
        const auto bytes = file.bytes_of(message);
        const std::optional<ManufacturerId> id = manufacturer_id_of(bytes);
        const auto length = message.length;
        sum.total += length;
        sum.smallest = sum.smallest == 0 ? length : std::min(sum.smallest, length);
        sum.largest = std::max(sum.largest, length);
        const std::uint32_t key = id ? (std::uint32_t{id->size} << 24) |
                                           (std::uint32_t{id->bytes[0]} << 16) |
                                           (std::uint32_t{id->bytes[1]} << 8) | id->bytes[2]
                                     : 0xFFFFFFFFU;
        auto& entry = sum.manufacturers[key];
        if (entry.first++ == 0) {
            entry.second = manufacturer_label(id);
        }
        if (auto kind = universal_sysex_kind(bytes)) {
            ++sum.universal[*kind];
        }
        auto checksum = check_roland_checksum(bytes);
        if (!checksum) {
            checksum = check_yamaha_bulk_checksum(bytes);
        }
        if (checksum) {
            const int checksum_key = static_cast<int>(checksum->kind) * 2 + (checksum->ok ? 1 : 0);
            auto& c = sum.checksums[checksum_key];
            if (c.first++ == 0) {
                c.second = checksum_label(*checksum);
            }
        }
    }
    return sum;
}

void print_summary(const SysexFile& file, const MessageSummary& sum) {
    const std::size_t count = file.messages.size();
    if (count == 0) {
        fmt::print("Messages:      0\n");
    } else if (sum.smallest == sum.largest) {
        fmt::print("Messages:      {} × {} bytes\n", count, sum.largest);
    } else {
        fmt::print("Messages:      {} ({}–{} bytes, {} in all)\n", count, sum.smallest, sum.largest,
                   sum.total);
    }
    const auto print_counts = [](const char* title, const std::map<std::string, std::size_t>& m) {
        bool first = true;
        for (const auto& [name, n] : m) {
            fmt::print("{:<15}{} × {}\n", first ? title : "", n, name);
            first = false;
        }
    };
    const auto print_labelled = [](const char* title, const auto& m) {
        bool first = true;
        for (const auto& [key, entry] : m) {
            fmt::print("{:<15}{} × {}\n", first ? title : "", entry.first, entry.second);
            first = false;
        }
    };
    print_labelled("Manufacturer:", sum.manufacturers);
    print_counts("Universal:", sum.universal);
    print_labelled("Checksums:", sum.checksums);
    if (file.read_complete) {
        fmt::print("SHA-256:       {}\n", to_hex(file.sha256));
        fmt::print("CRC-32:        {}\n", crc32_hex(file.crc32));
    } else {
        fmt::print("SHA-256:       (not computed: the file was not read)\n");
    }
}

void print_message_list(const engine::InspectedFile& inspected) {
    const SysexFile& file = inspected.file;
    if (file.messages.empty()) {
        return;
    }
    fmt::print("\n{:>6}  {:>10}  {:>7}  {:<28}  {}\n", "#", "offset", "length", "manufacturer",
               "SHA-256 (first 16 digits), details");
    for (const SysexMessage& m : file.messages) {
        const auto bytes = file.bytes_of(m);
        const MessageAnalysis analysis = analyze_message(bytes);
        const Sha256Digest& digest = inspected.message_sha256.at(m.index);
        std::string details = to_hex(std::span(digest).first(8));
        if (analysis.universal_kind) {
            details += "  " + *analysis.universal_kind;
        }
        if (analysis.checksum) {
            details += "  " + checksum_label(*analysis.checksum);
        }
        const std::string timing = timing_label(m);
        if (!timing.empty()) {
            details += "  " + timing;
        }
        fmt::print("{:>6}  {:>10}  {:>7}  {:<28}  {}\n", m.index, m.offset, m.length,
                   manufacturer_label(analysis.manufacturer), details);
    }
}

void print_findings(const SysexFile& file) {
    fmt::print("\n");
    if (file.findings.empty()) {
        fmt::print("Findings:      none\n");
    } else {
        fmt::print("Findings:      {} error(s), {} warning(s), {} note(s)\n",
                   count_severity(file.findings, Severity::error),
                   count_severity(file.findings, Severity::warning),
                   count_severity(file.findings, Severity::info));
        for (const Finding& finding : file.findings) {
            fmt::print("  {}\n", describe(finding));
        }
    }
    if (file.has_errors()) {
        fmt::print("\nResult:        ERRORS — do not send this file as it is.\n");
    } else {
        fmt::print("\nResult:        OK\n");
    }
}

void print_human(const std::string& path, const engine::InspectedFile& inspected, bool list) {
    const SysexFile& file = inspected.file;
    print_file_header(path, file);
    print_summary(file, summarize(file));
    if (list) {
        print_message_list(inspected);
    }
    print_firmware_facts(file);
    print_findings(file);
}

nlohmann::ordered_json message_json(const SysexFile& file, const SysexMessage& m,
                                    const Sha256Digest& digest) {
    const auto bytes = file.bytes_of(m);
    const MessageAnalysis analysis = analyze_message(bytes);
    nlohmann::ordered_json j;
    j["index"] = m.index;
    j["offset"] = m.offset;
    j["length"] = m.length;
    j["manufacturer"] = analysis.manufacturer ? nlohmann::ordered_json(analysis.manufacturer->hex())
                                              : nlohmann::ordered_json(nullptr);
    j["manufacturer_name"] = analysis.manufacturer_name != nullptr
                                 ? nlohmann::ordered_json(analysis.manufacturer_name)
                                 : nlohmann::ordered_json(nullptr);
    j["universal"] = analysis.universal_kind ? nlohmann::ordered_json(*analysis.universal_kind)
                                             : nlohmann::ordered_json(nullptr);
    if (analysis.checksum) {
        j["checksum"] = {{"kind", to_string(analysis.checksum->kind)},
                         {"ok", analysis.checksum->ok}};
    } else {
        j["checksum"] = nullptr;
    }
    j["sha256"] = to_hex(digest);
    if (m.tick) {
        j["tick"] = *m.tick;
    }
    if (m.seconds) {
        j["seconds"] = *m.seconds;
    }
    return j;
}

template <class Json>
std::string dump(const Json& j) {
    return engine::json_text(j);
}

// One JSON document, written as it goes: top-level fields, then one message object per line,
// then the findings.
void print_json_stream(const std::string& path, const engine::InspectedFile& inspected) {
    const SysexFile& file = inspected.file;
    std::string out = "{\n";
    const auto field = [&](const char* key, const nlohmann::json& value) {
        out += fmt::format("  \"{}\": {},\n", key, dump(value));
    };
    field("file", path);
    field("format", to_string(file.format));
    field("compressed", file.compressed);
    field("bytes", file.file_bytes);
    field("decoded_bytes", file.decoded_bytes);
    field("sha256",
          file.read_complete ? nlohmann::json(to_hex(file.sha256)) : nlohmann::json(nullptr));
    field("crc32",
          file.read_complete ? nlohmann::json(crc32_hex(file.crc32)) : nlohmann::json(nullptr));
    if (file.smf_division) {
        field("smf_division", *file.smf_division);
    }
    out += fmt::format("  \"firmware\": {},\n", dump(firmware_facts_json(file)));
    out += "  \"messages\": [";
    std::fputs(out.c_str(), stdout);
    bool first = true;
    for (const SysexMessage& m : file.messages) {
        fmt::print("{}\n    {}", first ? "" : ",",
                   dump(message_json(file, m, inspected.message_sha256.at(m.index))));
        first = false;
    }
    fmt::print("{}],\n  \"findings\": [", first ? "" : "\n  ");
    first = true;
    for (const Finding& finding : file.findings) {
        fmt::print("{}\n    {}", first ? "" : ",", dump(to_json(finding)));
        first = false;
    }
    fmt::print("{}]\n}}\n", first ? "" : "\n  ");
}

int run_inspect(const InspectOptions& options) {
    engine::InspectOptions inspect_options;
    inspect_options.message_hashes = options.json || options.list;
    auto read = engine::inspect_file(options.path, inspect_options);
    if (!read.ok()) {
        const Error& error = read.error();
        fmt::print(stderr, "syxflash-cli inspect: {}\n", error.message);
        return error.code == ErrorCode::internal ? kExitInternal : kExitUsage;
    }
    if (options.json) {
        print_json_stream(options.path, *read);
    } else {
        print_human(options.path, *read, options.list);
    }
    return read->file.has_errors() ? kExitRefused : kExitSuccess;
}

const CommandRegistrar kRegistrar{Command{
    "inspect", "Show what a SysEx file holds and everything wrong with it", 20,
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<InspectOptions>();
        sub.add_option("FILE", options->path, "The file to read")->required();
        sub.add_flag(
            "--json", options->json,
            "Print one JSON document (format, compressed, bytes, sha256, crc32, firmware[], "
            "messages[], findings[])");
        sub.add_flag("--list", options->list, "Also print one line per message");
        // The long text goes in the footer: CLI11 shows a subcommand's description in the
        // parent's command list too, where only the one-line summary belongs.
        sub.footer("Reads a SysEx file — raw .syx, Standard MIDI File (.mid), MIDI-OX hex text, "
                   "or a gzip of any of these; the format is detected from the content — and "
                   "prints its format, size, messages, manufacturers, checksums and hashes, then "
                   "every problem found, with the message number and byte offset where it is.\n"
                   "Nothing is sent to any device.\n\n"
                   "Examples:\n"
                   "  syxflash-cli inspect firmware.syx\n"
                   "  syxflash-cli inspect --list bank.mid\n"
                   "  syxflash-cli inspect --json patch.syx.gz | jq '.messages | length'\n"
                   "Exit codes: 0 no errors found, 3 the file has errors (report still "
                   "printed), 2 usage error (e.g. file not found), 1 internal error.");
        return [options] { return run_inspect(*options); };
    }}};

} // namespace
} // namespace syx::cli
