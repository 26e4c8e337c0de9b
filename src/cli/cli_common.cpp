#include "cli/cli_common.hpp"

#include <algorithm>
#include <vector>

#include <fmt/core.h>

#include "engine/data_paths.hpp"
#include "engine/json_text.hpp"

namespace syx::cli {

nlohmann::ordered_json to_json(const Finding& finding) {
    using nlohmann::ordered_json;
    ordered_json j;
    j["severity"] = to_string(finding.severity);
    j["code"] = finding.code;
    j["message_index"] =
        finding.message_index ? ordered_json(*finding.message_index) : ordered_json(nullptr);
    j["offset"] = finding.offset ? ordered_json(*finding.offset) : ordered_json(nullptr);
    j["text"] = finding.text;
    return j;
}

nlohmann::ordered_json to_json(const std::vector<Finding>& findings) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Finding& finding : findings) {
        list.push_back(to_json(finding));
    }
    return list;
}

std::string describe(const Finding& finding) {
    std::string where;
    if (finding.message_index) {
        where = fmt::format("message {}", *finding.message_index);
    }
    if (finding.offset) {
        where += fmt::format("{}byte {}", where.empty() ? "" : ", ", *finding.offset);
    }
    return fmt::format("{:<7} {}{}{}: {}", to_string(finding.severity), finding.code,
                       where.empty() ? "" : "  ", where, finding.text);
}

void print_json(const nlohmann::json& document) {
    // Invalid UTF-8 is replaced rather than thrown: texts may quote bytes from damaged files.
    fmt::print("{}\n", engine::json_text(document, 2));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment distance: Levenshtein plus swapping two neighbours, the most
    // common typo ("valdiate").
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (const auto& candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate);
        if (!best || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
    if (best && best_distance <= allowed) {
        return best;
    }
    return std::nullopt;
}

CatalogueLoad load_cli_catalogue(bool quiet) {
    auto load = engine::load_device_catalogue();
    if (!quiet) {
        for (const auto& problem : load.problems) {
            fmt::print(stderr, "warning: manifest skipped: {}\n", problem.to_string());
        }
    }
    // A raised gap is said on stderr even with --json: what a transfer would use must never be
    // a surprise (stdout stays one JSON document).
    for (const auto& notice : load.notices) {
        fmt::print(stderr, "note: {}\n", notice);
    }
    if (load.catalogue.empty() && !quiet) {
        const auto dirs = engine::manifest_dirs();
        fmt::print(stderr, "syxflash-cli: no device manifests found. Looked in:\n");
        for (const auto& dir :
             dirs.shipped.empty() ? engine::shipped_manifest_candidates() : dirs.shipped) {
            fmt::print(stderr, "  {}\n", dir.string());
        }
        for (const auto& dir : dirs.user) {
            fmt::print(stderr, "  {} (your own manifests)\n", dir.string());
        }
        fmt::print(stderr, "Set SYXFLASH_MANIFEST_DIR to a folder of *.toml manifests.\n");
    }
    return load;
}

const CatalogueEntry* find_device_or_explain(const Catalogue& catalogue, const std::string& id) {
    if (const auto* entry = catalogue.find(id)) {
        return entry;
    }
    std::string known;
    for (const auto& entry : catalogue.entries()) {
        known += fmt::format("  {:<20} {}\n", entry.manifest.id, entry.manifest.name);
    }
    fmt::print(stderr,
               "syxflash-cli: unknown device '{}'. Known devices:\n{}"
               "Use 'generic' for any other device (run 'syxflash-cli devices' for details).\n",
               id, known);
    return nullptr;
}

} // namespace syx::cli
