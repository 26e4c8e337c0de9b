#pragma once
// Which wizard page owns the running session's open question (issue 7): the update session's
// "what does the display show?" belongs on Verify — the firmware has gone out and the instrument
// restarted — not on Upload, where the progress bar says 100 %. The views draw a question only
// on its page (elsewhere they point to it), the Upload page lets the user walk on to Verify
// while the update checks the device, and the autopilot goes where a person would.
#include <optional>

#include "gui/snapshot.hpp"
#include "gui/wizard_steps.hpp"

namespace syx::gui {

// True while an update session is past its transfer and checking the device (the "verify"
// phase, or the restore offer that follows a verified update).
[[nodiscard]] bool update_verifying(const Snapshot& snapshot);

// The page that shows the open question of the running session; nullopt when there is no
// question or when it belongs wherever the user is (a restore started from Done or Library).
[[nodiscard]] std::optional<WizardStep> question_page(const Snapshot& snapshot);

} // namespace syx::gui
