#pragma once
// The safety gates every path into a device goes through (issue 12): the CLI commands (upload,
// recover, restore, send --device) and the wizard call these instead of keeping their own copies,
// so a gate added here holds everywhere.
//
//  - The device: the catalogue's manifest, with a user manifest that overrides a shipped device
//    named in every run (resolve_device).
//  - The gap floor: a device's documented minimum gap (a `confirmed` or `reported` gap in the
//    SHIPPED manifest) can be raised by a user manifest or a flag, never lowered, unless the user
//    types kGapFloorOverridePhrase (and the update journal records it). A negative gap is a usage
//    error.
//  - The firmware file: validation against the manifest; an unknown release needs the user's
//    allowance (--allow-unknown-release, or the typed "SEND UNKNOWN" of
//    UnknownReleasePolicy::ask_typed in the wizard).
//  - Recovery: which journaled updates a recovery is about (same device, same kind of link: a
//    simulation never touches a real device's entry), whether the device is half-written (then
//    the backup gate is skipped, and the run says why), and whether the file is the journaled one
//    (another file is named and must be confirmed).
//  - Printed commands: every word shell-quoted.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"
#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/result.hpp"
#include "core/session_validation.hpp"
#include "core/sysex_file.hpp"
#include "engine/journal.hpp"

namespace syx::engine {

// ---- shell quoting ---------------------------------------------------------------------------

// One word for a POSIX shell: left as is when it only has safe characters, else in single quotes
// (an embedded ' becomes '\''). Pasting the result never runs code.
[[nodiscard]] std::string shell_quote(std::string_view word);
// The words quoted and joined with spaces.
[[nodiscard]] std::string shell_command(const std::vector<std::string>& words);

// ---- the device ------------------------------------------------------------------------------

struct ResolvedDevice {
    Manifest manifest;                 // the one in use (a user manifest wins)
    std::filesystem::path file;        // where it came from
    std::optional<Manifest> shipped;   // the shipped manifest of the same id, if any
    std::optional<std::string> notice; // "using your manifest … instead of the shipped …"
};
// Usage error (with the known ids) for an unknown device.
[[nodiscard]] Result<ResolvedDevice> resolve_device(std::string_view device_id);

// ---- the gap floor ---------------------------------------------------------------------------

inline constexpr std::string_view kGapFloorOverridePhrase = "BELOW THE DOCUMENTED GAP";

struct GapFloor {
    std::chrono::milliseconds gap{0};
    Confidence confidence = Confidence::modelled;
    std::string source; // the manifest's evidence source, may be empty
};
// The documented minimum of the shipped manifest for this link (confirmed or reported only).
[[nodiscard]] std::optional<GapFloor> gap_floor(const ResolvedDevice& device, Link link);

struct GapDecision {
    std::chrono::milliseconds gap{0};
    bool below_floor = false;          // the typed override let a smaller gap through
    std::optional<std::string> notice; // what the run says about it (raised / overridden)
};
// `requested`: the gap a flag or the manifest in use asks for; `what` names it in messages
// ("--gap-ms 0", "your manifest's 0 ms"). `override_phrase`: what the user typed (empty: none).
// refused: below the floor without the phrase; usage: a wrong phrase or a negative gap.
[[nodiscard]] Result<GapDecision> apply_gap_floor(const std::optional<GapFloor>& floor,
                                                  std::chrono::milliseconds requested,
                                                  std::string_view what,
                                                  std::string_view override_phrase);
// The manifest in use with the floor applied to every link's gap (a user manifest never lowers
// a documented gap). Returns what the run must say (the user manifest, each raised gap).
[[nodiscard]] Result<std::vector<std::string>>
enforce_gap_floor(ResolvedDevice& device, std::string_view override_phrase, bool* overridden);

// The same floor for a whole catalogue, with no override (what validate, inspect, the wizard and
// Tools show and send with): every user manifest that overrides a shipped device gets the
// shipped floor on each link, and `load.notices` names the manifest and each gap it raised.
// engine::load_device_catalogue() applies it, so no front end sees a lowered documented gap.
void enforce_catalogue_gap_floors(CatalogueLoad& load,
                                  const std::vector<std::filesystem::path>& shipped_dirs);

// ---- the firmware file -----------------------------------------------------------------------

struct FirmwareGate {
    session::FileCheck check;
    bool refused = false;
    std::string reason; // why, for people (nothing was sent)
};
[[nodiscard]] FirmwareGate check_firmware(const SysexFile& file, std::string_view file_name,
                                          const Manifest& manifest, Link link,
                                          bool allow_unknown_release);

// `send --device`: the file must be this device's firmware (with the release gate) or data the
// device takes back (a restore: presets, banks); anything else is refused with the firmware
// findings.
[[nodiscard]] FirmwareGate check_send(const SysexFile& file, std::string_view file_name,
                                      const Manifest& manifest, Link link,
                                      bool allow_unknown_release);

// ---- recovery --------------------------------------------------------------------------------

// "emulated" is a simulation; every other api is a real device.
[[nodiscard]] bool is_simulated_api(std::string_view api);

struct RecoveryContext {
    // The journaled updates of this device on this kind of link that need recovery, oldest first.
    std::vector<JournalSession> interrupted;
    // The journal shows the device was written to (a transfer started) and not finished well.
    bool half_written = false;
    // The file is the one the latest interrupted update sent (by SHA-256).
    bool same_file = true;
    std::string journaled_file;
    std::string plan; // the recovery plan the latest entry ended with
};
[[nodiscard]] RecoveryContext recovery_context(const std::filesystem::path& journal_dir,
                                               std::string_view device_id, std::string_view api,
                                               std::string_view file_sha256);

// Marks every entry of `context` resolved after a verified recovery; returns the ids resolved.
std::vector<std::string> resolve_recovered(const std::filesystem::path& journal_dir,
                                           const RecoveryContext& context, std::string_view how);

} // namespace syx::engine
