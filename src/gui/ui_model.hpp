#pragma once
// State that belongs to the UI alone (which page is shown, what the user picked), as opposed to
// the Snapshot, which is what the engine knows. Only the Controller changes it.
#include <optional>
#include <string>
#include <vector>

#include "gui/wizard_steps.hpp"

namespace syx::gui {

struct UiModel {
    WizardStep current = WizardStep::device;
    // Furthest page reached on the update path; pages beyond it are disabled in the sidebar.
    WizardStep furthest = WizardStep::device;
    // Where Back leads from Library/Tools: the wizard page the user left.
    WizardStep return_step = WizardStep::device;
    // Set once the user reported a problem (or, later, a session failed): Recovery is open.
    bool recovery_open = false;
    std::optional<std::string> selected_device;
    bool show_log = false;
    bool quit_requested = false;
    // Every page shown, in order (the autopilot and tests read it).
    std::vector<WizardStep> visited{WizardStep::device};
};

} // namespace syx::gui
