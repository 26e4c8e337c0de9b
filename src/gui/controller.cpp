#include "gui/controller.hpp"

#include <algorithm>
#include <type_traits>

#include <fmt/core.h>

namespace syx::gui {

namespace {

bool beside_flow(WizardStep step) {
    return !step_info(step).in_flow;
}

bool reached(const UiModel& model, WizardStep step) {
    return step_index(step) <= step_index(model.furthest);
}

} // namespace

std::string describe(const Intent& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, intent::GoTo>) {
                return fmt::format("go to {}", step_slug(v.step));
            } else if constexpr (std::is_same_v<T, intent::Next>) {
                return "next";
            } else if constexpr (std::is_same_v<T, intent::Back>) {
                return "back";
            } else if constexpr (std::is_same_v<T, intent::SelectDevice>) {
                return fmt::format("select device {}", v.id);
            } else if constexpr (std::is_same_v<T, intent::ReportProblem>) {
                return "report a problem";
            } else if constexpr (std::is_same_v<T, intent::ToggleLog>) {
                return "toggle log";
            } else {
                return "quit";
            }
        },
        value);
}

bool is_reachable(const UiModel& model, const Snapshot& snapshot, WizardStep step) {
    if (snapshot.transfer_running) {
        // Leaving the Upload page mid-transfer would hide the one page that matters.
        return step == model.current;
    }
    switch (step) {
    case WizardStep::library:
    case WizardStep::tools:
    case WizardStep::device:
        return true;
    case WizardStep::recovery:
        // Someone holding a half-flashed unit picks the device and goes straight here.
        return model.recovery_open || step_index(model.furthest) > step_index(WizardStep::device);
    default:
        return reached(model, step);
    }
}

PageGate page_gate(const UiModel& model, const Snapshot& snapshot, WizardStep step) {
    if (snapshot.transfer_running) {
        return {false, "Wait until the upload has finished."};
    }
    if (!next_step(step)) {
        return {false, beside_flow(step) ? "" : "This is the last page."};
    }
    if (snapshot.preview()) {
        // Without sessions nothing can be done on any page, so there is nothing to wait for:
        // the user may walk ahead to see what each step will do. Pages say plainly that they
        // are a preview; no page claims that anything happened.
        return {true, ""};
    }
    if (step == WizardStep::device) {
        if (!model.selected_device) {
            return {false, "Choose a device first."};
        }
        return {true, ""};
    }
    // The real gates (port chosen, backup verified, file valid, upload finished, version
    // checked) are decided by the sessions; until they publish that state, nothing opens.
    return {false, "Waiting for the engine to finish this step."};
}

bool can_go_back(const UiModel& model, const Snapshot& snapshot) {
    if (snapshot.transfer_running) {
        return false;
    }
    return beside_flow(model.current) || previous_step(model.current).has_value();
}

void Controller::show(WizardStep step) {
    if (step != m_model.current) {
        m_model.current = step;
        m_model.visited.push_back(step);
    }
}

bool Controller::apply(const Intent& value, const Snapshot& snapshot) {
    return std::visit(
        [&](const auto& v) -> bool {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, intent::GoTo>) {
                if (!is_reachable(m_model, snapshot, v.step)) {
                    return false;
                }
                if (beside_flow(v.step) && !beside_flow(m_model.current)) {
                    m_model.return_step = m_model.current;
                }
                show(v.step);
                return true;
            } else if constexpr (std::is_same_v<T, intent::Next>) {
                const auto next = next_step(m_model.current);
                if (!next || !page_gate(m_model, snapshot, m_model.current).can_continue) {
                    return false;
                }
                if (!reached(m_model, *next)) {
                    m_model.furthest = *next;
                }
                show(*next);
                return true;
            } else if constexpr (std::is_same_v<T, intent::Back>) {
                if (!can_go_back(m_model, snapshot)) {
                    return false;
                }
                show(beside_flow(m_model.current) ? m_model.return_step
                                                  : *previous_step(m_model.current));
                return true;
            } else if constexpr (std::is_same_v<T, intent::SelectDevice>) {
                if (snapshot.transfer_running) {
                    return false;
                }
                const bool known =
                    std::any_of(snapshot.devices.begin(), snapshot.devices.end(),
                                [&](const DeviceCard& card) { return card.id == v.id; });
                if (!known) {
                    return false;
                }
                m_model.selected_device = v.id;
                return true;
            } else if constexpr (std::is_same_v<T, intent::ReportProblem>) {
                if (snapshot.transfer_running) {
                    return false;
                }
                m_model.recovery_open = true;
                show(WizardStep::recovery);
                return true;
            } else if constexpr (std::is_same_v<T, intent::ToggleLog>) {
                m_model.show_log = !m_model.show_log;
                return true;
            } else {
                if (snapshot.transfer_running) {
                    // Quitting mid-upload is a cancel with consequences; the Upload page asks.
                    return false;
                }
                m_model.quit_requested = true;
                return true;
            }
        },
        value);
}

} // namespace syx::gui
