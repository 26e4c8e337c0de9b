#include "gui/view_text.hpp"

#include <string>
#include <vector>

namespace syx::gui {

namespace {

// The boxes being drawn (nested boxes work), with the key their height is kept under.
std::vector<ImGuiID>& open_boxes() {
    static std::vector<ImGuiID> boxes; // the UI thread only
    return boxes;
}

ImGuiID height_key(const char* id) {
    const std::string key = std::string(id) + "##fitted-height";
    return ImGui::GetID(key.c_str());
}

} // namespace

void wrapped(std::string_view text) {
    ImGui::PushTextWrapPos(0.0F);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopTextWrapPos();
}

void coloured(const ImVec4& colour, std::string_view text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    wrapped(text);
    ImGui::PopStyleColor();
}

void begin_fitted_box(const char* id, const ImVec4& background, float first_guess_lines) {
    // Kept in the parent window's storage, next to the box's own state.
    const ImGuiID key = height_key(id);
    const float height =
        ImGui::GetStateStorage()->GetFloat(key, ImGui::GetFontSize() * first_guess_lines);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, background);
    ImGui::BeginChild(id, ImVec2(0.0F, height), true,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    open_boxes().push_back(key);
}

void end_fitted_box() {
    // Where the next item would go, less the spacing after the last one, plus the bottom
    // padding: the height everything drawn needs.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float needed =
        ImGui::GetCursorPosY() - ImGui::GetScrollY() - style.ItemSpacing.y + style.WindowPadding.y;
    ImGui::EndChild();
    ImGui::PopStyleColor();
    const ImGuiID key = open_boxes().back();
    open_boxes().pop_back();
    ImGui::GetStateStorage()->SetFloat(key, needed);
}

} // namespace syx::gui
