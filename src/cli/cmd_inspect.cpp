// syxflash-cli inspect FILE [--json] [--list]: what is in a SysEx file, and what is wrong with it.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "core/hash.hpp"
#include "core/sysex_analysis.hpp"
#include "core/sysex_file.hpp"

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

std::string manufacturer_label(const MessageAnalysis& analysis) {
    if (!analysis.manufacturer) {
        return "?";
    }
    std::string label = analysis.manufacturer->hex();
    if (analysis.manufacturer_name != nullptr) {
        label += fmt::format(" ({})", analysis.manufacturer_name);
    }
    return label;
}

std::string checksum_label(const ChecksumCheck& check) {
    return fmt::format("{} checksum {}",
                       check.kind == ChecksumKind::roland ? "Roland" : "Yamaha bulk",
                       check.ok ? "OK" : "BAD");
}

struct MessageReport {
    const SysexMessage* message = nullptr;
    MessageAnalysis analysis;
    Sha256Digest sha256{};
};

std::string timing_label(const SysexMessage& message) {
    if (!message.tick) {
        return {};
    }
    if (message.seconds) {
        return fmt::format("tick {} ({:.3f} s)", *message.tick, *message.seconds);
    }
    return fmt::format("tick {}", *message.tick);
}

void print_human(const std::string& path, const SysexFile& file,
                 const std::vector<MessageReport>& reports, bool list) {
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

    std::uint64_t total = 0;
    std::uint64_t smallest = 0;
    std::uint64_t largest = 0;
    std::map<std::string, std::size_t> manufacturers;
    std::map<std::string, std::size_t> universal;
    std::map<std::string, std::size_t> checksums;
    for (const auto& report : reports) {
        const auto length = report.message->length;
        total += length;
        smallest = smallest == 0 ? length : std::min(smallest, length);
        largest = std::max(largest, length);
        ++manufacturers[manufacturer_label(report.analysis)];
        if (report.analysis.universal_kind) {
            ++universal[*report.analysis.universal_kind];
        }
        if (report.analysis.checksum) {
            ++checksums[checksum_label(*report.analysis.checksum)];
        }
    }
    if (reports.empty()) {
        fmt::print("Messages:      0\n");
    } else if (smallest == largest) {
        fmt::print("Messages:      {} × {} bytes\n", reports.size(), largest);
    } else {
        fmt::print("Messages:      {} ({}–{} bytes, {} in all)\n", reports.size(), smallest,
                   largest, total);
    }
    const auto print_counts = [](const char* title, const std::map<std::string, std::size_t>& m) {
        bool first = true;
        for (const auto& [name, count] : m) {
            fmt::print("{:<15}{} × {}\n", first ? title : "", count, name);
            first = false;
        }
    };
    print_counts("Manufacturer:", manufacturers);
    print_counts("Universal:", universal);
    print_counts("Checksums:", checksums);
    if (file.read_complete) {
        fmt::print("SHA-256:       {}\n", to_hex(file.sha256));
        fmt::print("CRC-32:        {}\n", crc32_hex(file.crc32));
    } else {
        fmt::print("SHA-256:       (not computed: the file was not read)\n");
    }

    if (list && !reports.empty()) {
        fmt::print("\n{:>6}  {:>10}  {:>7}  {:<28}  {}\n", "#", "offset", "length", "manufacturer",
                   "details");
        for (const auto& report : reports) {
            const SysexMessage& m = *report.message;
            std::string details = to_hex(std::span(report.sha256).first(8));
            if (report.analysis.universal_kind) {
                details += "  " + *report.analysis.universal_kind;
            }
            if (report.analysis.checksum) {
                details += "  " + checksum_label(*report.analysis.checksum);
            }
            const std::string timing = timing_label(m);
            if (!timing.empty()) {
                details += "  " + timing;
            }
            fmt::print("{:>6}  {:>10}  {:>7}  {:<28}  {}\n", m.index, m.offset, m.length,
                       manufacturer_label(report.analysis), details);
        }
    }

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

nlohmann::json to_json_document(const std::string& path, const SysexFile& file,
                                const std::vector<MessageReport>& reports) {
    nlohmann::json doc;
    doc["file"] = path;
    doc["format"] = to_string(file.format);
    doc["compressed"] = file.compressed;
    doc["bytes"] = file.file_bytes;
    doc["decoded_bytes"] = file.decoded_bytes;
    doc["sha256"] =
        file.read_complete ? nlohmann::json(to_hex(file.sha256)) : nlohmann::json(nullptr);
    doc["crc32"] =
        file.read_complete ? nlohmann::json(crc32_hex(file.crc32)) : nlohmann::json(nullptr);
    if (file.smf_division) {
        doc["smf_division"] = *file.smf_division;
    }
    nlohmann::json messages = nlohmann::json::array();
    for (const auto& report : reports) {
        const SysexMessage& m = *report.message;
        nlohmann::json j;
        j["index"] = m.index;
        j["offset"] = m.offset;
        j["length"] = m.length;
        j["manufacturer"] = report.analysis.manufacturer
                                ? nlohmann::json(report.analysis.manufacturer->hex())
                                : nlohmann::json(nullptr);
        j["manufacturer_name"] = report.analysis.manufacturer_name != nullptr
                                     ? nlohmann::json(report.analysis.manufacturer_name)
                                     : nlohmann::json(nullptr);
        j["universal"] = report.analysis.universal_kind
                             ? nlohmann::json(*report.analysis.universal_kind)
                             : nlohmann::json(nullptr);
        if (report.analysis.checksum) {
            const auto& check = *report.analysis.checksum;
            j["checksum"] = {{"kind", to_string(check.kind)}, {"ok", check.ok}};
        } else {
            j["checksum"] = nullptr;
        }
        j["sha256"] = to_hex(report.sha256);
        if (m.tick) {
            j["tick"] = *m.tick;
        }
        if (m.seconds) {
            j["seconds"] = *m.seconds;
        }
        messages.push_back(std::move(j));
    }
    doc["messages"] = std::move(messages);
    doc["findings"] = to_json(file.findings);
    return doc;
}

int run_inspect(const InspectOptions& options) {
    auto read = read_sysex_file(options.path);
    if (!read.ok()) {
        const Error& error = read.error();
        fmt::print(stderr, "syxflash-cli inspect: {}\n", error.message);
        return error.code == ErrorCode::internal ? kExitInternal : kExitUsage;
    }
    const SysexFile& file = *read;
    std::vector<MessageReport> reports;
    reports.reserve(file.messages.size());
    for (const SysexMessage& message : file.messages) {
        const auto bytes = file.bytes_of(message);
        reports.push_back(MessageReport{&message, analyze_message(bytes), sha256(bytes)});
    }
    if (options.json) {
        print_json(to_json_document(options.path, file, reports));
    } else {
        print_human(options.path, file, reports, options.list);
    }
    return file.has_errors() ? kExitRefused : kExitSuccess;
}

const CommandRegistrar kRegistrar{Command{
    "inspect", "Show what a SysEx file holds and everything wrong with it", 20,
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<InspectOptions>();
        sub.description(
            "Reads a SysEx file — raw .syx, Standard MIDI File (.mid), MIDI-OX hex text, or a "
            "gzip of any of these; the format is detected from the content — and prints its "
            "format, size, messages, manufacturers, checksums and hashes, then every problem "
            "found, with the message number and byte offset where it is.\n"
            "Nothing is sent to any device.");
        sub.add_option("FILE", options->path, "The file to read")->required();
        sub.add_flag("--json", options->json,
                     "Print one JSON document (format, compressed, bytes, sha256, crc32, "
                     "messages[], findings[])");
        sub.add_flag("--list", options->list, "Also print one line per message");
        sub.footer("Examples:\n"
                   "  syxflash-cli inspect firmware.syx\n"
                   "  syxflash-cli inspect --list bank.mid\n"
                   "  syxflash-cli inspect --json patch.syx.gz | jq '.messages | length'\n"
                   "Exit codes: 0 no errors found, 3 the file has errors (report still "
                   "printed), 2 usage error (e.g. file not found), 1 internal error.");
        return [options] { return run_inspect(*options); };
    }}};

} // namespace
} // namespace syx::cli
