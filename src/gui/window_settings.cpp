#include "gui/window_settings.hpp"

#include <cstdio>
#include <cstring>

#include <imgui.h>
#include <imgui_internal.h>

namespace syx::gui {

namespace {

constexpr const char* kTypeName = "Syxflash";

void* read_open(ImGuiContext*, ImGuiSettingsHandler* handler, const char* name) {
    // One entry, [Syxflash][Window]; anything else in our section is ignored.
    return std::strcmp(name, "Window") == 0 ? handler->UserData : nullptr;
}

void read_line(ImGuiContext*, ImGuiSettingsHandler*, void* entry, const char* line) {
    auto* settings = static_cast<WindowSettings*>(entry);
    int width = 0;
    int height = 0;
    // A hand-edited or damaged file must not produce a zero-sized or absurd window.
    if (std::sscanf(line, "Size=%d,%d", &width, &height) == 2 && width >= 200 && height >= 150 &&
        width <= 16384 && height <= 16384) {
        settings->width = width;
        settings->height = height;
    }
}

void write_all(ImGuiContext*, ImGuiSettingsHandler* handler, ImGuiTextBuffer* out) {
    const auto* settings = static_cast<const WindowSettings*>(handler->UserData);
    if (settings->width <= 0 || settings->height <= 0) {
        return;
    }
    out->appendf("[%s][Window]\nSize=%d,%d\n\n", kTypeName, settings->width, settings->height);
}

} // namespace

void register_window_settings(WindowSettings* settings) {
    ImGuiSettingsHandler handler;
    handler.TypeName = kTypeName;
    handler.TypeHash = ImHashStr(kTypeName);
    handler.ReadOpenFn = read_open;
    handler.ReadLineFn = read_line;
    handler.WriteAllFn = write_all;
    handler.UserData = settings;
    ImGui::GetCurrentContext()->SettingsHandlers.push_back(handler);
}

} // namespace syx::gui
