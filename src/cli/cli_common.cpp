#include "cli/cli_common.hpp"

#include <fmt/core.h>

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

} // namespace syx::cli
