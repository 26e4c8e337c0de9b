#pragma once
// The sessions' view of validation (core/validation.hpp): verdict, findings and release, without
// the report's link estimates (the sessions plan with the pacer).
#include <optional>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/sysex_file.hpp"

namespace syx::session {

struct FileCheck {
    bool refused = true;
    bool unknown_release = false; // passes every check but is not a release the manifest knows
    std::optional<std::string> release_version;
    std::vector<Finding> findings;
    std::string verdict; // "valid" | "valid-with-warnings" | "refused"
    // With a [firmware.grammar]: what decoding found, in words (ValidationReport).
    std::string firmware_summary;
};

FileCheck check_file(const SysexFile& file, const Manifest& manifest, Link link, bool for_restore);

} // namespace syx::session
