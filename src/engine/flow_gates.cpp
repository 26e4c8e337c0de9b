#include "engine/flow_gates.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "core/hash.hpp"
#include "engine/data_paths.hpp"
#include "engine/manifest_files.hpp"

namespace syx::engine {

// ---- shell quoting ---------------------------------------------------------------------------

std::string shell_quote(std::string_view word) {
    const bool safe = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::isalnum(u) != 0 ||
               std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
    });
    if (safe) {
        return std::string(word);
    }
    const bool has_control = std::any_of(word.begin(), word.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
    if (has_control) {
        // A control character inside plain quotes would reach the terminal raw and could not be
        // typed back: bash/zsh's $'…' names it as an escape, and pasting gives the same bytes.
        std::string out = "$'";
        for (const char c : word) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '\'' || c == '\\') {
                out += '\\';
                out += c;
            } else if (u < 0x20 || u == 0x7F) {
                out += fmt::format("\\x{:02x}", u);
            } else {
                out += c;
            }
        }
        out += '\'';
        return out;
    }
    std::string out = "'";
    for (const char c : word) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

std::string shell_command(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) {
            out += ' ';
        }
        out += shell_quote(w);
    }
    return out;
}

// ---- the device ------------------------------------------------------------------------------

namespace {
// The device as a run uses it: a user manifest that overrides a shipped one is named, and the
// shipped one is kept for its documented floor.
ResolvedDevice resolved_from(const CatalogueEntry& entry, const Catalogue& shipped) {
    ResolvedDevice device{entry.manifest, entry.file, std::nullopt, std::nullopt};
    if (entry.origin != ManifestOrigin::user) {
        device.shipped = entry.manifest;
        return device;
    }
    if (const auto* s = shipped.find(entry.manifest.id)) {
        device.shipped = s->manifest;
        device.notice = fmt::format("using your manifest {} instead of the shipped {}",
                                    entry.file.string(), s->file.string());
    } else {
        device.notice = fmt::format("using your manifest {}", entry.file.string());
    }
    return device;
}
} // namespace

Result<ResolvedDevice> resolve_device(std::string_view device_id) {
    const auto dirs = manifest_dirs();
    auto all = load_catalogue(dirs.shipped, dirs.user);
    const auto* entry = all.catalogue.find(device_id);
    if (entry == nullptr) {
        std::string ids;
        for (const auto& id : all.catalogue.ids()) {
            ids += fmt::format("\n  {}", id);
        }
        return make_error(ErrorCode::usage,
                          fmt::format("unknown device '{}'. Known devices:{}", device_id,
                                      ids.empty() ? "\n  (none: no manifests found)" : ids));
    }
    if (entry->origin != ManifestOrigin::user) {
        return resolved_from(*entry, Catalogue{});
    }
    return resolved_from(*entry, load_catalogue(dirs.shipped, {}).catalogue);
}

void enforce_catalogue_gap_floors(CatalogueLoad& load,
                                  const std::vector<std::filesystem::path>& shipped_dirs) {
    const auto& entries = load.catalogue.entries();
    if (std::none_of(entries.begin(), entries.end(),
                     [](const CatalogueEntry& e) { return e.origin == ManifestOrigin::user; })) {
        return;
    }
    const auto shipped = load_catalogue(shipped_dirs, {});
    std::vector<Manifest> raised;
    for (const auto& entry : entries) {
        if (entry.origin != ManifestOrigin::user) {
            continue;
        }
        auto device = resolved_from(entry, shipped.catalogue);
        // No override phrase: a gap below the floor is raised, never refused.
        auto notices = enforce_gap_floor(device, {}, nullptr);
        if (notices) {
            load.notices.insert(load.notices.end(), notices->begin(), notices->end());
        }
        raised.push_back(std::move(device.manifest));
    }
    for (auto& manifest : raised) {
        load.catalogue.replace_manifest(std::move(manifest));
    }
}

// ---- the gap floor ---------------------------------------------------------------------------

std::optional<GapFloor> gap_floor(const ResolvedDevice& device, Link link) {
    if (!device.shipped) {
        return std::nullopt;
    }
    const auto* pacing = device.shipped->pacing.for_link(link);
    if (pacing == nullptr || pacing->evidence.confidence == Confidence::modelled ||
        pacing->rules.gap_after_message.count() <= 0) {
        return std::nullopt;
    }
    return GapFloor{pacing->rules.gap_after_message, pacing->evidence.confidence,
                    pacing->evidence.source};
}

Result<GapDecision> apply_gap_floor(const std::optional<GapFloor>& floor,
                                    std::chrono::milliseconds requested, std::string_view what,
                                    std::string_view override_phrase) {
    if (requested.count() < 0) {
        return make_error(ErrorCode::usage, fmt::format("{}: a gap cannot be negative", what));
    }
    if (!override_phrase.empty() && override_phrase != kGapFloorOverridePhrase) {
        return make_error(ErrorCode::usage,
                          fmt::format("to go below a device's documented gap, type exactly "
                                      "\"{}\" (not \"{}\")",
                                      kGapFloorOverridePhrase, override_phrase));
    }
    GapDecision decision{requested, false, std::nullopt};
    if (!floor || requested >= floor->gap) {
        return decision;
    }
    const std::string documented =
        fmt::format("the device's documented minimum is {} ms [{}{}{}]", floor->gap.count(),
                    to_string(floor->confidence), floor->source.empty() ? "" : ": ", floor->source);
    if (override_phrase.empty()) {
        return make_error(ErrorCode::refused,
                          fmt::format("{} is below the gap the device needs: {}. Nothing was "
                                      "sent. To go below it anyway, type the override phrase "
                                      "\"{}\".",
                                      what, documented, kGapFloorOverridePhrase));
    }
    decision.below_floor = true;
    decision.notice = fmt::format("{} is below the gap the device needs ({}): going ahead "
                                  "because you typed the override",
                                  what, documented);
    return decision;
}

Result<std::vector<std::string>>
enforce_gap_floor(ResolvedDevice& device, std::string_view override_phrase, bool* overridden) {
    std::vector<std::string> notices;
    if (device.notice) {
        notices.push_back(*device.notice);
    }
    for (const Link link : {Link::usb, Link::din}) {
        auto& pacing = link == Link::usb ? device.manifest.pacing.usb : device.manifest.pacing.din;
        if (!pacing) {
            continue;
        }
        const auto floor = gap_floor(device, link);
        auto& gap = pacing->rules.gap_after_message;
        if (!floor || gap >= floor->gap) {
            continue;
        }
        auto decided = apply_gap_floor(
            floor, gap,
            fmt::format("your manifest's {} ms gap over {}", gap.count(), to_string(link)),
            override_phrase.empty() ? std::string_view{} : override_phrase);
        if (!decided && decided.error().code == ErrorCode::usage) {
            return decided.error();
        }
        if (decided && decided->below_floor) {
            if (overridden != nullptr) {
                *overridden = true;
            }
            notices.push_back(*decided->notice);
            continue;
        }
        notices.push_back(fmt::format("your manifest's {} ms gap over {} is below the documented "
                                      "minimum; {} ms is used",
                                      gap.count(), to_string(link), floor->gap.count()));
        gap = floor->gap;
    }
    return notices;
}

// ---- the firmware file -----------------------------------------------------------------------

namespace {
std::string finding_line(const Finding& f) {
    std::string where;
    if (f.message_index) {
        where = fmt::format(" (message {})", *f.message_index + 1);
    }
    return fmt::format("\n  {} {}{}: {}", to_string(f.severity), f.code, where, f.text);
}
std::string error_lines(const std::vector<Finding>& findings) {
    std::string text;
    for (const auto& f : findings) {
        if (f.severity == Severity::error) {
            text += finding_line(f);
        }
    }
    return text;
}
} // namespace

FirmwareGate check_firmware(const SysexFile& file, std::string_view file_name,
                            const Manifest& manifest, Link link, bool allow_unknown_release) {
    FirmwareGate gate;
    gate.check = session::check_file(file, manifest, link, false);
    if (gate.check.refused) {
        gate.refused = true;
        gate.reason = fmt::format("'{}' failed validation for the {}:{}\nNothing was sent.",
                                  file_name, manifest.name, error_lines(gate.check.findings));
    } else if (gate.check.unknown_release && !allow_unknown_release) {
        gate.refused = true;
        gate.reason = fmt::format("'{}' passes every check but is not a {} release syxflash "
                                  "knows (SHA-256 {}). Nothing was sent; to send it anyway, add "
                                  "--allow-unknown-release.",
                                  file_name, manifest.name, to_hex(file.sha256));
    }
    return gate;
}

FirmwareGate check_send(const SysexFile& file, std::string_view file_name, const Manifest& manifest,
                        Link link, bool allow_unknown_release) {
    auto gate = check_firmware(file, file_name, manifest, link, allow_unknown_release);
    if (!gate.check.refused) {
        return gate; // firmware: passes, or refused only by the release gate
    }
    auto as_restore = session::check_file(file, manifest, link, true);
    if (!as_restore.refused) {
        return FirmwareGate{std::move(as_restore), false, {}};
    }
    gate.reason = fmt::format("'{}' is neither firmware nor data the {} takes back:{}\nNothing "
                              "was sent.",
                              file_name, manifest.name, error_lines(gate.check.findings));
    return gate;
}

// ---- recovery --------------------------------------------------------------------------------

bool is_simulated_api(std::string_view api) {
    return api == "emulated";
}

RecoveryContext recovery_context(const std::filesystem::path& journal_dir,
                                 std::string_view device_id, std::string_view api,
                                 std::string_view file_sha256) {
    RecoveryContext context;
    for (auto& s : find_interrupted(journal_dir)) {
        if (s.device_id == device_id && is_simulated_api(s.api) == is_simulated_api(api)) {
            context.interrupted.push_back(std::move(s));
        }
    }
    if (context.interrupted.empty()) {
        return context;
    }
    const auto& latest = context.interrupted.back();
    context.plan = latest.recovery_plan;
    context.journaled_file = latest.file;
    context.same_file = latest.file_sha256.empty() || latest.file_sha256 == file_sha256;
    context.half_written = std::any_of(
        context.interrupted.begin(), context.interrupted.end(), [](const JournalSession& s) {
            return s.messages_sent > 0 || s.last_phase == "transfer" || s.device_state == "unknown";
        });
    return context;
}

std::vector<std::string> resolve_recovered(const std::filesystem::path& journal_dir,
                                           const RecoveryContext& context, std::string_view how) {
    std::vector<std::string> resolved;
    for (const auto& s : context.interrupted) {
        if (mark_resolved(journal_dir, s.session, how)) {
            resolved.push_back(s.session);
        }
    }
    return resolved;
}

} // namespace syx::engine
