#include "gui/screenshot.hpp"

#include <vector>

#include <GLFW/glfw3.h>
#include <fmt/core.h>
#include <stb_image_write.h>

namespace syx::gui {

Status save_framebuffer_png(const std::filesystem::path& path, int width, int height) {
    if (width <= 0 || height <= 0) {
        return make_error(ErrorCode::internal, "the window has no pixels to save");
    }
    const auto row_bytes = static_cast<std::size_t>(width) * 3U;
    std::vector<unsigned char> pixels(row_bytes * static_cast<std::size_t>(height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    if (const GLenum gl_error = glGetError(); gl_error != GL_NO_ERROR) {
        return make_error(
            ErrorCode::internal,
            fmt::format("reading the window's pixels failed (OpenGL error 0x{:x})", gl_error));
    }
    stbi_flip_vertically_on_write(1);
    const int written =
        stbi_write_png(path.c_str(), width, height, 3, pixels.data(), static_cast<int>(row_bytes));
    stbi_flip_vertically_on_write(0);
    if (written == 0) {
        return make_error(ErrorCode::io, fmt::format("could not write {}; check that the folder "
                                                     "exists and is writable",
                                                     path.string()));
    }
    return Ok{};
}

} // namespace syx::gui
