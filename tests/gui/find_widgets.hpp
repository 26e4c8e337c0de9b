#pragma once
// Test helpers for headless view tests: find a child window drawn this frame, and click every
// button inside a rectangle (found by hovering, as a mouse would) to see what each emits.
#include <set>
#include <string_view>
#include <vector>

#include "headless_imgui.hpp"
#include <imgui.h>
#include <imgui_internal.h>

namespace syx::gui::test {

// A child window drawn in the last frame whose name contains "/<name>_" (ImGui names children
// "Parent/name_ID").
inline const ImGuiWindow* drawn_child(std::string_view name) {
    const std::string key = "/" + std::string(name) + "_";
    for (const ImGuiWindow* window : GImGui->Windows) {
        if (window->Active && std::string_view(window->Name).find(key) != std::string_view::npos) {
            return window;
        }
    }
    return nullptr;
}

// Hovers the rectangle on a grid; wherever a new item lights up, clicks it (press and release)
// and keeps what the click emitted. Returns every intent, in the order found.
inline std::vector<Intent> click_everything_in(HeadlessImGui& imgui, const UiModel& model,
                                               const Snapshot& snapshot, ImRect area) {
    ImGuiIO& io = ImGui::GetIO();
    std::vector<Intent> found;
    std::set<ImGuiID> clicked;
    for (float y = area.Min.y + 3.0F; y < area.Max.y; y += 5.0F) {
        for (float x = area.Min.x + 3.0F; x < area.Max.x; x += 10.0F) {
            io.MousePos = ImVec2(x, y);
            io.MouseDown[0] = false;
            imgui.frame(model, snapshot);
            const ImGuiID hovered = GImGui->HoveredId;
            if (hovered == 0 || !clicked.insert(hovered).second) {
                continue;
            }
            for (const bool down : {true, false}) {
                io.MouseDown[0] = down;
                for (auto& value : imgui.frame(model, snapshot)) {
                    found.push_back(std::move(value));
                }
            }
            // A text field stays active after a click and would keep every item after it from
            // being hovered; a user clicks elsewhere, which this stands for.
            ImGui::ClearActiveID();
        }
    }
    io.MousePos = ImVec2(-1.0F, -1.0F);
    io.MouseDown[0] = false;
    imgui.frame(model, snapshot);
    return found;
}

} // namespace syx::gui::test
