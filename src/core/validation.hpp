#pragma once
// Validation before anything is sent (DESIGN.md §7): compares a SysEx file with what the chosen
// device expects and returns a report listing every finding with its location (message index,
// byte offset), a verdict, the release (known by SHA-256, or unknown — a warning) and a pacing
// plan for the link. Nothing reaches an instrument unless the verdict is not `refused`.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/pacing_rules.hpp"
#include "core/sysex_file.hpp"

namespace syx {

enum class Verdict {
    valid,               // no findings above info
    valid_with_warnings, // warnings only (e.g. unknown release): may be sent
    refused,             // at least one error: nothing may be sent
};
const char* to_string(Verdict verdict); // "valid" | "valid-with-warnings" | "refused"

// What the file is going to be used for.
enum class ValidationPurpose {
    firmware, // an update: checked against [firmware]
    restore,  // a preset backup sent back: checked against [backup.expect] and [restore]
};
const char* to_string(ValidationPurpose purpose); // "firmware" | "restore"

struct LinkEstimate {
    PacingRules rules;
    std::chrono::microseconds duration{0};
};

// Named apart from pacer.hpp's PacingPlan: two classes of one name in namespace syx are an ODR
// violation once both are linked (UBSan caught validate() running the other's members).
struct TransferEstimate {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0; // sum of complete message lengths (F0…F7)
    Link link = Link::usb;   // the link asked for
    // Estimates per link; absent when the device has no pacing for that link (unsupported).
    std::optional<LinkEstimate> usb;
    std::optional<LinkEstimate> din;

    [[nodiscard]] const std::optional<LinkEstimate>& for_link(Link l) const {
        return l == Link::usb ? usb : din;
    }
};

struct ValidationReport {
    std::string device_id;
    ValidationPurpose purpose = ValidationPurpose::firmware;
    Link link = Link::usb;
    Verdict verdict = Verdict::refused;
    std::vector<Finding>
        findings; // reader findings first, then ours; every one located if possible
    std::array<std::uint8_t, 32> sha256{};
    std::optional<FirmwareRelease> release; // a known release matched by SHA-256
    TransferEstimate plan;
    // With a [firmware.grammar]: what decoding found, in words ("Shruthi-1 firmware, 249 pages
    // of 256 bytes, every page checksum correct, ends with the reboot message").
    std::string firmware_summary;

    [[nodiscard]] bool refused() const { return verdict == Verdict::refused; }
};

// Upper bound on findings of one code before they are summarised ("… and 812 more").
inline constexpr std::size_t kMaxFindingsPerCode = 50;

[[nodiscard]] ValidationReport validate(const SysexFile& file, const Manifest& manifest, Link link,
                                        ValidationPurpose purpose = ValidationPurpose::firmware);

// Estimated time to send messages of these lengths under `rules` over `link`: per message the
// wire time (DIN: 320 µs per byte, or the manifest's lower byte rate; USB: the byte rate if one
// is set, otherwise negligible) plus the gap after every message but the last, plus the settle
// delays. Pure arithmetic; the real scheduler is the pacer.
[[nodiscard]] std::chrono::microseconds
estimate_transfer_time(std::span<const std::uint64_t> message_lengths, const PacingRules& rules,
                       Link link);

// "1 min 06 s", "850 ms", "2 h 03 min" for people.
[[nodiscard]] std::string format_duration(std::chrono::microseconds duration);

} // namespace syx
