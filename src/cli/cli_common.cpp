#include "cli/cli_common.hpp"

#include <fmt/core.h>

#include "engine/data_paths.hpp"

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
    // Replace invalid UTF-8 rather than throwing: texts may quote bytes from damaged files.
    fmt::print("{}\n", document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

CatalogueLoad load_cli_catalogue(bool quiet) {
    auto load = engine::load_device_catalogue();
    if (!quiet) {
        for (const auto& problem : load.problems) {
            fmt::print(stderr, "warning: manifest skipped: {}\n", problem.to_string());
        }
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
