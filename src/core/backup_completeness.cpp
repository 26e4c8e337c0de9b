#include "core/backup_completeness.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace syx {

CompletenessTracker::CompletenessTracker(const BackupProcedure& procedure)
    : m_procedure(&procedure) {}

std::vector<std::uint8_t> CompletenessTracker::wanted_indices() const {
    const auto& rule = m_procedure->completeness;
    std::vector<std::uint8_t> wanted;
    const unsigned step = std::max<unsigned>(rule.index_step, 1);
    for (unsigned v = rule.index_first; v <= rule.index_last; v += step) {
        wanted.push_back(static_cast<std::uint8_t>(v));
    }
    return wanted;
}

std::vector<int> CompletenessTracker::required_groups() const {
    std::vector<int> groups;
    const auto& rule = m_procedure->completeness;
    if (m_requires_all_groups) {
        for (int g = rule.required_groups_first; g <= rule.required_groups_last; ++g) {
            groups.push_back(g);
        }
    }
    return groups;
}

bool CompletenessTracker::add(std::span<const std::uint8_t> message) {
    const auto& rule = m_procedure->completeness;
    const auto kind = m_procedure->classify(message);
    if (!kind) {
        ++m_unexpected;
        return false;
    }
    ++m_matching;
    if (rule.kind != CompletenessKind::indexed) {
        return true;
    }
    // indexed counts the first [[backup.expect]] entry only (manifest README); other expected
    // messages (a K-Station global dump) belong to the backup without counting towards it.
    if (*kind != 0 || rule.index_offset >= message.size()) {
        return true;
    }
    const int group = rule.group_offset && *rule.group_offset < message.size()
                          ? message[static_cast<std::size_t>(*rule.group_offset)]
                          : -1;
    if (rule.required_groups_offset && *rule.required_groups_offset < message.size() &&
        message[static_cast<std::size_t>(*rule.required_groups_offset)] ==
            rule.required_groups_value) {
        m_requires_all_groups = true;
    }
    const auto index = message[static_cast<std::size_t>(rule.index_offset)];
    if (!m_seen[group].insert(index).second) {
        ++m_duplicates;
    }
    return true;
}

CompletenessVerdict CompletenessTracker::verdict() const {
    const auto& rule = m_procedure->completeness;
    CompletenessVerdict v;
    v.matching = m_matching;
    v.unexpected = m_unexpected;
    v.duplicates = m_duplicates;
    switch (rule.kind) {
    case CompletenessKind::single_message:
        v.expected = 1;
        v.complete = m_matching >= 1;
        v.summary = fmt::format("{} of 1 message", std::min<std::size_t>(m_matching, 1));
        break;
    case CompletenessKind::count:
        v.expected = static_cast<std::size_t>(rule.count);
        v.complete = m_matching == rule.count;
        v.summary = fmt::format("{} of {} messages", m_matching, rule.count);
        if (m_matching > rule.count) {
            v.missing = fmt::format("{} messages more than the {} expected",
                                    m_matching - rule.count, rule.count);
        }
        break;
    case CompletenessKind::user_says_done:
        v.complete = m_user_done && m_matching >= 1;
        v.summary = fmt::format("{} dump{} recorded", m_matching, m_matching == 1 ? "" : "s");
        if (!m_user_done) {
            v.missing = "waiting for you to say done";
        }
        break;
    case CompletenessKind::indexed: {
        const auto wanted = wanted_indices();
        std::map<int, std::set<std::uint8_t>> groups = m_seen;
        for (int g : required_groups()) {
            groups[g]; // required groups count even when nothing of them arrived
        }
        v.expected = wanted.size() * std::max<std::size_t>(groups.size(), 1);
        v.complete = !groups.empty();
        std::size_t counted = 0;
        std::string parts;
        for (const auto& [group, values] : groups) {
            std::size_t have = 0;
            std::string missing;
            for (auto w : wanted) {
                if (values.count(w) != 0) {
                    ++have;
                } else {
                    missing += fmt::format("{}{}", missing.empty() ? "" : ", ", w);
                }
            }
            counted += have;
            const std::string name = group >= 0 ? fmt::format("group {}", group) : "";
            parts += fmt::format("{}{}{}{} of {}", parts.empty() ? "" : "; ", name,
                                 name.empty() ? "" : ": ", have, wanted.size());
            if (!missing.empty()) {
                v.complete = false;
                v.missing += fmt::format("{}{}{}missing {}", v.missing.empty() ? "" : "; ", name,
                                         name.empty() ? "" : ": ", missing);
            }
        }
        if (groups.empty()) {
            v.missing = "nothing received yet";
            v.summary = fmt::format("0 of {}", wanted.size());
        } else {
            v.summary = fmt::format("{} of {} ({})", counted, v.expected, parts);
        }
        break;
    }
    }
    if (!rule.description.empty()) {
        v.summary += " — " + rule.description;
    }
    return v;
}

CompletenessVerdict check_completeness(const BackupProcedure& procedure,
                                       std::span<const std::span<const std::uint8_t>> messages,
                                       bool user_said_done) {
    CompletenessTracker tracker(procedure);
    for (const auto& m : messages) {
        tracker.add(m);
    }
    if (user_said_done) {
        tracker.user_said_done();
    }
    return tracker.verdict();
}

} // namespace syx
