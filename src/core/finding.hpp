#pragma once
// Validation is not an error (DESIGN.md §3): readers and validators return reports listing every
// finding with its location.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace syx {

enum class Severity { info, warning, error };

const char* to_string(Severity severity); // "info" | "warning" | "error"

struct Finding {
    Severity severity = Severity::error;
    // A stable kebab-case identifier tests and tools can match on, e.g. "missing-f7".
    std::string code;
    // 0-based index of the message concerned, if any.
    std::optional<std::size_t> message_index;
    // Byte offset in the (decompressed) file, if any.
    std::optional<std::uint64_t> offset;
    // Plain-language text that tells the user what it means and what to do.
    std::string text;
};

[[nodiscard]] bool has_errors(const std::vector<Finding>& findings);
[[nodiscard]] std::size_t count_severity(const std::vector<Finding>& findings, Severity severity);

} // namespace syx
