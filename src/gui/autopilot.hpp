#pragma once
// Drives the wizard through the same intents a user's clicks produce. Today it walks every page
// that can be shown (the sessions do not exist yet); later it will run the real flow
// (backup → firmware → upload → verify → done) against the emulator.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gui/intent.hpp"
#include "gui/snapshot.hpp"
#include "gui/ui_model.hpp"

namespace syx::gui {

class Autopilot {
public:
    Autopilot();

    // The next intent to apply, or nullopt when finished or failed. Call once the current page
    // has been drawn (and photographed).
    std::optional<Intent> next(const UiModel& model, const Snapshot& snapshot);

    [[nodiscard]] bool finished() const { return m_finished; }
    [[nodiscard]] bool failed() const { return !m_failure.empty(); }
    [[nodiscard]] const std::string& failure() const { return m_failure; }
    // The pages the autopilot must see, in order.
    [[nodiscard]] const std::vector<WizardStep>& plan() const { return m_plan; }

private:
    std::vector<WizardStep> m_plan;
    std::size_t m_position = 0;
    std::optional<WizardStep> m_expected;
    bool m_finished = false;
    std::string m_failure;
};

} // namespace syx::gui
