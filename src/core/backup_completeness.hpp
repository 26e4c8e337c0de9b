#pragma once
// Backup completeness (issue 6): applies a manifest's [backup.completeness] rule to the messages
// received so far, incrementally, so a manual dump can show a live count and end as soon as the
// set is complete — and so a backup file given with --backup can be checked the same way.
//
// Rules (core/manifest.hpp CompletenessRule):
//   single-message   one message matching [[backup.expect]] (LP bulk dump)
//   count            exactly `count` matching messages
//   indexed          one message per index value at index_offset (K-Station P = 0, 2 … 98), for
//                    every group seen at group_offset (bank B); when the byte at
//                    required_groups_offset equals required_groups_value, every group listed in
//                    required_groups must be complete (K-Station all-banks dump: C=1 → banks 1–4)
//   user-says-done   record-many: complete once the user says done and ≥ 1 dump arrived
// A message that matches no [[backup.expect]] entry is counted as unexpected and never makes a
// backup complete.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/manifest.hpp"

namespace syx {

struct CompletenessVerdict {
    bool complete = false;
    std::size_t matching = 0;   // messages that belong to the backup
    std::size_t unexpected = 0; // messages matching no [[backup.expect]] entry
    std::size_t duplicates = 0; // indexed: the same index of the same group again
    std::size_t expected = 0;   // messages needed so far (0 = open-ended)
    std::string summary;        // "37 of 50 program pair dumps (bank 1)"
    std::string missing;        // "bank 2: P = 4, 6" — empty when complete
};

class CompletenessTracker {
public:
    explicit CompletenessTracker(const BackupProcedure& procedure);

    // Counts one received message; returns whether it belongs to the backup.
    bool add(std::span<const std::uint8_t> message);
    // record-many: the user ended the session.
    void user_said_done() { m_user_done = true; }

    [[nodiscard]] CompletenessVerdict verdict() const;
    [[nodiscard]] bool complete() const { return verdict().complete; }

private:
    [[nodiscard]] std::vector<std::uint8_t> wanted_indices() const;
    [[nodiscard]] std::vector<int> required_groups() const;

    const BackupProcedure* m_procedure;
    std::size_t m_matching = 0;
    std::size_t m_unexpected = 0;
    std::size_t m_duplicates = 0;
    bool m_user_done = false;
    // indexed rule: index values seen per group (-1 = no group byte)
    std::map<int, std::set<std::uint8_t>> m_seen;
    bool m_requires_all_groups = false;
};

// The verdict for a whole backup (e.g. a file given with --backup), as if received in order.
// `user_said_done` applies to record-many backups (a saved record-many file counts as done).
[[nodiscard]] CompletenessVerdict
check_completeness(const BackupProcedure& procedure,
                   std::span<const std::span<const std::uint8_t>> messages,
                   bool user_said_done = true);

} // namespace syx
