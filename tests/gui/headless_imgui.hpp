#pragma once
// An ImGui context without a window: enough to run the views and check what they draw.
#include <vector>

#include <imgui.h>

#include "gui/intent.hpp"
#include "gui/snapshot.hpp"
#include "gui/ui_model.hpp"
#include "gui/views.hpp"

namespace syx::gui::test {

class HeadlessImGui {
public:
    explicit HeadlessImGui(ImVec2 size = ImVec2(1280.0F, 800.0F)) {
        m_context = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr; // tests never write settings
        io.DisplaySize = size;
        io.DeltaTime = 1.0F / 60.0F;
        io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
        // Keyboard navigation needs a key map, as the GLFW backend provides in the app.
        for (int key = 0; key < ImGuiKey_COUNT; ++key) {
            io.KeyMap[key] = key;
        }
    }
    ~HeadlessImGui() { ImGui::DestroyContext(m_context); }
    HeadlessImGui(const HeadlessImGui&) = delete;
    HeadlessImGui& operator=(const HeadlessImGui&) = delete;

    // Builds the font atlas (the renderer backend does this in the app).
    static void build_fonts() {
        unsigned char* pixels = nullptr;
        int width = 0;
        int height = 0;
        ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    }

    // One full frame of the wizard; ImGui's own checks (Begin/End pairing, ID stack, …) abort
    // the test binary if a view breaks them.
    std::vector<Intent> frame(const UiModel& model, const Snapshot& snapshot) {
        ImGui::NewFrame();
        auto intents = draw_wizard(model, snapshot);
        ImGui::Render();
        return intents;
    }

private:
    ImGuiContext* m_context = nullptr;
};

} // namespace syx::gui::test
