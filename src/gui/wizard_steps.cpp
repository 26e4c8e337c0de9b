#include "gui/wizard_steps.hpp"

namespace syx::gui {

const std::array<WizardStepInfo, 9>& wizard_steps() {
    static const std::array<WizardStepInfo, 9> steps{{
        {WizardStep::device, "Device", "Choose your instrument"},
        {WizardStep::connection, "Connection", "Pick the port (USB preferred)"},
        {WizardStep::backup, "Backup", "Save every preset first"},
        {WizardStep::firmware, "Firmware", "Choose and check the file"},
        {WizardStep::confirm, "Confirm", "Do not power off or unplug"},
        {WizardStep::upload, "Upload", "Send with the device's pacing"},
        {WizardStep::verify, "Verify", "Check the new version"},
        {WizardStep::recovery, "Recovery", "Only if something went wrong"},
        {WizardStep::done, "Done", "Restore presets, save a report"},
    }};
    return steps;
}

} // namespace syx::gui
