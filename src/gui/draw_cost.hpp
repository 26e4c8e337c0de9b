#pragma once
// What a frame costs a software rasteriser (Mesa llvmpipe under Xvfb, and any machine without a
// GPU driver): every triangle's pixels are shaded and blended, so the figure that matters is how
// many pixels the draw lists cover — overdraw included — not how many widgets there are.
// Printed by the bench mode next to the frame times.
#include <imgui.h>

namespace syx::gui {

// Pixels covered by all triangles of `data`, each clamped to its command's clip rectangle
// (exact for ImGui's axis-aligned quads, an upper bound for the rest).
[[nodiscard]] double covered_pixels(const ImDrawData& data);

} // namespace syx::gui
