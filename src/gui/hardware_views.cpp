#include "gui/hardware_views.hpp"

#include <string_view>

#include <fmt/core.h>
#include <imgui.h>

#include "gui/view_text.hpp"

namespace syx::gui {

namespace {

bool rescan_button(const Snapshot& snapshot, std::vector<Intent>& out) {
    ImGui::BeginDisabled(snapshot.flow.engine_busy || snapshot.transfer_running);
    const bool clicked = ImGui::SmallButton("Rescan");
    ImGui::EndDisabled();
    if (clicked) {
        out.emplace_back(intent::Rescan{});
    }
    return clicked;
}

void draw_self_test(const Snapshot& snapshot, std::vector<Intent>& out) {
    const HardwareView& hw = snapshot.flow.hardware;
    bool any_interface = false;
    for (const auto& row : hw.ports) {
        any_interface = any_interface || row.kind == PortKind::interface;
    }
    if (!any_interface && !hw.self_test.ran && !hw.self_test.running) {
        return;
    }
    ImGui::Spacing();
    if (!ImGui::CollapsingHeader("Test a MIDI interface (loopback self-test)")) {
        return;
    }
    wrapped("Connect a MIDI cable from the interface's MIDI OUT to its own MIDI IN (the "
            "instrument is not needed). syxflash sends 4 KB of test SysEx at DIN speed and "
            "checks that every byte comes back unchanged. About 2 seconds.");
    for (const auto& row : hw.ports) {
        if (row.kind != PortKind::interface) {
            continue;
        }
        const std::string label = fmt::format("Test {}##selftest-{}", row.output, row.output);
        ImGui::BeginDisabled(snapshot.flow.engine_busy || row.input.empty());
        if (ImGui::Button(label.c_str())) {
            out.emplace_back(intent::RunSelfTest{row.output});
        }
        ImGui::EndDisabled();
    }
    const SelfTestView& t = hw.self_test;
    if (t.running) {
        coloured(kNoticeColour, fmt::format("Testing '{}': {}", t.port, t.summary));
    } else if (t.ran) {
        coloured(t.passed ? kGoodColour : kDangerColour,
                 fmt::format("{} '{}': {}", t.passed ? "Passed" : "Failed", t.port, t.summary));
    }
}

} // namespace

void draw_ports_banner(const Snapshot& snapshot, std::vector<Intent>& out) {
    if (snapshot.mode == RunMode::hardware) {
        ImGui::TextColored(kNoticeColour, "Hardware mode: real MIDI ports via %s.",
                           snapshot.flow.hardware.api.c_str());
        ImGui::SameLine();
        rescan_button(snapshot, out);
        return;
    }
    if (!snapshot.mode_reason.empty()) {
        coloured(kWarningColour, snapshot.mode_reason);
        rescan_button(snapshot, out);
    }
}

void draw_detect(const Snapshot& snapshot, std::vector<Intent>& out) {
    if (snapshot.mode != RunMode::hardware) {
        return;
    }
    const HardwareView& hw = snapshot.flow.hardware;
    ImGui::BeginDisabled(snapshot.flow.engine_busy);
    if (ImGui::Button("Detect")) {
        out.emplace_back(intent::DetectDevices{});
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    wrapped("asks every MIDI port who is there (Identity Request); instruments that do not answer "
            "are chosen from the list below");
    ImGui::PopStyleColor();
    if (hw.detecting) {
        coloured(kNoticeColour, "Asking the ports…");
    } else if (hw.detect_ran) {
        bool any = false;
        for (const auto& d : hw.detected) {
            if (d.identity.empty()) {
                continue;
            }
            any = true;
            if (d.device_id.empty()) {
                ImGui::BulletText("'%s': a device not in the catalogue answered (%s)",
                                  d.output.c_str(), d.identity.c_str());
                continue;
            }
            ImGui::Bullet();
            ImGui::TextColored(kGoodColour, "%s", d.device_name.c_str());
            ImGui::SameLine();
            ImGui::Text("answered on '%s'", d.output.c_str());
            ImGui::SameLine();
            const std::string label = fmt::format("Use it##detected-{}", d.output);
            if (ImGui::SmallButton(label.c_str())) {
                // The device, then its port: the engine takes them in this order.
                out.emplace_back(intent::SelectDevice{d.device_id});
                out.emplace_back(intent::ChoosePort{d.output, true});
            }
            ImGui::Indent();
            ImGui::TextDisabled("%s", d.identity.c_str());
            ImGui::Unindent();
        }
        if (!any) {
            coloured(kWarningColour,
                     hw.detected.empty()
                         ? "No port could be asked. Connect the instrument, switch it on and "
                           "choose Rescan."
                         : "Nothing answered. Some instruments never answer identity requests "
                           "(choose yours below); otherwise check that the cable goes both ways "
                           "and the instrument is on.");
        }
        for (const auto& d : hw.detected) {
            if (d.identity.empty()) {
                ImGui::TextDisabled("  '%s': %s", d.output.c_str(), d.problem.c_str());
            }
        }
    }
    ImGui::Separator();
}

void draw_port_choice(const Snapshot& snapshot, std::vector<Intent>& out) {
    const HardwareView& hw = snapshot.flow.hardware;
    const FlowView& f = snapshot.flow;
    if (f.device_id.empty()) {
        coloured(kNoticeColour, "Choose a device first; the ports are then ranked for it.");
    }
    ImGui::TextUnformatted(f.device_name.empty()
                               ? "MIDI ports (best first):"
                               : fmt::format("Ports for {} (best first):", f.device_name).c_str());
    if (hw.ports.empty()) {
        coloured(kWarningColour, "No output ports are listed. Connect the instrument or "
                                 "interface and choose Rescan.");
    }
    constexpr ImGuiTableFlags kFlags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (!hw.ports.empty() && ImGui::BeginTable("ports", 3, kFlags)) {
        ImGui::TableSetupColumn("use", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("port", ImGuiTableColumnFlags_WidthStretch, 2.0F);
        ImGui::TableSetupColumn("why", ImGuiTableColumnFlags_WidthStretch, 3.0F);
        for (const auto& row : hw.ports) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::BeginDisabled(!row.usable || f.device_id.empty() || f.engine_busy);
            const std::string label =
                fmt::format("{}##port-{}", row.chosen ? "In use" : "Use", row.output);
            if (ImGui::RadioButton(label.c_str(), row.chosen) && !row.chosen) {
                out.emplace_back(intent::ChoosePort{row.output, false});
            }
            ImGui::EndDisabled();
            ImGui::TableNextColumn();
            wrapped(row.output);
            // Wrapped: the badge names the device and must not run under the next column.
            ImGui::PushStyleColor(ImGuiCol_Text, row.kind == PortKind::interface ? kWarningColour
                                                 : row.kind == PortKind::device_usb
                                                     ? kGoodColour
                                                     : kNoticeColour);
            wrapped(fmt::format("[{}]{}", row.badge, row.recommended ? "  recommended" : ""));
            ImGui::PopStyleColor();
            ImGui::TableNextColumn();
            if (row.usable) {
                wrapped(row.reason);
            } else {
                coloured(kDangerColour, "cannot be used: " + row.reason);
            }
            if (!row.known_bad.empty()) {
                coloured(kDangerColour, "warning: " + row.known_bad);
            }
        }
        ImGui::EndTable();
    }
    if (hw.din_warning) {
        ImGui::Spacing();
        begin_fitted_box("din-warning", ImVec4(0.18F, 0.14F, 0.06F, 1.0F), 6.0F);
        coloured(kWarningColour,
                 fmt::format("Use the MIDI interface '{}' instead of USB?", hw.din_warning->port));
        wrapped(hw.din_warning->text);
        if (ImGui::Button("Use the MIDI interface anyway")) {
            out.emplace_back(intent::ChoosePort{hw.din_warning->port, true});
        }
        ImGui::SameLine();
        if (!f.port.empty() && ImGui::Button("Keep the current port")) {
            out.emplace_back(intent::ChoosePort{f.port, false});
        }
        end_fitted_box();
    }
    draw_self_test(snapshot, out);
    ImGui::Separator();
}

} // namespace syx::gui
