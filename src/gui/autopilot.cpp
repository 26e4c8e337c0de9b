#include "gui/autopilot.hpp"

#include <fmt/core.h>

#include "gui/controller.hpp"

namespace syx::gui {

Autopilot::Autopilot()
    : m_plan{WizardStep::device,  WizardStep::connection, WizardStep::backup, WizardStep::firmware,
             WizardStep::confirm, WizardStep::upload,     WizardStep::verify, WizardStep::recovery,
             WizardStep::done,    WizardStep::library,    WizardStep::tools} {}

std::optional<Intent> Autopilot::next(const UiModel& model, const Snapshot& snapshot) {
    if (m_finished || failed()) {
        return std::nullopt;
    }
    if (m_expected && model.current != *m_expected) {
        m_failure = fmt::format("expected the {} page but the wizard shows {}",
                                step_slug(*m_expected), step_slug(model.current));
        return std::nullopt;
    }
    if (model.current == WizardStep::device && !model.selected_device &&
        !snapshot.devices.empty()) {
        // Choose an instrument first, as a user would, and stay on this page.
        m_expected = WizardStep::device;
        return intent::SelectDevice{snapshot.devices.front().id};
    }
    if (model.current == m_plan[m_position]) {
        ++m_position;
    }
    if (m_position >= m_plan.size()) {
        m_finished = true;
        return intent::Quit{};
    }
    const WizardStep target = m_plan[m_position];
    m_expected = target;
    // Prefer what a user would press on the page: Next along the path, the "something went
    // wrong" button for Recovery, the sidebar otherwise.
    if (next_step(model.current) == target &&
        page_gate(model, snapshot, model.current).can_continue) {
        return intent::Next{};
    }
    if (target == WizardStep::recovery) {
        return intent::ReportProblem{};
    }
    if (!is_reachable(model, snapshot, target)) {
        m_failure =
            fmt::format("the {} page cannot be reached from {}: {}", step_slug(target),
                        step_slug(model.current), page_gate(model, snapshot, model.current).reason);
        return std::nullopt;
    }
    return intent::GoTo{target};
}

} // namespace syx::gui
