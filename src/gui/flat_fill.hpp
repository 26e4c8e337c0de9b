#pragma once
// Opaque backgrounds (the sidebar, the simulated panel, the status bar) filled the cheap way.
// With a software rasteriser (Mesa llvmpipe: no GPU driver, Xvfb, remote desktops) every
// triangle pixel is texture-sampled and blended, so a window-sized background costs as much as
// all the text on it; a scissored glClear fills the same pixels at memory speed. The app installs
// a renderer callback that does that clear (main.cpp, the only OpenGL code); without one
// (headless tests) the rectangle is drawn as an ordinary filled rectangle, which looks the same.
#include <imgui.h>

namespace syx::gui {

// The renderer's fill: called by the OpenGL backend with the command whose ClipRect is the
// rectangle and whose colour flat_fill_colour() returns.
void set_flat_fill_callback(ImDrawCallback callback);

// Fills [min, max] with an opaque colour in `list`, beneath whatever child windows draw there
// (child windows' draw lists are rendered after their parent's).
void fill_flat(ImDrawList& list, ImVec2 min, ImVec2 max, const ImVec4& colour);

// The packed colour carried by a fill command.
[[nodiscard]] ImU32 flat_fill_colour(const ImDrawCmd& cmd);

} // namespace syx::gui
