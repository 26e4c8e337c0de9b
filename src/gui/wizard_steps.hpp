#pragma once
// The wizard's pages in the order a user walks them (DESIGN.md §7), plus the two pages that sit
// beside the flow (Library, Tools).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace syx::gui {

enum class WizardStep {
    device,
    connection,
    backup,
    firmware,
    confirm,
    upload,
    verify,
    recovery,
    done,
    library,
    tools,
};

inline constexpr std::size_t kWizardStepCount = 11;

struct WizardStepInfo {
    WizardStep step;
    std::string_view title;
    // One line for the sidebar tooltip and the autopilot log.
    std::string_view summary;
    // Plain-language explanation at the top of the page: what this step is for and why.
    std::string_view explanation;
    // True for the pages on the update path; Library and Tools sit beside it.
    bool in_flow;
};

const std::array<WizardStepInfo, kWizardStepCount>& wizard_steps();
const WizardStepInfo& step_info(WizardStep step);
std::size_t step_index(WizardStep step);

// The page after / before `step` on the update path. Recovery is off the straight path: it is
// entered from Verify (or any failure) and leads on to Done; Verify's "next" is Done.
std::optional<WizardStep> next_step(WizardStep step);
std::optional<WizardStep> previous_step(WizardStep step);

// File-name-safe lower-case name ("device", "library") for screenshots and logs.
std::string_view step_slug(WizardStep step);

} // namespace syx::gui
