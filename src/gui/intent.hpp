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
// ---- Hardware mode (appended; engine intents).
// List the MIDI ports again (after plugging something in).
struct Rescan {};
// Send the Identity Request on every candidate output and show who answered.
struct DetectDevices {};
// Use this output port (with its paired input). A DIN interface while the device's own USB port
// is connected needs confirm_din (the second click, after the warning).
struct ChoosePort {
    std::string output;
    bool confirm_din = false;
};
// Loopback self-test on an interface whose MIDI OUT is cabled to its MIDI IN.
struct RunSelfTest {
    std::string output;
};
// ---- Tools page and Library export (appended: keep the variant order stable).
// Choose the file the Tools page sends (the engine reads and checks it).
struct ToolsChooseFile {
    std::string path;
};
// Send a .syx file to the chosen port with this gap after every message, over this link.
struct ToolsSend {
    std::string path;
    int gap_ms = 150;
    std::string link; // "usb" | "din"
};
// Record dumps until the line is idle this long, then save them as a new file.
struct ToolsReceive {
    int idle_ms = 2000;
};
// One documented MIDIFly setting (core/midifly_settings.hpp id) with its channel byte 0–15.
struct SendMidiflySetting {
    std::string setting;
    int channel = 0;
};
// Copy a library backup (.syx + sidecar) into a folder, never overwriting.
struct ExportBackup {
    std::string file;
    std::string folder;
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
                 intent::Rescan, intent::DetectDevices, intent::ChoosePort, intent::RunSelfTest,

                 intent::ToolsChooseFile, intent::ToolsSend, intent::ToolsReceive,
                 intent::SendMidiflySetting, intent::ExportBackup,

                 intent::RecoverInterrupted, intent::DismissInterrupted>;

// True for intents the engine carries out (the Controller forwards them).
bool is_engine_intent(const Intent& value);

// Short description for logs and test failure messages ("next", "go to backup").
std::string describe(const Intent& value);

} // namespace syx::gui
