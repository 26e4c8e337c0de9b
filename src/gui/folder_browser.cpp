#include "gui/folder_browser.hpp"

#include <fmt/core.h>
#include <imgui.h>

#include "gui/view_text.hpp"

namespace syx::gui {

void draw_folder_browser(const FolderView& b, std::vector<Intent>& out,
                         const std::function<Intent(const std::string&)>& choose_file,
                         const FolderBrowserLook& look) {
    ImGui::PushID(look.id);
    ImGui::TextDisabled("%s", b.path.c_str());
    if (!b.problem.empty()) {
        coloured(kDangerColour, b.problem);
    }
    ImGui::BeginChild("browser", ImVec2(0.0F, ImGui::GetFontSize() * look.rows), true);
    if (!b.parent.empty() && ImGui::Selectable("..  (up one folder)")) {
        out.emplace_back(intent::BrowseFolder{b.parent});
    }
    for (const auto& e : b.entries) {
        if (!e.folder && !choose_file) {
            continue;
        }
        const std::string label = fmt::format("{}{}##{}", e.name, e.folder ? "/" : "", e.path);
        if (ImGui::Selectable(label.c_str())) {
            out.push_back(e.folder ? Intent{intent::BrowseFolder{e.path}} : choose_file(e.path));
        }
    }
    if (b.entries.empty()) {
        ImGui::TextDisabled("%.*s", static_cast<int>(look.empty_text.size()),
                            look.empty_text.data());
    }
    ImGui::EndChild();
    ImGui::PopID();
}

} // namespace syx::gui
