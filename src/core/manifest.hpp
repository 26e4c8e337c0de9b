#pragma once
// A device described as data (DESIGN.md §5): everything syxflash knows about one instrument —
// how it identifies itself, which links it accepts, what a firmware file for it looks like, how
// to pace messages to it, how to back up and restore its presets, what its display can say and
// how to recover from each failure. Loaded from firmware-manifests/*.toml by manifest_loader.
//
// Every protocol fact carries Evidence (confirmed / reported / modelled, plus where it came
// from) so the UI can tell users how sure we are (DEVICES.md tags [C] [R] [M]).
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/link.hpp"
#include "core/pacing_rules.hpp"
#include "core/result.hpp"

namespace syx {

struct FirmwareGrammar; // core/firmware_grammar.hpp

// ---------------------------------------------------------------------------------------------
// Evidence

enum class Confidence {
    confirmed, // manual, vendor page, or a working open-source tool that talks to the device
    reported,  // one third party (forum post, reverse engineering)
    modelled,  // not known: our value is a guess and must be labelled so for users
};
const char* to_string(Confidence confidence); // "confirmed" | "reported" | "modelled"
std::optional<Confidence> parse_confidence(std::string_view text);

struct Evidence {
    Confidence confidence = Confidence::modelled;
    std::string source; // free text, may be empty when the TOML comment carries the source
};

// ---------------------------------------------------------------------------------------------
// Byte patterns: "F0 7E ?? 06 02 04" — two hex digits per byte, "??" matches any byte.

class BytePattern {
public:
    BytePattern() = default;
    // nullopt entries are wildcards.
    explicit BytePattern(std::vector<std::optional<std::uint8_t>> bytes)
        : m_bytes(std::move(bytes)) {}

    // Parses whitespace-separated hex bytes ("F0 00 01 25", "f0 7e ?? 06") and, when
    // allow_wildcards, "??" for any byte. The error message says which token is wrong.
    static Result<BytePattern> parse(std::string_view text, bool allow_wildcards = true);

    [[nodiscard]] std::size_t size() const { return m_bytes.size(); }
    [[nodiscard]] bool empty() const { return m_bytes.empty(); }
    [[nodiscard]] const std::vector<std::optional<std::uint8_t>>& bytes() const { return m_bytes; }
    [[nodiscard]] bool has_wildcards() const;

    // True when `data` starts with this pattern.
    [[nodiscard]] bool matches_prefix(std::span<const std::uint8_t> data) const;
    // True when `data` has exactly this pattern's length and matches it.
    [[nodiscard]] bool matches_exactly(std::span<const std::uint8_t> data) const;
    // Index of the first byte of `data` that does not match (data shorter than the pattern:
    // data.size()), or nullopt when the prefix matches.
    [[nodiscard]] std::optional<std::size_t>
    first_mismatch(std::span<const std::uint8_t> data) const;
    // Could some byte string match both patterns as a prefix (wildcards overlap anything)?
    [[nodiscard]] bool overlaps_as_prefix(const BytePattern& other) const;
    // The concrete bytes; wildcards become `fill`.
    [[nodiscard]] std::vector<std::uint8_t> concrete(std::uint8_t fill = 0) const;

    [[nodiscard]] std::string to_string() const; // "F0 7E ?? 06"

    friend bool operator==(const BytePattern&, const BytePattern&) = default;

private:
    std::vector<std::optional<std::uint8_t>> m_bytes;
};

// ---------------------------------------------------------------------------------------------
// Identity

struct Identity {
    // 1 byte, or 3 bytes starting 00 ("04", "00 01 25").
    std::vector<std::uint8_t> manufacturer_id;
    // False when the device does not answer the Universal Identity Request (or we do not know
    // that it does): identification is then the user's choice of device.
    bool answers_identity = false;
    // Full reply to F0 7E 7F 06 01 F7 while the application runs, "??" for version bytes etc.
    std::optional<BytePattern> reply_pattern;
    // Reply while in the bootloader, when it differs and is known.
    std::optional<BytePattern> bootloader_reply_pattern;
    // Plain words: how a user or the session tells the application from the bootloader.
    std::string application_hint;
    std::string bootloader_hint;
    // The manufacturer ID is registered to someone else (Jomox uses 31h, Viscount's): the
    // validator warns instead of failing on the registry mismatch.
    bool registry_mismatch = false;
    std::string note;
    Evidence evidence;
};

// ---------------------------------------------------------------------------------------------
// Transports

enum class LinkUse { preferred, allowed, required, unsupported };
const char* to_string(LinkUse use); // "preferred" | "allowed" | "required" | "unsupported"
std::optional<LinkUse> parse_link_use(std::string_view text);

struct Transports {
    LinkUse usb = LinkUse::allowed;
    LinkUse din = LinkUse::allowed;
    // Case-insensitive substrings of the device's own USB-MIDI port name ("Little Phatty").
    std::vector<std::string> usb_port_patterns;
    std::string note;
    Evidence evidence;

    [[nodiscard]] LinkUse use_of(Link link) const { return link == Link::usb ? usb : din; }
    [[nodiscard]] bool allows(Link link) const { return use_of(link) != LinkUse::unsupported; }
    // The link to suggest first: required > preferred > allowed (USB before DIN on a tie).
    [[nodiscard]] Link preferred_link() const;
};

// ---------------------------------------------------------------------------------------------
// Firmware rules

enum class FirmwareChecksum {
    none,    // the format has no per-message checksum (documented)
    unknown, // we do not know whether there is one; nothing is checked
    // (-(sum of bytes from `checksum_from` up to the checksum byte)) & 0x7F in the byte
    // before F7 (Roland DT1 / Yamaha bulk style).
    twos_complement_7bit,
    roland,      // Roland DT1/RQ1 checksum (core/sysex_analysis.hpp check_roland_checksum)
    yamaha_bulk, // Yamaha bulk dump checksum (check_yamaha_bulk_checksum)
    grammar,     // described by [firmware.grammar] (core/firmware_grammar.hpp) and checked there
};
const char* to_string(FirmwareChecksum kind); // "none" | "unknown" | "twos-complement-7bit" | ...
std::optional<FirmwareChecksum> parse_firmware_checksum(std::string_view text);

struct FirmwareRelease {
    std::string version;
    std::array<std::uint8_t, 32> sha256{}; // of the file as distributed
    std::string source;                    // where the file comes from
    Evidence evidence;
};

// A kind of message the device accepts that is NOT firmware (a preset bank, a settings
// message): a "firmware" file containing it is refused, because sending it would overwrite
// presets or settings instead of updating anything.
struct NotFirmware {
    BytePattern prefix;
    std::optional<std::uint64_t> size; // exact message size, when the prefix alone is too loose
    std::string what;                  // "a Little Phatty preset bank (all 100 presets)"
    Evidence evidence;

    [[nodiscard]] bool matches(std::span<const std::uint8_t> message) const {
        return (!size || message.size() == *size) && prefix.matches_prefix(message);
    }
};

struct FirmwareRules {
    // False when no SysEx firmware path is known; validate() then refuses with `reason`.
    bool supported = false;
    std::string unsupported_reason;
    // Every message must start with one of these (manufacturer/model bytes).
    std::vector<BytePattern> message_prefixes;
    std::uint64_t min_message_bytes = 0;
    std::uint64_t max_message_bytes = 0;
    std::uint64_t min_messages = 0;
    std::uint64_t max_messages = 0;
    // When set, the last message must be exactly this (e.g. an end-of-upload marker).
    std::optional<BytePattern> final_message;
    FirmwareChecksum checksum = FirmwareChecksum::unknown;
    std::uint64_t checksum_from = 1;  // first byte covered by the checksum (twos-complement-7bit)
    std::uint64_t max_file_bytes = 0; // refuse bigger files before reading them
    std::vector<FirmwareRelease> releases;
    std::vector<NotFirmware> not_firmware;
    // How to put the device into its firmware-receiving state (front-panel steps).
    std::vector<std::string> bootloader_steps;
    std::string note;
    Evidence evidence;
    // [firmware.grammar]: the loader's message layouts, checksums and image rules, when known
    // (core/firmware_grammar.hpp); validation then decodes the file down to every checksum.
    std::shared_ptr<const FirmwareGrammar> grammar;

    [[nodiscard]] const FirmwareRelease*
    find_release(const std::array<std::uint8_t, 32>& sha256) const;
};

// ---------------------------------------------------------------------------------------------
// Pacing

struct LinkPacing {
    PacingRules rules;
    std::string note;
    Evidence evidence;
};

enum class HandshakeKind { none, ack };
const char* to_string(HandshakeKind kind); // "none" | "ack"

struct Handshake {
    HandshakeKind kind = HandshakeKind::none;
    std::optional<BytePattern> ack_pattern;
    std::optional<BytePattern> nak_pattern;
    // The byte right after nak_pattern is the device's error code; its documented meaning by
    // code ([pacing.handshake.nak_codes]: "03" = "checksum error"). A NAK stops the transfer and
    // its message names the code and this meaning.
    std::map<std::uint8_t, std::string> nak_codes;
    std::chrono::milliseconds timeout{0};
    Evidence evidence;
};

struct Pacing {
    // Absent for a link the device does not support.
    std::optional<LinkPacing> usb;
    std::optional<LinkPacing> din;
    Handshake handshake;
    // The "generic" device: the user supplies gap and rate; these are only defaults.
    bool user_supplied = false;

    [[nodiscard]] const LinkPacing* for_link(Link link) const {
        const auto& p = link == Link::usb ? usb : din;
        return p ? &*p : nullptr;
    }
};

// ---------------------------------------------------------------------------------------------
// Backup

enum class BackupKind {
    automatic,   // we send dump requests and collect the replies
    manual,      // the user triggers dumps on the front panel; we collect until complete
    record_many, // repeated manual dumps collected until the user says done (Jomox patterns)
    none,        // no SysEx backup (reason says what to do instead)
};
const char* to_string(BackupKind kind); // "automatic" | "manual" | "record-many" | "none"
std::optional<BackupKind> parse_backup_kind(std::string_view text);

struct DumpRequest {
    std::string description;
    std::vector<std::uint8_t> request; // sent as is
    BytePattern reply_prefix;
    std::uint64_t reply_min_bytes = 0;
    std::uint64_t reply_max_bytes = 0;
    std::uint32_t reply_count = 1; // messages expected in answer to this request
    std::chrono::milliseconds timeout{0};
    Evidence evidence;
};

struct ExpectedMessage {
    std::string description;
    BytePattern prefix;
    std::uint64_t min_bytes = 0;
    std::uint64_t max_bytes = 0;
    Evidence evidence;

    [[nodiscard]] bool matches(std::span<const std::uint8_t> message) const {
        return message.size() >= min_bytes && message.size() <= max_bytes &&
               prefix.matches_prefix(message);
    }
};

enum class CompletenessKind {
    single_message, // one message matching `expect` completes the backup
    count,          // exactly `count` matching messages
    indexed,        // one message per index value first..last step `step` at index_offset,
                    // for every distinct value of the byte at group_offset if set
    user_says_done, // record-many: the user ends the session
};
const char* to_string(CompletenessKind kind);

struct CompletenessRule {
    CompletenessKind kind = CompletenessKind::single_message;
    std::uint64_t count = 0;
    std::uint64_t index_offset = 0;
    std::uint8_t index_first = 0;
    std::uint8_t index_last = 0;
    std::uint8_t index_step = 1;
    std::optional<std::uint64_t> group_offset;
    // indexed: when the byte at required_groups_offset equals required_groups_value, every group
    // required_groups_first..last must be complete (K-Station all-banks dump: C=1 → banks 1–4).
    std::optional<std::uint64_t> required_groups_offset;
    std::uint8_t required_groups_value = 0;
    std::uint8_t required_groups_first = 0;
    std::uint8_t required_groups_last = 0;
    std::string description; // shown to the user ("50 program pair dumps per bank")
    Evidence evidence;
};

struct BackupProcedure {
    BackupKind kind = BackupKind::none;
    std::string reason;                  // kind none: why, and what to do instead
    std::vector<DumpRequest> requests;   // automatic
    std::vector<std::string> steps;      // manual / record-many: front-panel steps, in order
    std::vector<ExpectedMessage> expect; // messages a backup consists of
    CompletenessRule completeness;
    Evidence evidence;

    // Index into `expect` of the first entry matching the message, if any.
    [[nodiscard]] std::optional<std::size_t> classify(std::span<const std::uint8_t> message) const;
    // Whether a set of messages is a complete backup is CompletenessTracker's job
    // (core/backup_completeness.hpp): one implementation of `completeness` for live sessions and
    // for files given with --backup.
};

// ---------------------------------------------------------------------------------------------
// Restore

enum class RestoreKind {
    send_back, // send the backup's messages back (with rewrites below)
    refused,   // SysEx restore is not possible; `refusal` says what to do instead
    none,      // nothing to restore (no backup)
};
const char* to_string(RestoreKind kind); // "send-back" | "refused" | "none"

// Change one byte of matching messages before restoring, e.g. the K-Station control byte C=1 so
// a single-bank dump lands in the bank it came from instead of the current bank.
struct ByteRewrite {
    BytePattern applies_to;   // prefix of the messages concerned
    std::uint64_t offset = 0; // byte to change
    std::uint8_t value = 0;   // new value
    bool ask_user = true;     // offer it rather than doing it silently
    std::string description;
    Evidence evidence;
};

struct RestoreRules {
    RestoreKind kind = RestoreKind::none;
    std::string refusal;
    std::vector<ByteRewrite> rewrites;
    std::vector<std::string> after_steps; // e.g. "reload the preset: press up, then down"
    std::string note;
    Evidence evidence;
};

// ---------------------------------------------------------------------------------------------
// Display messages and recovery

enum class DisplayOutcome { progress, success, error };
const char* to_string(DisplayOutcome outcome); // "progress" | "success" | "error"

// Where in the update flow (DESIGN.md §7) something applies.
enum class Phase { identify, backup, enter_bootloader, transfer, verify, restore };
const char* to_string(Phase phase); // "identify" | "backup" | "enter-bootloader" | ...
std::optional<Phase> parse_phase(std::string_view text);

inline constexpr std::string_view kNoPlan = "none"; // display messages needing no recovery

struct DisplayMessage {
    std::string text;    // as shown on the device
    std::string meaning; // what it means, in plain words
    DisplayOutcome outcome = DisplayOutcome::progress;
    std::string plan; // a RecoveryPlan id, or "none" for progress/success messages
    Evidence evidence;
};

struct RecoveryPlan {
    std::string id;
    std::string title;
    std::vector<std::string> steps; // ordered, imperative, for the user
    // Only a service centre / hardware programmer can help now: say so plainly, no retry.
    bool terminal = false;
    std::vector<Phase> phases; // phases whose failures this plan covers
    Evidence evidence;
};

// ---------------------------------------------------------------------------------------------

struct Manifest {
    std::string id;      // "moog-little-phatty": stable, kebab-case, used on the command line
    std::string name;    // "Moog Little Phatty"
    std::string maker;   // "Moog Music"
    std::string summary; // one paragraph for the device page
    Identity identity;
    Transports transports;
    FirmwareRules firmware;
    Pacing pacing;
    BackupProcedure backup;
    RestoreRules restore;
    std::vector<DisplayMessage> display;
    std::vector<RecoveryPlan> recovery;

    [[nodiscard]] const RecoveryPlan* find_plan(std::string_view plan_id) const;
    // Case-insensitive, whitespace-insensitive match of what the user reads on the display.
    [[nodiscard]] const DisplayMessage* find_display(std::string_view text) const;
    // Phases where a failure can leave the device unusable; each needs a recovery plan.
    [[nodiscard]] std::vector<Phase> critical_phases() const;
    // The first plan covering the phase, if any.
    [[nodiscard]] const RecoveryPlan* plan_for_phase(Phase phase) const;
};

} // namespace syx
