#pragma once
// Small helpers shared by subcommands: findings as JSON and as text lines.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.hpp"

namespace syx::cli {

// {"severity", "code", "message_index": n|null, "offset": n|null, "text"}
[[nodiscard]] nlohmann::ordered_json to_json(const Finding& finding);
[[nodiscard]] nlohmann::ordered_json to_json(const std::vector<Finding>& findings);

// "error   missing-f7  message 3, byte 120: The last SysEx message …"
[[nodiscard]] std::string describe(const Finding& finding);

// Pretty-printed JSON document on stdout, ending with a newline.
void print_json(const nlohmann::json& document);

} // namespace syx::cli
