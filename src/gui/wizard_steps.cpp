#include "gui/wizard_steps.hpp"

namespace syx::gui {

const std::array<WizardStepInfo, kWizardStepCount>& wizard_steps() {
    static const std::array<WizardStepInfo, kWizardStepCount> steps{{
        {WizardStep::device, "Device", "Choose your instrument",
         "Pick the instrument you want to update. syxflash knows each supported device's "
         "firmware format, how fast it can receive, how to back up its presets and how to "
         "rescue it if an update goes wrong.",
         true},
        {WizardStep::connection, "Connection", "Pick the port (USB preferred)",
         "Choose how the computer talks to the instrument. The instrument's own USB port is "
         "best; a MIDI interface with 5-pin DIN cables works too but is slower, so syxflash "
         "sends more gently over it.",
         true},
        {WizardStep::backup, "Backup", "Save every preset first",
         "Before anything is sent, syxflash saves every preset from the instrument to your "
         "computer and checks the backup is complete. Firmware updates can erase presets; this "
         "is how you get them back.",
         true},
        {WizardStep::firmware, "Firmware", "Choose and check the file",
         "Choose the firmware file you downloaded. syxflash checks every message in it against "
         "what this instrument expects before a single byte is sent, and tells you exactly what "
         "is wrong if anything is.",
         true},
        {WizardStep::confirm, "Confirm", "Do not power off or unplug",
         "A last look at what will happen. Once the upload starts, do not switch the instrument "
         "off and do not unplug any cable until syxflash says it is finished.",
         true},
        {WizardStep::upload, "Upload", "Send with the device's pacing",
         "The firmware is sent message by message, with the pauses this instrument needs "
         "between them. Progress, time left and every message sent are shown here.",
         true},
        {WizardStep::verify, "Verify", "Check the new version",
         "syxflash asks the instrument which version it now runs, or asks you what its display "
         "shows, to make sure the update took.",
         true},
        {WizardStep::recovery, "Recovery", "Only if something went wrong",
         "If an update was interrupted or the instrument shows an error, this page walks you "
         "back step by step, following the recovery plan for your instrument.",
         true},
        {WizardStep::done, "Done", "Restore presets, save a report",
         "The update is finished. You can put your presets back and save a support bundle that "
         "records exactly what happened.",
         true},
        {WizardStep::library, "Library", "Your backups, by device",
         "Every backup syxflash has made, grouped by instrument. Restore one or export it as a "
         "plain .syx file that any other SysEx tool can read.",
         false},
        {WizardStep::tools, "Tools", "Send or receive any .syx file",
         "General SysEx tools: send a .syx file with a chosen pause between messages, or "
         "record what an instrument sends, like MIDI-OX's SysEx window.",
         false},
    }};
    return steps;
}

std::size_t step_index(WizardStep step) {
    return static_cast<std::size_t>(step);
}

const WizardStepInfo& step_info(WizardStep step) {
    return wizard_steps().at(step_index(step));
}

std::optional<WizardStep> next_step(WizardStep step) {
    switch (step) {
    case WizardStep::device:
        return WizardStep::connection;
    case WizardStep::connection:
        return WizardStep::backup;
    case WizardStep::backup:
        return WizardStep::firmware;
    case WizardStep::firmware:
        return WizardStep::confirm;
    case WizardStep::confirm:
        return WizardStep::upload;
    case WizardStep::upload:
        return WizardStep::verify;
    case WizardStep::verify:
    case WizardStep::recovery:
        return WizardStep::done;
    case WizardStep::done:
    case WizardStep::library:
    case WizardStep::tools:
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<WizardStep> previous_step(WizardStep step) {
    switch (step) {
    case WizardStep::device:
    case WizardStep::library:
    case WizardStep::tools:
        return std::nullopt;
    case WizardStep::connection:
        return WizardStep::device;
    case WizardStep::backup:
        return WizardStep::connection;
    case WizardStep::firmware:
        return WizardStep::backup;
    case WizardStep::confirm:
        return WizardStep::firmware;
    case WizardStep::upload:
        return WizardStep::confirm;
    case WizardStep::verify:
    case WizardStep::recovery:
    case WizardStep::done:
        return WizardStep::verify == step ? WizardStep::upload : WizardStep::verify;
    }
    return std::nullopt;
}

std::string_view step_slug(WizardStep step) {
    switch (step) {
    case WizardStep::device:
        return "device";
    case WizardStep::connection:
        return "connection";
    case WizardStep::backup:
        return "backup";
    case WizardStep::firmware:
        return "firmware";
    case WizardStep::confirm:
        return "confirm";
    case WizardStep::upload:
        return "upload";
    case WizardStep::verify:
        return "verify";
    case WizardStep::recovery:
        return "recovery";
    case WizardStep::done:
        return "done";
    case WizardStep::library:
        return "library";
    case WizardStep::tools:
        return "tools";
    }
    return "unknown";
}

} // namespace syx::gui
