// syxflash-cli validate --device ID FILE [--link usb|din] [--json]: checks a file against what
// the device expects, before anything is sent. Exit 0 valid (warnings allowed), 3 refused,
// 2 usage (unknown device, unreadable file).
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "core/hash.hpp"
#include "core/validation.hpp"
#include "engine/flow_gates.hpp"
#include "engine/sysex_file_reader.hpp"

namespace syx::cli {
namespace {

struct ValidateOptions {
    std::string device;
    std::string file;
    std::string link;
    std::string purpose = "firmware";
    bool json = false;
};

nlohmann::json link_json(const std::optional<LinkEstimate>& estimate) {
    if (!estimate) {
        return nullptr;
    }
    const auto& r = estimate->rules;
    return {
        {"gap_ms", r.gap_after_message.count()},
        {"max_bytes_per_second",
         r.max_bytes_per_second ? nlohmann::json(*r.max_bytes_per_second) : nlohmann::json()},
        {"chunk_bytes", r.chunk_bytes},
        {"estimated_seconds", static_cast<double>(estimate->duration.count()) / 1e6},
    };
}

std::string link_text(const Manifest& m, Link link, const std::optional<LinkEstimate>& estimate) {
    if (!estimate) {
        return fmt::format("{}: not supported by the {}", link == Link::usb ? "USB" : "DIN",
                           m.name);
    }
    const auto& r = estimate->rules;
    std::string rate =
        r.max_bytes_per_second ? fmt::format(", ≤ {} B/s", *r.max_bytes_per_second) : "";
    return fmt::format("{} ≈ {} (gap {} ms after each message{})",
                       link == Link::usb ? "USB" : "DIN", format_duration(estimate->duration),
                       r.gap_after_message.count(), rate);
}

void print_report_text(const ValidationReport& report, const SysexFile& file,
                       const CatalogueEntry& entry, const std::string& path) {
    const auto& m = entry.manifest;
    fmt::print("Validating {} for the {} [{}], {} over {}\n", path, m.name, m.id,
               to_string(report.purpose), report.link == Link::usb ? "USB" : "DIN");
    fmt::print("  file:    {} bytes, {}{}, {} messages, SHA-256 {}\n", file.file_bytes,
               to_string(file.format), file.compressed ? " (gzip)" : "", file.messages.size(),
               to_hex(report.sha256));
    if (report.purpose == ValidationPurpose::firmware && m.firmware.supported) {
        fmt::print("  release: {}\n", report.release
                                          ? report.release->version + " (known release)"
                                          : std::string("unknown (not a release syxflash knows)"));
    }
    fmt::print("  plan:    {} messages, {} bytes\n", report.plan.messages, report.plan.bytes);
    for (Link l : {report.link, report.link == Link::usb ? Link::din : Link::usb}) {
        fmt::print("           {}{}\n", link_text(m, l, report.plan.for_link(l)),
                   l == report.link ? "  <- chosen link" : "");
    }
    fmt::print("  manifest: {}\n", entry.file.string());
    if (!report.findings.empty()) {
        fmt::print("findings:\n");
    }
    for (const auto& f : report.findings) {
        fmt::print("  {}\n", describe(f));
    }
    const auto errors = count_severity(report.findings, Severity::error);
    const auto warnings = count_severity(report.findings, Severity::warning);
    switch (report.verdict) {
    case Verdict::valid:
        fmt::print("VALID: the file matches what the {} expects. Nothing was sent.\n", m.name);
        break;
    case Verdict::valid_with_warnings:
        fmt::print("VALID with {} warning{}: read them before sending. Nothing was sent.\n",
                   warnings, warnings == 1 ? "" : "s");
        break;
    case Verdict::refused:
        fmt::print("REFUSED: {} error{}; syxflash will not send this file to the {}. Nothing was "
                   "sent.\n",
                   errors, errors == 1 ? "" : "s", m.name);
        break;
    }
}

void print_report_json(const ValidationReport& report, const SysexFile& file,
                       const CatalogueEntry& entry, const std::string& path) {
    nlohmann::json release;
    if (report.release) {
        release = {{"version", report.release->version}, {"source", report.release->source}};
    }
    const nlohmann::json doc{
        {"device", entry.manifest.id},
        {"manifest", entry.file.string()},
        {"file", path},
        {"purpose", to_string(report.purpose)},
        {"link", to_string(report.link)},
        {"verdict", to_string(report.verdict)},
        {"valid", !report.refused()},
        {"format", to_string(file.format)},
        {"file_bytes", file.file_bytes},
        {"sha256", to_hex(report.sha256)},
        {"known_release", report.release.has_value()},
        {"release", release},
        {"findings", to_json(report.findings)},
        {"plan",
         {{"messages", report.plan.messages},
          {"bytes", report.plan.bytes},
          {"link", to_string(report.plan.link)},
          {"usb", link_json(report.plan.usb)},
          {"din", link_json(report.plan.din)}}},
    };
    print_json(doc);
}

int run_validate(const ValidateOptions& options) {
    const auto load = load_cli_catalogue(options.json);
    const auto* entry = find_device_or_explain(load.catalogue, options.device);
    if (entry == nullptr) {
        return kExitUsage;
    }
    const auto& m = entry->manifest;
    Link link = m.transports.preferred_link();
    if (!options.link.empty()) {
        link = *parse_link(options.link); // CLI11 already checked the value
    }
    const auto purpose =
        options.purpose == "restore" ? ValidationPurpose::restore : ValidationPurpose::firmware;

    ReadOptions read_options;
    read_options.map_regular_files = true; // read and report only: nothing is sent
    if (purpose == ValidationPurpose::firmware && m.firmware.supported &&
        m.firmware.max_file_bytes > 0) {
        // Refuse over-cap files without reading them into memory.
        read_options.max_file_bytes = m.firmware.max_file_bytes;
    }
    auto file = read_sysex_file(options.file, read_options);
    if (!file) {
        fmt::print(stderr, "syxflash-cli: cannot read {}: {}\n", options.file,
                   file.error().message);
        return file.error().code == ErrorCode::internal ? kExitInternal : kExitUsage;
    }
    // The plan shows the pacing a transfer would use: the catalogue has already raised a user
    // manifest's gap below the documented minimum (engine::load_device_catalogue) and said so.
    const auto report = validate(*file, m, link, purpose);
    if (options.json) {
        print_report_json(report, *file, *entry, options.file);
    } else {
        print_report_text(report, *file, *entry, options.file);
    }
    return report.refused() ? kExitRefused : kExitSuccess;
}

CommandRegistrar reg{{
    "validate",
    "Check a file against what a device expects (nothing is sent)",
    40,
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<ValidateOptions>();
        sub.add_option("--device", options->device, "Device id (see 'syxflash-cli devices')")
            ->required();
        sub.add_option("FILE", options->file, "The .syx/.mid/hex-text file (gzip allowed)")
            ->required();
        sub.add_option("--link", options->link,
                       "How the device is connected: usb (its own USB port) or din (5-pin cable); "
                       "default: the device's preferred link")
            ->check(CLI::IsMember({"usb", "din"}));
        sub.add_option("--purpose", options->purpose,
                       "firmware (an update, default) or restore (a preset backup sent back)")
            ->check(CLI::IsMember({"firmware", "restore"}));
        sub.add_flag("--json", options->json, "Print one JSON document (findings, verdict, plan)");
        sub.footer(
            "Checks framing, the device's manufacturer/model bytes in every message, message "
            "sizes\n"
            "and count, the end marker and checksums where the manifest defines them, the file\n"
            "size cap, and whether the file is a known release (by SHA-256). An unknown release\n"
            "is a warning, not a refusal. Also prints the pacing plan and estimated duration over\n"
            "USB and DIN. Findings name the message (0-based) and byte offset.\n\n"
            "Exit codes: 0 valid (warnings allowed), 3 refused, 2 usage error.\n\n"
            "Examples:\n"
            "  syxflash-cli validate --device gligli-prophet-600 p600firmware.syx\n"
            "  syxflash-cli validate --device parker-midifly --link din update.syx --json\n"
            "  syxflash-cli validate --device novation-k-station --purpose restore bank1.syx");
        return [options] { return run_validate(*options); };
    },
}};

} // namespace
} // namespace syx::cli
