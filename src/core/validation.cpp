#include "core/validation.hpp"

#include <algorithm>
#include <map>

#include <fmt/core.h>

#include "core/firmware_grammar.hpp"
#include "core/hash.hpp"
#include "core/manufacturer_ids.hpp"
#include "core/pacer.hpp"
#include "core/sysex_analysis.hpp"

namespace syx {

const char* to_string(Verdict verdict) {
    switch (verdict) {
    case Verdict::valid:
        return "valid";
    case Verdict::valid_with_warnings:
        return "valid-with-warnings";
    case Verdict::refused:
        return "refused";
    }
    return "refused";
}

const char* to_string(ValidationPurpose purpose) {
    return purpose == ValidationPurpose::restore ? "restore" : "firmware";
}

std::chrono::microseconds estimate_transfer_time(std::span<const std::uint64_t> message_lengths,
                                                 const PacingRules& rules, Link link) {
    using std::chrono::microseconds;
    // Wire time at the rate the data actually moves on this link (the pacer's own arithmetic:
    // DIN never faster than 3125 B/s; USB only limited where the manifest says so).
    const auto rate = effective_bytes_per_second(link, rules);
    PacerDuration wire{0};
    for (auto length : message_lengths) {
        wire += wire_time(length, rate);
    }
    auto total = std::chrono::ceil<microseconds>(wire);
    if (message_lengths.size() > 1) {
        total += std::chrono::duration_cast<microseconds>(rules.gap_after_message) *
                 static_cast<microseconds::rep>(message_lengths.size() - 1);
    }
    if (!message_lengths.empty()) {
        total += rules.settle_before_first + rules.settle_after_last;
    }
    return total;
}

std::string format_duration(std::chrono::microseconds duration) {
    const auto us = duration.count();
    if (us < 1000) {
        return fmt::format("{} µs", us);
    }
    const auto ms = (us + 500) / 1000;
    if (ms < 10'000) {
        return ms < 1000 ? fmt::format("{} ms", ms)
                         : fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
    }
    const auto s = (ms + 500) / 1000;
    if (s < 3600) {
        return s < 60 ? fmt::format("{} s", s) : fmt::format("{} min {:02} s", s / 60, s % 60);
    }
    return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

namespace {

// "This format …" from "this format …" (finding texts are sentences).
std::string capitalised(std::string_view text) {
    std::string s(text);
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') {
        s[0] = static_cast<char>(s[0] - 'a' + 'A');
    }
    return s;
}

// Collects findings, keeping at most kMaxFindingsPerCode of each code and summarising the rest.
class Collector {
public:
    explicit Collector(std::vector<Finding>& out) : m_out(out) {}
    void add(Finding f) {
        auto& n = m_counts[f.code];
        ++n;
        if (n <= kMaxFindingsPerCode) {
            m_out.push_back(std::move(f));
        } else {
            m_severity[f.code] = f.severity;
        }
    }
    void finish() {
        for (const auto& [code, n] : m_counts) {
            if (n > kMaxFindingsPerCode) {
                m_out.push_back(Finding{m_severity[code], code, std::nullopt, std::nullopt,
                                        fmt::format("… and {} more messages with the same problem "
                                                    "({}).",
                                                    n - kMaxFindingsPerCode, code)});
            }
        }
    }

private:
    std::vector<Finding>& m_out;
    std::map<std::string, std::size_t> m_counts;
    std::map<std::string, Severity> m_severity;
};

bool has_code(const std::vector<Finding>& findings, std::string_view code) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.code == code; });
}

// "04 (Moog Music)" or "00 20 29 (Focusrite/Novation)" when the registry name is known.
std::string manufacturer_of(std::span<const std::uint8_t> message) {
    const auto id = manufacturer_id_of(message);
    if (!id) {
        return "(unreadable)";
    }
    const char* name = manufacturer_name(*id);
    return name != nullptr ? fmt::format("{} ({})", id->hex(), name) : id->hex();
}

// Finds the prefix that matches best; returns nullopt if one matches, else the closest miss.
struct PrefixMiss {
    const BytePattern* pattern = nullptr;
    std::size_t at = 0;
};

std::optional<PrefixMiss> closest_prefix_miss(const std::vector<const BytePattern*>& prefixes,
                                              std::span<const std::uint8_t> message) {
    PrefixMiss best;
    for (const auto* p : prefixes) {
        auto miss = p->first_mismatch(message);
        if (!miss) {
            return std::nullopt;
        }
        if (best.pattern == nullptr || *miss > best.at) {
            best = {p, *miss};
        }
    }
    if (best.pattern == nullptr) {
        return std::nullopt;
    }
    return best;
}

Finding located(Severity s, std::string code, const SysexMessage& m, std::uint64_t byte,
                std::string text) {
    return Finding{s, std::move(code), m.index, m.offset + byte, std::move(text)};
}

void check_prefixes(const SysexFile& file, const Manifest& manifest,
                    const std::vector<const BytePattern*>& prefixes, Collector& out) {
    const std::size_t mfr_end =
        1 + std::max<std::size_t>(manifest.identity.manufacturer_id.size(), 1);
    for (const auto& msg : file.messages) {
        const auto bytes = file.bytes_of(msg);
        auto miss = closest_prefix_miss(prefixes, bytes);
        if (!miss) {
            continue;
        }
        const auto& expected = miss->pattern->bytes();
        const std::string want = miss->at < expected.size() && expected[miss->at]
                                     ? fmt::format("{:02X}", *expected[miss->at])
                                     : std::string("more bytes");
        const std::string got = miss->at < bytes.size() ? fmt::format("{:02X}", bytes[miss->at])
                                                        : std::string("the end");
        if (miss->at < mfr_end && miss->at < bytes.size()) {
            out.add(located(
                Severity::error, "wrong-manufacturer", msg, miss->at,
                fmt::format(
                    "manufacturer byte {} of this message is {} where the {} expects {} (its "
                    "messages start {}): the message comes from manufacturer {}, so the file is "
                    "for another device. Do not send it; pick the right file or device.",
                    miss->at, got, manifest.name, want, miss->pattern->to_string(),
                    manufacturer_of(bytes))));
        } else {
            out.add(located(
                Severity::error, "wrong-prefix", msg, miss->at,
                fmt::format("byte {} of this message is {} where the {} expects {} (its "
                            "messages start {}): the file is for another model or is "
                            "not this kind of data.",
                            miss->at, got, manifest.name, want, miss->pattern->to_string())));
        }
    }
}

void check_data_bytes(const SysexFile& file, Collector& out) {
    for (const auto& msg : file.messages) {
        const auto bytes = file.bytes_of(msg);
        for (std::size_t i = 1; i + 1 < bytes.size(); ++i) {
            if (bytes[i] >= 0x80) {
                const std::uint64_t at = msg.offset + i;
                const bool known = std::any_of(file.findings.begin(), file.findings.end(),
                                               [&](const Finding& f) { return f.offset == at; });
                if (!known) {
                    out.add(located(Severity::error, "data-byte-not-7bit", msg, i,
                                    fmt::format("byte {} of this message is {:02X}, not a 7-bit "
                                                "data byte: the file is damaged.",
                                                i, bytes[i])));
                }
                break; // one per message is enough to refuse it
            }
        }
    }
}

// The checksum the manifest declares, if it is wrong in this message.
std::optional<ChecksumCheck> checksum_problem(const FirmwareRules& fw,
                                              std::span<const std::uint8_t> bytes) {
    std::optional<ChecksumCheck> check;
    switch (fw.checksum) {
    case FirmwareChecksum::none:
    case FirmwareChecksum::unknown:
    case FirmwareChecksum::grammar: // check_grammar()
        return std::nullopt;
    case FirmwareChecksum::roland:
        check = check_roland_checksum(bytes);
        break;
    case FirmwareChecksum::yamaha_bulk:
        check = check_yamaha_bulk_checksum(bytes);
        break;
    case FirmwareChecksum::twos_complement_7bit: {
        if (bytes.size() < fw.checksum_from + 3) {
            return std::nullopt;
        }
        unsigned sum = 0;
        for (std::size_t i = static_cast<std::size_t>(fw.checksum_from); i + 2 < bytes.size();
             ++i) {
            sum += bytes[i];
        }
        ChecksumCheck c;
        c.expected = static_cast<std::uint8_t>((128U - (sum & 0x7FU)) & 0x7FU);
        c.position = bytes.size() - 2;
        c.found = bytes[bytes.size() - 2];
        c.ok = c.expected == c.found;
        check = c;
        break;
    }
    }
    if (check && !check->ok) {
        return check;
    }
    return std::nullopt;
}

// What the loader does with a damaged block, in words (the grammar's bad_block fact).
std::string bad_block_consequence(const FirmwareGrammar& g) {
    switch (g.bad_block) {
    case BadBlockBehaviour::skipped_silently:
        return fmt::format(" The loader would skip this {} without a word, leaving a hole in the "
                           "firmware.",
                           g.block_noun);
    case BadBlockBehaviour::stops_with_error:
        return g.bad_block_display.empty()
                   ? std::string(" The loader would stop with an error.")
                   : fmt::format(" The loader would stop and show \"{}\".", g.bad_block_display);
    case BadBlockBehaviour::answers_error:
        return " The loader would answer with an error and stop.";
    case BadBlockBehaviour::unknown:
        break;
    }
    return {};
}

// Decodes the file by the manifest's [firmware.grammar]: every problem becomes a located error;
// a clean decode becomes one info finding saying what was found. Returns the summary.
std::string check_grammar(const SysexFile& file, const Manifest& manifest,
                          const FirmwareRelease* release, Collector& out) {
    const auto& g = *manifest.firmware.grammar;
    std::vector<std::span<const std::uint8_t>> messages;
    messages.reserve(file.messages.size());
    for (const auto& msg : file.messages) {
        messages.push_back(file.bytes_of(msg));
    }
    const auto decoded = decode_firmware(g, messages);
    for (const auto& p : decoded.problems) {
        std::string text = p.text;
        if (p.code == "checksum-mismatch" || p.code == "bad-payload") {
            text += ".";
            text += bad_block_consequence(g);
        } else {
            text += ".";
        }
        if (p.message && *p.message < file.messages.size()) {
            const auto& msg = file.messages[*p.message];
            out.add(located(Severity::error, "firmware-" + p.code, msg, p.byte.value_or(0),
                            std::move(text)));
        } else {
            out.add(Finding{Severity::error, "firmware-" + p.code, std::nullopt, std::nullopt,
                            std::move(text)});
        }
    }
    auto summary = decoded.summary(g);
    if (release != nullptr) {
        // "…, ends with the reboot message; known release 1.02"
        summary += fmt::format("; known release {}", release->version);
    }
    if (decoded.ok()) {
        out.add(
            Finding{Severity::info, "firmware-decoded", std::nullopt, std::nullopt, summary + "."});
    }
    return summary;
}

void check_firmware(const SysexFile& file, const Manifest& manifest, Collector& out) {
    const auto& fw = manifest.firmware;
    std::vector<const BytePattern*> prefixes;
    for (const auto& p : fw.message_prefixes) {
        prefixes.push_back(&p);
    }
    check_prefixes(file, manifest, prefixes, out);

    for (const auto& msg : file.messages) {
        const auto bytes = file.bytes_of(msg);
        const auto not_fw = std::find_if(fw.not_firmware.begin(), fw.not_firmware.end(),
                                         [&](const NotFirmware& n) { return n.matches(bytes); });
        if (not_fw != fw.not_firmware.end()) {
            out.add(located(Severity::error, "not-firmware", msg, 0,
                            fmt::format("this message is {}, not firmware: sent as an update it "
                                        "would overwrite the {}'s data instead. Use the firmware "
                                        "file from {}.",
                                        not_fw->what, manifest.name, manifest.maker)));
            continue;
        }
        const bool is_final = fw.final_message && msg.index + 1 == file.messages.size();
        if (is_final) {
            continue; // checked exactly below
        }
        if (msg.length < fw.min_message_bytes) {
            out.add(located(Severity::error, "message-too-short", msg, 0,
                            fmt::format("this message is {} bytes; the {} expects at least {}.",
                                        msg.length, manifest.name, fw.min_message_bytes)));
        } else if (msg.length > fw.max_message_bytes) {
            out.add(located(Severity::error, "message-too-long", msg, 0,
                            fmt::format("this message is {} bytes; the {} expects at most {}.",
                                        msg.length, manifest.name, fw.max_message_bytes)));
        }
        if (auto problem = checksum_problem(fw, file.bytes_of(msg))) {
            out.add(located(Severity::error, "checksum-mismatch", msg, problem->position,
                            fmt::format("checksum byte {} of this message is {:02X} but the data "
                                        "adds up to {:02X} ({} checksum): the message is damaged.",
                                        problem->position, problem->found, problem->expected,
                                        to_string(fw.checksum))));
        }
    }
    const auto n = static_cast<std::uint64_t>(file.messages.size());
    if (n > 0 && n < fw.min_messages) {
        out.add(Finding{Severity::error, "too-few-messages", std::nullopt, std::nullopt,
                        fmt::format("the file has {} messages; a {} firmware has at least {}. It "
                                    "may be truncated or not a firmware file.",
                                    n, manifest.name, fw.min_messages)});
    } else if (n > fw.max_messages) {
        out.add(Finding{Severity::error, "too-many-messages", std::nullopt, std::nullopt,
                        fmt::format("the file has {} messages; a {} firmware has at most {}.", n,
                                    manifest.name, fw.max_messages)});
    }
    if (fw.final_message && n > 0) {
        const auto& last = file.messages.back();
        if (!fw.final_message->matches_exactly(file.bytes_of(last))) {
            out.add(
                located(Severity::error, "wrong-final-message", last, 0,
                        fmt::format("the last message (message {}) should be {} (the end-of-"
                                    "update marker); the file is truncated or not a {} firmware.",
                                    last.index, fw.final_message->to_string(), manifest.name)));
        }
    }
}

void check_restore(const SysexFile& file, const Manifest& manifest, Collector& out) {
    const auto& restore = manifest.restore;
    if (restore.kind == RestoreKind::refused) {
        out.add(Finding{Severity::error, "restore-refused", std::nullopt, std::nullopt,
                        restore.refusal});
        return;
    }
    if (restore.kind == RestoreKind::none) {
        out.add(Finding{Severity::error, "restore-unsupported", std::nullopt, std::nullopt,
                        fmt::format("syxflash has no SysEx restore for the {}. {}", manifest.name,
                                    manifest.backup.reason)});
        return;
    }
    std::vector<const BytePattern*> prefixes;
    for (const auto& e : manifest.backup.expect) {
        prefixes.push_back(&e.prefix);
    }
    check_prefixes(file, manifest, prefixes, out);
    for (const auto& msg : file.messages) {
        const auto bytes = file.bytes_of(msg);
        bool prefix_ok = false;
        for (const auto& e : manifest.backup.expect) {
            prefix_ok = prefix_ok || e.prefix.matches_prefix(bytes);
        }
        if (prefix_ok && !manifest.backup.classify(bytes)) {
            out.add(located(Severity::error, "unexpected-message-size", msg, 0,
                            fmt::format("this message is {} bytes, which is not the size of any {} "
                                        "dump; it may be truncated.",
                                        msg.length, manifest.name)));
        }
        for (const auto& rw : restore.rewrites) {
            if (rw.applies_to.matches_prefix(bytes) && rw.offset + 1 < bytes.size() &&
                bytes[rw.offset] != rw.value) {
                out.add(located(Severity::warning, "restore-rewrite", msg, rw.offset,
                                fmt::format("byte {} of this message is {:02X}: {}", rw.offset,
                                            bytes[rw.offset], rw.description)));
            }
        }
    }
}

} // namespace

ValidationReport validate(const SysexFile& file, const Manifest& manifest, Link link,
                          ValidationPurpose purpose) {
    ValidationReport report;
    report.device_id = manifest.id;
    report.purpose = purpose;
    report.link = link;
    report.sha256 = file.sha256;
    report.findings = file.findings; // the readers' findings (framing, format) come first
    Collector out(report.findings);
    const auto& fw = manifest.firmware;

    // Whole-file checks.
    if (file.decoded_bytes == 0 && file.file_bytes == 0) {
        if (!has_code(file.findings, "empty-file")) {
            out.add(Finding{Severity::error, "empty-file", std::nullopt, std::nullopt,
                            "the file is empty: there is nothing to send. Pick the right file."});
        }
    } else if (file.messages.empty() && !has_errors(file.findings)) {
        out.add(
            Finding{Severity::error, "no-messages", std::nullopt, std::nullopt,
                    fmt::format("the file holds no SysEx messages; it is not a file for the {}.",
                                manifest.name)});
    }
    const std::uint64_t cap =
        purpose == ValidationPurpose::firmware && fw.supported && fw.max_file_bytes > 0
            ? fw.max_file_bytes
            : ReadOptions{}.max_file_bytes;
    const std::uint64_t size = std::max(file.file_bytes, file.decoded_bytes);
    if (size > cap && !has_code(file.findings, "file-too-large")) {
        out.add(Finding{Severity::error, "file-too-large", std::nullopt, std::nullopt,
                        fmt::format("the file is {} bytes; the {} accepts at most {} bytes. It is "
                                    "not a file for this device.",
                                    size, manifest.name, cap)});
    }

    // The link.
    if (!manifest.transports.allows(link)) {
        const Link other = link == Link::usb ? Link::din : Link::usb;
        out.add(
            Finding{Severity::error, "link-unsupported", std::nullopt, std::nullopt,
                    fmt::format("the {} cannot take this over {}; connect it by {} MIDI and use "
                                "--link {}.",
                                manifest.name, link == Link::usb ? "USB" : "DIN",
                                other == Link::usb ? "USB" : "DIN (5-pin)", to_string(other))});
    }

    check_data_bytes(file, out);
    if (manifest.identity.registry_mismatch) {
        out.add(
            Finding{Severity::info, "registry-mismatch", std::nullopt, std::nullopt,
                    fmt::format("the {} uses manufacturer ID {}, which the MIDI registry lists "
                                "for another company; that is expected for this device.",
                                manifest.name, to_spaced_hex(manifest.identity.manufacturer_id))});
    }

    if (purpose == ValidationPurpose::firmware) {
        if (!fw.supported) {
            out.add(Finding{Severity::error, "firmware-unsupported", std::nullopt, std::nullopt,
                            fw.unsupported_reason});
        } else if (!file.messages.empty()) {
            check_firmware(file, manifest, out);
            // Files for another device were refused by their prefixes already; decoding them
            // would only repeat that for every message.
            if (fw.grammar && !has_code(report.findings, "wrong-manufacturer") &&
                !has_code(report.findings, "wrong-prefix")) {
                report.firmware_summary =
                    check_grammar(file, manifest, fw.find_release(file.sha256), out);
            }
            if (fw.grammar && !fw.grammar->carries_checksum() && !has_errors(report.findings)) {
                // Launchpad Pro / MK2: one changed byte passes every check the format allows, so
                // only the release's SHA-256 can tell; an unknown file needs the typed
                // confirmation (the unknown-release warning below).
                const auto* release = fw.find_release(file.sha256);
                out.add(Finding{
                    release != nullptr ? Severity::info : Severity::warning, "firmware-no-checksum",
                    std::nullopt, std::nullopt,
                    release != nullptr
                        ? fmt::format("{}. This file is known release {}: it is intact.",
                                      capitalised(kNoChecksumText), release->version)
                        : fmt::format("{}. This file is not a known release, so a changed byte "
                                      "cannot be told from a custom firmware: check where it "
                                      "came from before sending it.",
                                      capitalised(kNoChecksumText))});
            }
            if (const auto* release = fw.find_release(file.sha256)) {
                report.release = *release;
                out.add(Finding{Severity::info, "known-release", std::nullopt, std::nullopt,
                                fmt::format("known release: {} {} ({}).", manifest.name,
                                            release->version, release->source)});
            } else if (!has_errors(report.findings)) {
                // Only a file that passed every check is "an unknown release"; a refused file is
                // simply not firmware for this device.
                out.add(Finding{Severity::warning, "unknown-release", std::nullopt, std::nullopt,
                                fmt::format("this file (SHA-256 {}) is not a release of the {} "
                                            "firmware that syxflash knows. It passed every check; "
                                            "make sure it comes from {} before sending it.",
                                            to_hex(file.sha256).substr(0, 16) + "…", manifest.name,
                                            manifest.maker)});
            }
            if (fw.evidence.confidence == Confidence::modelled) {
                // The manifest's [firmware] note says what the modelled rules mean for the user
                // ("syxflash cannot tell a MIDIFly firmware from other MIDIFly data").
                out.add(
                    Finding{Severity::info, "modelled-rules", std::nullopt, std::nullopt,
                            fmt::format("the {} firmware format is not documented: these checks "
                                        "are modelled and cannot prove the file is right.{}{}",
                                        manifest.name, fw.note.empty() ? "" : " ", fw.note)});
            }
        }
    } else {
        check_restore(file, manifest, out);
    }
    out.finish();

    // The pacing plan.
    std::vector<std::uint64_t> lengths;
    lengths.reserve(file.messages.size());
    for (const auto& msg : file.messages) {
        lengths.push_back(msg.length);
        report.plan.bytes += msg.length;
    }
    report.plan.messages = lengths.size();
    report.plan.link = link;
    for (Link l : {Link::usb, Link::din}) {
        if (const auto* pacing = manifest.pacing.for_link(l);
            pacing != nullptr && manifest.transports.allows(l)) {
            (l == Link::usb ? report.plan.usb : report.plan.din) =
                LinkEstimate{pacing->rules, estimate_transfer_time(lengths, pacing->rules, l)};
        }
    }

    if (has_errors(report.findings)) {
        report.verdict = Verdict::refused;
    } else if (count_severity(report.findings, Severity::warning) > 0) {
        report.verdict = Verdict::valid_with_warnings;
    } else {
        report.verdict = Verdict::valid;
    }
    return report;
}

} // namespace syx
