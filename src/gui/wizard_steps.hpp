#pragma once
// The wizard's pages in the order a user walks them (DESIGN.md §7).
#include <array>
#include <string_view>

namespace syx::gui {

enum class WizardStep { device, connection, backup, firmware, confirm, upload, verify, recovery, done };

struct WizardStepInfo {
    WizardStep step;
    std::string_view title;
    std::string_view summary;
};

const std::array<WizardStepInfo, 9>& wizard_steps();

} // namespace syx::gui
