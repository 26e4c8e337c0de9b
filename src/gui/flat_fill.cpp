#include "gui/flat_fill.hpp"

#include <cstdint>

namespace syx::gui {

namespace {

ImDrawCallback g_callback = nullptr;

} // namespace

void set_flat_fill_callback(ImDrawCallback callback) {
    g_callback = callback;
}

void fill_flat(ImDrawList& list, ImVec2 min, ImVec2 max, const ImVec4& colour) {
    const ImU32 packed = ImGui::ColorConvertFloat4ToU32(ImVec4(colour.x, colour.y, colour.z, 1.0F));
    if (g_callback == nullptr) {
        list.AddRectFilled(min, max, packed);
        return;
    }
    // The command's clip rectangle carries the area; its user data the colour.
    list.PushClipRect(min, max, false);
    list.AddCallback(g_callback, reinterpret_cast<void*>(static_cast<std::uintptr_t>(packed)));
    list.PopClipRect();
}

ImU32 flat_fill_colour(const ImDrawCmd& cmd) {
    return static_cast<ImU32>(reinterpret_cast<std::uintptr_t>(cmd.UserCallbackData));
}

} // namespace syx::gui
