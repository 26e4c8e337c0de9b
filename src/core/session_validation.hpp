#pragma once
// The sessions' view of validation (core/validation.hpp): verdict, findings and release. Kept in
// its own translation unit because validation.hpp and pacer.hpp both declare a
// syx::PacingPlan (one per helper branch) and the sessions need both.
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
};

FileCheck check_file(const SysexFile& file, const Manifest& manifest, Link link, bool for_restore);

} // namespace syx::session
