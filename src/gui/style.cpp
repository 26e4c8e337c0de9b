#include "gui/style.hpp"

#include <array>
#include <filesystem>

#include <imgui.h>

namespace syx::gui {

namespace {

ImFont* g_title_font = nullptr;

// Latin-1 plus the few typographic characters the texts use (dashes, quotes, ellipsis, arrows).
const ImWchar* glyph_ranges() {
    static const std::array<ImWchar, 13> ranges{0x0020, 0x00FF, 0x2013, 0x2014, 0x2018,
                                                0x201D, 0x2022, 0x2022, 0x2026, 0x2026,
                                                0x2190, 0x2193, 0};
    return ranges.data();
}

const char* find_system_font() {
    // fonts-dejavu-core is on every Debian desktop (and pulled in by our test packages); the
    // built-in ProggyClean bitmap font blurs when scaled for high-DPI screens.
    static constexpr std::array<const char*, 2> candidates{
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/local/share/fonts/DejaVuSans.ttf",
    };
    for (const char* path : candidates) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec)) {
            return path;
        }
    }
    return nullptr;
}

} // namespace

void apply_style(float scale) {
    if (!(scale > 0.5F && scale < 8.0F)) {
        scale = 1.0F;
    }
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const float body_px = 16.0F * scale;
    const float title_px = 24.0F * scale;
    ImFont* body = nullptr;
    if (const char* path = find_system_font()) {
        body = io.Fonts->AddFontFromFileTTF(path, body_px, nullptr, glyph_ranges());
        g_title_font = io.Fonts->AddFontFromFileTTF(path, title_px, nullptr, glyph_ranges());
    }
    if (body == nullptr || g_title_font == nullptr) {
        io.Fonts->Clear();
        ImFontConfig config;
        config.SizePixels = 13.0F * scale;
        body = io.Fonts->AddFontDefault(&config);
        ImFontConfig title_config;
        title_config.SizePixels = 20.0F * scale;
        g_title_font = io.Fonts->AddFontDefault(&title_config);
    }
    io.FontDefault = body;

    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    ImGui::StyleColorsDark(&style);
    style.WindowRounding = 0.0F;
    style.FrameRounding = 4.0F;
    style.FramePadding = ImVec2(10.0F, 6.0F);
    style.ItemSpacing = ImVec2(10.0F, 8.0F);
    style.WindowPadding = ImVec2(14.0F, 12.0F);
    style.ScaleAllSizes(scale);
}

ImFont* title_font() {
    // Only hand out the font if it belongs to the current context's atlas: tests create and
    // destroy contexts, and a font from a destroyed atlas must never be pushed.
    if (ImGui::GetCurrentContext() == nullptr || g_title_font == nullptr) {
        return nullptr;
    }
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    for (const ImFont* font : atlas->Fonts) {
        if (font == g_title_font) {
            return g_title_font;
        }
    }
    return nullptr;
}

} // namespace syx::gui
