#pragma once
// Small helpers shared by subcommands: findings as JSON and as text lines.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/catalogue.hpp"
#include "core/finding.hpp"

namespace syx::cli {

// {"severity", "code", "message_index": n|null, "offset": n|null, "text"}
[[nodiscard]] nlohmann::ordered_json to_json(const Finding& finding);
[[nodiscard]] nlohmann::ordered_json to_json(const std::vector<Finding>& findings);

// "error   missing-f7  message 3, byte 120: The last SysEx message …"
[[nodiscard]] std::string describe(const Finding& finding);

// Pretty-printed JSON document on stdout, ending with a newline.
void print_json(const nlohmann::json& document);

// Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to a mistyped word ("valdiate" → "validate", "--devcie" → "--device"),
// when it is close enough to be what was meant (a third of its letters wrong at most).
[[nodiscard]] std::optional<std::string> did_you_mean(std::string_view word,
                                                      const std::vector<std::string>& candidates);

// The device catalogue (shipped + user manifests, engine/data_paths). Manifest problems are
// printed to stderr as warnings (the broken file is skipped) unless `quiet`; an empty catalogue
// prints where syxflash looked.
[[nodiscard]] CatalogueLoad load_cli_catalogue(bool quiet = false);

// The device with this id, or nullptr after printing "unknown device … Known devices: …" to
// stderr (the caller exits with kExitUsage).
[[nodiscard]] const CatalogueEntry* find_device_or_explain(const Catalogue& catalogue,
                                                           const std::string& id);

} // namespace syx::cli
