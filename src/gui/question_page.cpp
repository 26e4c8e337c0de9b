#include "gui/question_page.hpp"

namespace syx::gui {

bool update_verifying(const Snapshot& snapshot) {
    const auto& run = snapshot.flow.run;
    return run && run->session == "update" && !run->finished && !snapshot.transfer_running &&
           (run->progress.phase == "verify" || run->progress.phase == "restore");
}

std::optional<WizardStep> question_page(const Snapshot& snapshot) {
    const auto& run = snapshot.flow.run;
    if (!run || !run->question) {
        return std::nullopt;
    }
    if (run->session == "update") {
        return update_verifying(snapshot) ? WizardStep::verify : WizardStep::upload;
    }
    if (run->session == "backup") {
        return WizardStep::backup;
    }
    if (run->session == "recover") {
        return WizardStep::recovery;
    }
    return std::nullopt;
}

} // namespace syx::gui
