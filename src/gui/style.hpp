#pragma once
// Look and size of the UI: fonts and spacing scaled by the monitor's content scale (DPI).
struct ImFont;

namespace syx::gui {

// Loads the body and title fonts at `scale` into the current ImGui context's atlas (a system
// DejaVu Sans when present, else ImGui's built-in font) and scales the style to match.
// Call before the first frame; the atlas is built by the renderer backend or by Build().
void apply_style(float scale);

// The larger font for page titles, or nullptr before apply_style (headless tests).
ImFont* title_font();

} // namespace syx::gui
