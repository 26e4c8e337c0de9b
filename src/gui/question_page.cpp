#include "gui/question_page.hpp"

namespace syx::gui {

bool update_verifying(const Snapshot& snapshot) {
    const auto& run = snapshot.flow.run;
    return run && run->session == RunKind::update && !run->finished && !snapshot.transfer_running &&
           (run->phase == RunPhase::verify || run->phase == RunPhase::restore);
}

std::optional<WizardStep> question_page(const Snapshot& snapshot) {
    const auto& run = snapshot.flow.run;
    if (!run || !run->question) {
        return std::nullopt;
    }
    if (run->session == RunKind::update) {
        return update_verifying(snapshot) ? WizardStep::verify : WizardStep::upload;
    }
    if (run->session == RunKind::backup) {
        return WizardStep::backup;
    }
    if (run->session == RunKind::recover) {
        return WizardStep::recovery;
    }
    return std::nullopt;
}

} // namespace syx::gui
