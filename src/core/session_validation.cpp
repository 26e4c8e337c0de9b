#include "core/session_validation.hpp"

#include "core/validation.hpp"

namespace syx::session {

FileCheck check_file(const SysexFile& file, const Manifest& manifest, Link link, bool for_restore) {
    const auto report =
        validate(file, manifest, link,
                 for_restore ? ValidationPurpose::restore : ValidationPurpose::firmware);
    FileCheck check;
    check.refused = report.refused();
    check.verdict = to_string(report.verdict);
    check.findings = report.findings;
    check.firmware_summary = report.firmware_summary;
    if (report.release) {
        check.release_version = report.release->version;
    }
    for (const auto& f : report.findings) {
        if (f.code == "unknown-release") {
            check.unknown_release = true;
        }
    }
    return check;
}

} // namespace syx::session
