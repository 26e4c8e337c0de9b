#pragma once
// Saving what the window shows as a PNG, read back from the OpenGL framebuffer.
#include <filesystem>

#include "core/result.hpp"

namespace syx::gui {

// Reads the current GL context's back buffer (call after rendering, before swapping) and writes
// it as an RGB PNG. Rows are flipped: OpenGL's origin is bottom-left, PNG's top-left.
Status save_framebuffer_png(const std::filesystem::path& path, int width, int height);

} // namespace syx::gui
