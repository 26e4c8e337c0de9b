#include "gui/tools_view.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include <fmt/core.h>
#include <imgui.h>

#include "core/midifly_settings.hpp"
#include "gui/folder_browser.hpp"
#include "gui/view_text.hpp"

namespace syx::gui {

namespace {

// What the user is typing or picking on these pages: UI-only, sent with the button's intent.
struct ToolsScratch {
    std::array<char, 512> path{};
    int gap_ms = 150;
    int gap_default_seen = -1;
    bool gap_edited = false;
    int link = 0;             // 0 usb, 1 din
    bool link_edited = false; // until the user picks one, the wizard's link is used
    int idle_ms = 2000;
    std::array<int, 8> channel{};
    std::array<bool, 8> show_bytes{};
    std::array<char, 512> export_folder{};
    bool export_folder_set = false;
};
ToolsScratch& scratch() {
    static ToolsScratch s;
    return s;
}

std::vector<DrawnButton>& buttons() {
    static std::vector<DrawnButton> all;
    return all;
}

void record(const char* label, bool enabled) {
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    buttons().push_back({label, min.x, min.y, max.x, max.y, enabled});
}

bool button(const char* label, bool enabled = true) {
    ImGui::BeginDisabled(!enabled);
    const bool pressed = ImGui::Button(label);
    ImGui::EndDisabled();
    record(label, enabled);
    return pressed && enabled;
}

bool small_button(const char* label, bool enabled = true) {
    ImGui::BeginDisabled(!enabled);
    const bool pressed = ImGui::SmallButton(label);
    ImGui::EndDisabled();
    record(label, enabled);
    return pressed && enabled;
}

std::string bytes_text(std::uint64_t n) {
    return n < 10000 ? fmt::format("{} bytes", n)
                     : fmt::format("{:.1f} KB", static_cast<double>(n) / 1024.0);
}

// ImGui 1.86 has no SeparatorText.
void section(const char* text) {
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextColored(kNoticeColour, "%s", text);
}

void result_line(const ToolsView& t) {
    if (!t.result.empty() && !t.running) {
        coloured(t.result_ok ? kGoodColour : kDangerColour, t.result);
    }
}

void draw_send(const Snapshot& snapshot, bool can_start, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    const ToolsView& t = f.tools;
    auto& s = scratch();
    section("Send a .syx file");
    wrapped("Sends every message of a file to the instrument with the silence you choose after "
            "each one, measured at the instrument's input (MIDI cable time included).");
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 8.0F);
    ImGui::InputText("##tools-path", s.path.data(), s.path.size());
    ImGui::SameLine();
    if (button("Check file##tools", s.path[0] != '\0')) {
        out.emplace_back(intent::ToolsChooseFile{s.path.data()});
    }
    for (const auto& recent : t.recent) {
        const std::string label = fmt::format("Recent: {}##tools", recent);
        if (ImGui::SmallButton(label.c_str())) {
            out.emplace_back(intent::ToolsChooseFile{recent});
        }
    }
    if (ImGui::TreeNode("Browse for the file##tools")) {
        draw_folder_browser(
            f.browser, out,
            [](const std::string& path) { return Intent{intent::ToolsChooseFile{path}}; },
            {"tools-browser", 7.0F});
        ImGui::TreePop();
    }
    const bool file_ok = !t.file.empty() && t.file_problem.empty();
    if (!t.file.empty()) {
        ImGui::Text("File: %s", t.file.c_str());
        if (!t.file_problem.empty()) {
            coloured(kDangerColour, "Cannot be sent as it is: " + t.file_problem);
        } else {
            ImGui::Text("%zu message%s, %s", t.file_messages, t.file_messages == 1 ? "" : "s",
                        bytes_text(t.file_bytes).c_str());
        }
    }
    // The gap: the device's own until the user changes it.
    if (!s.gap_edited && s.gap_default_seen != t.default_gap_ms) {
        s.gap_ms = t.default_gap_ms;
        s.gap_default_seen = t.default_gap_ms;
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0F);
    if (ImGui::InputInt("Gap after each message (ms)", &s.gap_ms, 10, 50)) {
        s.gap_ms = std::clamp(s.gap_ms, 0, 60000);
        s.gap_edited = true;
    }
    ImGui::TextDisabled("Offered first: %d ms, %s.", t.default_gap_ms,
                        t.default_gap_reason.c_str());
    if (s.gap_ms < t.default_gap_ms) {
        coloured(kWarningColour,
                 fmt::format("{} ms is less than the {} ms offered for this device: a device "
                             "that needs the longer gap may lose messages or corrupt its memory.",
                             s.gap_ms, t.default_gap_ms));
    }
    if (!s.link_edited) {
        s.link = f.link == Link::din ? 1 : 0;
    }
    ImGui::TextUnformatted("Link:");
    ImGui::SameLine();
    ImGui::BeginDisabled(!f.usb_allowed);
    s.link_edited |= ImGui::RadioButton("USB (the device's own port)##tools", &s.link, 0);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!f.din_allowed);
    s.link_edited |= ImGui::RadioButton("DIN (through a MIDI interface)##tools", &s.link, 1);
    ImGui::EndDisabled();
    if (s.link == 1) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        wrapped("Over DIN each message also takes 320 µs per byte on the cable; the gap is "
                "counted from its end.");
        ImGui::PopStyleColor();
    }
    if (button("Send##tools", can_start && file_ok)) {
        out.emplace_back(intent::ToolsSend{t.file, s.gap_ms, s.link == 1 ? "din" : "usb"});
    }
    if (t.job != ToolJob::send) {
        return;
    }
    const double fraction =
        t.total_bytes > 0 ? static_cast<double>(t.bytes_done) / static_cast<double>(t.total_bytes)
                          : 0.0;
    const std::string overlay =
        fmt::format("{} of {} messages, {} of {}", t.messages_done, t.message_count,
                    bytes_text(t.bytes_done), bytes_text(t.total_bytes));
    ImGui::ProgressBar(static_cast<float>(fraction), ImVec2(-1.0F, 0.0F), overlay.c_str());
    if (t.running) {
        ImGui::Text("Elapsed %.1f s, about %.0f s to go (gap %d ms)", t.elapsed_s, t.eta_s,
                    t.gap_ms);
        if (button("Cancel sending##tools")) {
            out.emplace_back(intent::Cancel{});
        }
        ImGui::SameLine();
        ImGui::TextDisabled("stops after the message being sent: it always goes out whole");
    }
    if (!t.gaps_ms.empty()) {
        const auto [lo, hi] = std::minmax_element(t.gaps_ms.begin(), t.gaps_ms.end());
        ImGui::Text("Measured gaps: shortest %.1f ms, longest %.1f ms (asked for %d ms)", *lo, *hi,
                    t.gap_ms);
        ImGui::PlotLines("##tools-gaps", t.gaps_ms.data(), static_cast<int>(t.gaps_ms.size()), 0,
                         nullptr, 0.0F, std::max(*hi, static_cast<float>(t.gap_ms)) * 1.2F,
                         ImVec2(-1.0F, ImGui::GetFontSize() * 3.0F));
    }
    result_line(t);
}

void draw_receive(const Snapshot& snapshot, bool can_start, std::vector<Intent>& out) {
    const ToolsView& t = snapshot.flow.tools;
    auto& s = scratch();
    section("Receive dumps");
    wrapped("Records every SysEx message the instrument sends until the line has been quiet for "
            "the idle time, then saves them as a new .syx file in syxflash's data folder. A "
            "message cut short is reported and nothing is saved.");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0F);
    if (ImGui::InputInt("Stop after this much silence (ms)", &s.idle_ms, 500, 1000)) {
        s.idle_ms = std::clamp(s.idle_ms, 100, 600000);
    }
    if (button("Start recording##tools", can_start)) {
        out.emplace_back(intent::ToolsReceive{s.idle_ms});
    }
    if (t.job != ToolJob::receive) {
        return;
    }
    if (t.running) {
        coloured(kNoticeColour,
                 fmt::format("Listening: start the dump on the instrument now. {} message{}, {} "
                             "so far.",
                             t.messages_done, t.messages_done == 1 ? "" : "s",
                             bytes_text(t.bytes_done)));
        if (button("Stop recording##tools")) {
            out.emplace_back(intent::Cancel{});
        }
    }
    result_line(t);
}

void draw_midifly(const Snapshot& snapshot, bool can_start, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    auto& s = scratch();
    section("Parker MIDIFly settings");
    wrapped("Built from the messages in the MIDIFly manual (SYSEX Specification). Each sends one "
            "24-byte message; the guitar keeps the setting.");
    const bool midifly = f.device_id == "parker-midifly";
    if (!midifly) {
        coloured(kNoticeColour, "Sending needs the Parker MIDIFly chosen on the Device page; the "
                                "messages are shown here anyway.");
    }
    static constexpr std::array<const char*, 16> kChannels = {
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"};
    std::size_t i = 0;
    for (const auto& info : midifly::settings()) {
        const std::size_t index = i++;
        ImGui::PushID(static_cast<int>(index));
        ImGui::TextUnformatted(info.label.data(), info.label.data() + info.label.size());
        if (!info.documented) {
            ImGui::SameLine();
            ImGui::TextDisabled("(unavailable)");
            ImGui::Indent();
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
            wrapped(info.reason);
            ImGui::PopStyleColor();
            const std::string label = fmt::format("Send##midifly-{}", info.id);
            button(label.c_str(), false);
            ImGui::Unindent();
            ImGui::PopID();
            continue;
        }
        ImGui::Indent();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4.0F);
        ImGui::Combo("MIDI channel", &s.channel.at(index), kChannels.data(),
                     static_cast<int>(kChannels.size()));
        ImGui::SameLine();
        const std::string label = fmt::format("Send##midifly-{}", info.id);
        if (button(label.c_str(), can_start && midifly)) {
            out.emplace_back(intent::SendMidiflySetting{std::string(info.id), s.channel.at(index)});
        }
        ImGui::SameLine();
        bool show = s.show_bytes.at(index);
        if (ImGui::Checkbox("Show bytes", &show)) {
            s.show_bytes.at(index) = show;
        }
        if (show) {
            // Pure message building (core): no I/O in the view.
            const auto bytes = midifly::build_setting_message(
                info.setting, static_cast<std::uint8_t>(s.channel.at(index)));
            std::string hex;
            if (bytes) {
                for (const auto b : *bytes) {
                    hex += fmt::format("{}{:02X}", hex.empty() ? "" : " ", b);
                }
            } else {
                hex = bytes.error().message;
            }
            ImGui::TextDisabled("%s", hex.c_str());
        }
        ImGui::Unindent();
        ImGui::PopID();
    }
    if (f.tools.job == ToolJob::setting) {
        result_line(f.tools);
    }
}

} // namespace

const std::vector<DrawnButton>& drawn_tool_buttons() {
    return buttons();
}

void draw_tools_page(const Snapshot& snapshot, std::vector<Intent>& out) {
    buttons().clear();
    const FlowView& f = snapshot.flow;
    const bool have_port = !f.device_id.empty() && !f.port.empty();
    if (!have_port) {
        coloured(kNoticeColour, "Choose the instrument on the Device page first: these tools "
                                "talk to its port (in simulated mode, to the emulated device).");
    } else {
        ImGui::Text("Port: %s%s%s", f.port.c_str(), f.port_badge.empty() ? "" : "  — ",
                    f.port_badge.c_str());
    }
    // One job at a time: a running job has the port.
    const bool can_start = have_port && !f.engine_busy && !f.tools.running;
    draw_send(snapshot, can_start, out);
    draw_receive(snapshot, can_start, out);
    draw_midifly(snapshot, can_start, out);
}

void draw_library_export_button(const Snapshot& snapshot, const LibraryItem& item,
                                std::vector<Intent>& out) {
    auto& s = scratch();
    if (!s.export_folder_set && !snapshot.flow.export_folder.empty()) {
        std::snprintf(s.export_folder.data(), s.export_folder.size(), "%s",
                      snapshot.flow.export_folder.c_str());
        s.export_folder_set = true;
    }
    const std::string label = fmt::format("Export##{}", item.file);
    if (small_button(label.c_str(), !snapshot.flow.engine_busy && s.export_folder[0] != '\0')) {
        out.emplace_back(intent::ExportBackup{item.file, s.export_folder.data()});
    }
}

void draw_library_export_controls(const Snapshot& snapshot, std::vector<Intent>& out) {
    buttons().clear();
    const FlowView& f = snapshot.flow;
    auto& s = scratch();
    if (!s.export_folder_set && !f.export_folder.empty()) {
        std::snprintf(s.export_folder.data(), s.export_folder.size(), "%s",
                      f.export_folder.c_str());
        s.export_folder_set = true;
    }
    ImGui::TextUnformatted("Export copies a backup (.syx and its .syx.json) to this folder; "
                           "nothing there is overwritten:");
    ImGui::SetNextItemWidth(-1.0F);
    ImGui::InputText("##export-folder", s.export_folder.data(), s.export_folder.size());
    if (ImGui::TreeNode("Choose the folder")) {
        draw_folder_browser(f.browser, out, {}, {"export-browser", 7.0F});
        if (button("Use this folder##export", !f.browser.path.empty())) {
            std::snprintf(s.export_folder.data(), s.export_folder.size(), "%s",
                          f.browser.path.c_str());
        }
        ImGui::TreePop();
    }
    if (!f.export_result.empty()) {
        coloured(f.export_ok ? kGoodColour : kDangerColour, f.export_result);
    }
    ImGui::Separator();
}

} // namespace syx::gui
