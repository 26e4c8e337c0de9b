#include "gui/views.hpp"

#include <string>
#include <string_view>

#include <fmt/core.h>
#include <imgui.h>

#include "gui/controller.hpp"
#include "gui/style.hpp"

namespace syx::gui {

namespace {

const ImVec4 kWarningColour{1.0F, 0.78F, 0.30F, 1.0F};
const ImVec4 kNoticeColour{0.55F, 0.78F, 1.0F, 1.0F};
const ImVec4 kDangerColour{1.0F, 0.45F, 0.40F, 1.0F};

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

// A feature this build does not have yet: said plainly, never faked.
void not_yet(std::string_view text) {
    coloured(kNoticeColour, text);
}

void title(std::string_view text) {
    ImFont* font = title_font();
    if (font != nullptr) {
        ImGui::PushFont(font);
    }
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    if (font != nullptr) {
        ImGui::PopFont();
    }
}

std::string selected_device_name(const UiModel& model, const Snapshot& snapshot) {
    if (!model.selected_device) {
        return "none chosen";
    }
    for (const auto& card : snapshot.devices) {
        if (card.id == *model.selected_device) {
            return card.name;
        }
    }
    return *model.selected_device;
}

void draw_banners(const Snapshot& snapshot) {
    if (snapshot.mode == RunMode::simulated) {
        std::string text;
        if (!snapshot.simulate_id.empty()) {
            text = fmt::format("Simulated mode: you asked to practise with '{}'.",
                               snapshot.simulate_id);
        } else {
            text = "Simulated mode: no instrument is connected, so nothing real will be touched.";
        }
        if (!snapshot.features.emulator) {
            text += " The wizard does not run the built-in emulator yet, so nothing is "
                    "simulated either.";
        }
        coloured(kWarningColour, text);
    }
    if (snapshot.preview()) {
        coloured(kNoticeColour,
                 "Preview: this version cannot talk to instruments yet. Each page shows what the "
                 "step will do; nothing is sent, saved or changed.");
    }
}

void draw_device_content(const UiModel& model, const Snapshot& snapshot, std::vector<Intent>& out) {
    if (snapshot.devices.empty()) {
        not_yet(snapshot.features.catalogue
                    ? "No supported devices were found in the catalogue. Check that the "
                      "firmware-manifests folder was installed with syxflash."
                    : "The device catalogue arrives with the manifests work; no devices are "
                      "listed yet.");
        return;
    }
    ImGui::TextUnformatted("Which instrument do you want to update?");
    ImGui::Spacing();
    for (const auto& card : snapshot.devices) {
        const bool selected = model.selected_device && *model.selected_device == card.id;
        const std::string label = fmt::format("{}##{}", card.name, card.id);
        if (ImGui::RadioButton(label.c_str(), selected)) {
            out.emplace_back(intent::SelectDevice{card.id});
        }
        ImGui::SameLine();
        ImGui::TextDisabled("%s", card.maker.c_str());
        if (card.simulated) {
            ImGui::SameLine();
            ImGui::TextColored(kWarningColour, "[simulated]");
        }
        ImGui::Indent();
        coloured(kNoticeColour, card.abilities);
        if (selected && !card.summary.empty()) {
            wrapped(card.summary);
        }
        ImGui::Unindent();
        ImGui::Spacing();
    }
}

void draw_step_content(const UiModel& model, const Snapshot& snapshot, std::vector<Intent>& out) {
    switch (model.current) {
    case WizardStep::device:
        draw_device_content(model, snapshot, out);
        break;
    case WizardStep::connection:
        if (!snapshot.features.ports) {
            not_yet("Finding and ranking MIDI ports arrives with the transport work. Until then, "
                    "'syxflash-cli ports' lists them in a terminal.");
        }
        break;
    case WizardStep::backup:
        if (!snapshot.features.sessions) {
            not_yet("Backups arrive with the sessions work. Nothing has been saved, so do not "
                    "update an instrument whose presets matter to you with this version.");
        }
        break;
    case WizardStep::firmware:
        if (!snapshot.features.sessions) {
            not_yet("Checking a firmware file in the wizard arrives with the sessions work. "
                    "Until then, 'syxflash-cli inspect FILE' checks a file in a terminal.");
        }
        break;
    case WizardStep::confirm:
        ImGui::Text("Device: %s", selected_device_name(model, snapshot).c_str());
        ImGui::Spacing();
        coloured(kDangerColour, "During the upload: do not power off the instrument and do not "
                                "unplug any cable.");
        if (!snapshot.features.sessions) {
            ImGui::Spacing();
            not_yet("Uploading arrives with the sessions work; going on from here sends "
                    "nothing.");
        }
        break;
    case WizardStep::upload:
        if (!snapshot.features.sessions) {
            not_yet("Uploading arrives with the sessions work. Nothing has been sent.");
        }
        break;
    case WizardStep::verify:
        if (!snapshot.features.sessions) {
            not_yet("Asking the instrument for its version arrives with the sessions work.");
        }
        ImGui::Spacing();
        ImGui::TextUnformatted("Does the instrument show an error, or did something go wrong?");
        if (ImGui::Button("Something went wrong")) {
            out.emplace_back(intent::ReportProblem{});
        }
        break;
    case WizardStep::recovery:
        if (!snapshot.features.sessions) {
            not_yet("Step-by-step recovery plans arrive with the manifests and sessions work. "
                    "If your instrument shows an error now, write down exactly what its display "
                    "says; the firmware section of its manual explains what to do next.");
        }
        break;
    case WizardStep::done:
        if (snapshot.preview()) {
            wrapped("This was a preview: nothing was sent to any instrument and nothing was "
                    "saved.");
        }
        break;
    case WizardStep::library:
        if (!snapshot.features.sessions) {
            not_yet("Backups arrive with the sessions work; none have been saved yet.");
        }
        break;
    case WizardStep::tools:
        if (!snapshot.features.sessions) {
            not_yet("Sending and receiving .syx files from the wizard arrives with the sessions "
                    "work. Until then: 'syxflash-cli send' and 'syxflash-cli receive'.");
        }
        break;
    }
}

void draw_navigation(const UiModel& model, const Snapshot& snapshot, std::vector<Intent>& out) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float button_height = ImGui::GetFrameHeight();
    const float bottom = ImGui::GetWindowHeight() - style.WindowPadding.y - button_height;
    if (ImGui::GetCursorPosY() < bottom) {
        ImGui::SetCursorPosY(bottom);
    }
    const bool back_ok = can_go_back(model, snapshot);
    ImGui::BeginDisabled(!back_ok);
    if (ImGui::Button("< Back")) {
        out.emplace_back(intent::Back{});
    }
    ImGui::EndDisabled();

    const auto next = next_step(model.current);
    if (!next) {
        return;
    }
    const PageGate gate = page_gate(model, snapshot, model.current);
    const std::string label = fmt::format("Next: {} >", step_info(*next).title);
    const float width = ImGui::CalcTextSize(label.c_str()).x + style.FramePadding.x * 2.0F;
    if (!gate.reason.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", gate.reason.c_str());
    }
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - width);
    ImGui::BeginDisabled(!gate.can_continue);
    if (ImGui::Button(label.c_str())) {
        out.emplace_back(intent::Next{});
    }
    ImGui::EndDisabled();
}

void append(std::vector<Intent>& to, std::vector<Intent>&& from) {
    for (auto& value : from) {
        to.push_back(std::move(value));
    }
}

} // namespace

std::vector<Intent> draw_sidebar(const UiModel& model, const Snapshot& snapshot) {
    std::vector<Intent> out;
    int number = 0;
    bool separated = false;
    for (const auto& info : wizard_steps()) {
        if (!info.in_flow && !separated) {
            ImGui::Spacing();
            ImGui::Separator();
            ImGui::Spacing();
            separated = true;
        }
        std::string label;
        if (info.step == WizardStep::recovery) {
            label = fmt::format("    {} (if needed)", info.title);
        } else if (info.in_flow) {
            label = fmt::format("{}.  {}", ++number, info.title);
        } else {
            label = fmt::format("      {}", info.title);
        }
        const bool reachable = is_reachable(model, snapshot, info.step);
        const bool current = info.step == model.current;
        ImGuiSelectableFlags flags = 0;
        if (!reachable) {
            flags |= ImGuiSelectableFlags_Disabled;
        }
        if (ImGui::Selectable(label.c_str(), current, flags) && !current) {
            out.emplace_back(intent::GoTo{info.step});
        }
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
            ImGui::SetTooltip("%.*s%s", static_cast<int>(info.summary.size()), info.summary.data(),
                              reachable ? "" : " (not reached yet)");
        }
    }
    return out;
}

std::vector<Intent> draw_page(const UiModel& model, const Snapshot& snapshot) {
    std::vector<Intent> out;
    const WizardStepInfo& info = step_info(model.current);
    title(info.title);
    ImGui::Spacing();
    wrapped(info.explanation);
    ImGui::Spacing();
    draw_banners(snapshot);
    ImGui::Separator();
    ImGui::Spacing();
    // The page's own content scrolls; Back/Next stay in view below it.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float footer = ImGui::GetFrameHeight() + style.ItemSpacing.y + style.WindowPadding.y;
    ImGui::BeginChild("content", ImVec2(0.0F, -footer), false, ImGuiWindowFlags_NavFlattened);
    draw_step_content(model, snapshot, out);
    ImGui::EndChild();
    draw_navigation(model, snapshot, out);
    return out;
}

std::vector<Intent> draw_status_bar(const UiModel& model, const Snapshot& snapshot) {
    std::vector<Intent> out;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(snapshot.mode == RunMode::simulated ? "Simulated" : "Hardware");
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::Text("Device: %s", selected_device_name(model, snapshot).c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::TextUnformatted(snapshot.status.empty() ? "Ready" : snapshot.status.c_str());
    const char* label = model.show_log ? "Hide log" : "Show log";
    const float width = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2.0F;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - width);
    if (ImGui::Button(label)) {
        out.emplace_back(intent::ToggleLog{});
    }
    return out;
}

std::vector<Intent> draw_log_window(const UiModel& model, const Snapshot& snapshot) {
    std::vector<Intent> out;
    if (!model.show_log) {
        return out;
    }
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowSize(ImVec2(viewport->Size.x * 0.5F, viewport->Size.y * 0.4F),
                             ImGuiCond_FirstUseEver);
    bool open = true;
    if (ImGui::Begin("Log", &open)) {
        if (snapshot.log.empty()) {
            ImGui::TextDisabled("Nothing has happened yet.");
        }
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(snapshot.log.size()));
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                ImGui::TextUnformatted(snapshot.log[static_cast<std::size_t>(i)].c_str());
            }
        }
        if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) {
            ImGui::SetScrollHereY(1.0F); // follow new lines while at the bottom
        }
    }
    ImGui::End();
    if (!open) {
        out.emplace_back(intent::ToggleLog{});
    }
    return out;
}

std::vector<Intent> draw_wizard(const UiModel& model, const Snapshot& snapshot) {
    std::vector<Intent> out;
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    constexpr ImGuiWindowFlags kFrameFlags =
        ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
        ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0.0F, 0.0F));
    ImGui::Begin("syxflash", nullptr, kFrameFlags);
    ImGui::PopStyleVar();

    const ImGuiStyle& style = ImGui::GetStyle();
    const float status_height = ImGui::GetFrameHeight() + style.WindowPadding.y * 2.0F;
    const float body_height = ImGui::GetContentRegionAvail().y - status_height;
    const float sidebar_width = ImGui::GetFontSize() * 13.0F;

    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.08F, 0.08F, 0.10F, 1.0F));
    // NavFlattened: arrow keys move between the sidebar, the page and the status bar as if they
    // were one window (otherwise keyboard users must first "enter" each child).
    constexpr ImGuiWindowFlags kChildFlags =
        ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NavFlattened;
    ImGui::BeginChild("steps", ImVec2(sidebar_width, body_height), false, kChildFlags);
    ImGui::PopStyleColor();
    ImGui::TextDisabled("syxflash");
    ImGui::Spacing();
    append(out, draw_sidebar(model, snapshot));
    ImGui::EndChild();

    ImGui::SameLine(0.0F, 0.0F);
    ImGui::BeginChild("page", ImVec2(0.0F, body_height), false, kChildFlags);
    append(out, draw_page(model, snapshot));
    ImGui::EndChild();

    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.12F, 0.12F, 0.15F, 1.0F));
    ImGui::BeginChild("status", ImVec2(0.0F, 0.0F), false,
                      kChildFlags | ImGuiWindowFlags_NoScrollbar);
    ImGui::PopStyleColor();
    append(out, draw_status_bar(model, snapshot));
    ImGui::EndChild();
    ImGui::End();

    append(out, draw_log_window(model, snapshot));
    return out;
}

} // namespace syx::gui
