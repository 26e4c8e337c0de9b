#pragma once
// The wizard's views: free functions of (UI model, snapshot) that draw with Dear ImGui and return
// the intents the user's clicks produced. No view touches a port, a file or the clock.
#include <vector>

#include "gui/intent.hpp"
#include "gui/snapshot.hpp"
#include "gui/ui_model.hpp"

namespace syx::gui {

// The whole window: sidebar, current page, status bar, and the log window when shown.
std::vector<Intent> draw_wizard(const UiModel& model, const Snapshot& snapshot);

std::vector<Intent> draw_sidebar(const UiModel& model, const Snapshot& snapshot);
// Title, explanation, banners, the page's own content and Back/Next.
std::vector<Intent> draw_page(const UiModel& model, const Snapshot& snapshot);
std::vector<Intent> draw_status_bar(const UiModel& model, const Snapshot& snapshot);
std::vector<Intent> draw_log_window(const UiModel& model, const Snapshot& snapshot);

} // namespace syx::gui
