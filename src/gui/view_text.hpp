#pragma once
// Text helpers and colours every page uses, so the pages say things the same way: wrapped
// plain language, and one colour per meaning (warning, notice, danger, good).
#include <string_view>

#include <imgui.h>

namespace syx::gui {

inline const ImVec4 kWarningColour{1.0F, 0.78F, 0.30F, 1.0F};
inline const ImVec4 kNoticeColour{0.55F, 0.78F, 1.0F, 1.0F};
inline const ImVec4 kDangerColour{1.0F, 0.45F, 0.40F, 1.0F};
inline const ImVec4 kGoodColour{0.50F, 0.90F, 0.55F, 1.0F};

// Text wrapped at the right edge of the current window or column.
void wrapped(std::string_view text);
// Wrapped text in a colour.
void coloured(const ImVec4& colour, std::string_view text);

// A bordered box on its own background that grows to fit what is drawn in it, so its buttons
// are never cut off or scrolled out of sight (children in ImGui 1.86 have a fixed height). The
// height measured at the end of one frame is used by the next; the first frame guesses
// `first_guess_lines` lines. The box is a child window named `id`. Pair with end_fitted_box().
void begin_fitted_box(const char* id, const ImVec4& background, float first_guess_lines);
void end_fitted_box();

} // namespace syx::gui
