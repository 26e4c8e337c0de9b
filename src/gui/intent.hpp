#pragma once
// What a view asks for when the user clicks or types. Views only emit intents; the Controller
// applies them. The autopilot emits the very same intents, so it exercises the user's path.
#include <string>
#include <variant>
#include <vector>

#include "gui/wizard_steps.hpp"

namespace syx::gui {

namespace intent {
struct GoTo {
    WizardStep step;
};
struct Next {};
struct Back {};
struct SelectDevice {
    std::string id;
};
// "Something went wrong": leave the straight path for Recovery.
struct ReportProblem {};
struct ToggleLog {};
struct Quit {};

// ---- Engine intents: the Controller hands these to the WizardEngine (its worker does the work).
struct ChooseLink {
    std::string link; // "usb" | "din"
};
struct StartBackup {};
// Skipping the backup needs the typed phrase; the decision is logged.
struct SkipBackup {
    std::string typed;
};
struct ChooseFirmware {
    std::string path;
};
// Simulated mode: a firmware file the emulated device accepts, written to a temp folder.
struct UsePracticeFirmware {};
// An unknown release needs the typed phrase before it may be sent.
struct ConfirmUnknownRelease {
    std::string typed;
};
struct StartUpload {};
struct StartRecovery {};
// The answer to the open question of the running session.
struct Answer {
    std::string question_id;
    std::string choice_id;
    std::string text;
};
struct Cancel {};
// The emulated device's front panel (simulated mode).
struct PressButton {
    std::string id;
};
struct PowerCycle {
    std::vector<std::string> held;
};
struct ArmFault {
    std::string spec; // "power-loss-at=50%", as for --fault
};
struct ClearFaults {};
struct RestoreBackup {
    std::string file;
};
struct SaveSupportBundle {};
struct RefreshLibrary {};
// The Firmware page's file browser: list this folder (the engine reads it, not the view).
struct BrowseFolder {
    std::string path;
};
// The start-up offer for an interrupted update: recover it now (the Recovery page for that
// device, with the journal's firmware file) or later (asked again at the next start).
struct RecoverInterrupted {
    std::string session;
    std::string device_id;
};
struct DismissInterrupted {
    std::string session;
};
} // namespace intent

using Intent =
    std::variant<intent::GoTo, intent::Next, intent::Back, intent::SelectDevice,
                 intent::ReportProblem, intent::ToggleLog, intent::Quit, intent::ChooseLink,
                 intent::StartBackup, intent::SkipBackup, intent::ChooseFirmware,
                 intent::UsePracticeFirmware, intent::ConfirmUnknownRelease, intent::StartUpload,
                 intent::StartRecovery, intent::Answer, intent::Cancel, intent::PressButton,
                 intent::PowerCycle, intent::ArmFault, intent::ClearFaults, intent::RestoreBackup,
                 intent::SaveSupportBundle, intent::RefreshLibrary, intent::BrowseFolder,
                 intent::RecoverInterrupted, intent::DismissInterrupted>;

// True for intents the engine carries out (the Controller forwards them).
bool is_engine_intent(const Intent& value);

// Short description for logs and test failure messages ("next", "go to backup").
std::string describe(const Intent& value);

} // namespace syx::gui
