#pragma once
// What a view asks for when the user clicks or types. Views only emit intents; the Controller
// applies them. The autopilot emits the very same intents, so it exercises the user's path.
#include <string>
#include <variant>

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
} // namespace intent

using Intent = std::variant<intent::GoTo, intent::Next, intent::Back, intent::SelectDevice,
                            intent::ReportProblem, intent::ToggleLog, intent::Quit>;

// Short description for logs and test failure messages ("next", "go to backup").
std::string describe(const Intent& value);

} // namespace syx::gui
