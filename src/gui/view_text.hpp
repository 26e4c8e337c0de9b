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

} // namespace syx::gui
