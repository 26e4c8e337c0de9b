#include "gui/views.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include <fmt/core.h>
#include <imgui.h>

#include "gui/controller.hpp"
#include "gui/flat_fill.hpp"
#include "gui/folder_browser.hpp"
#include "gui/hardware_views.hpp"
#include "gui/question_page.hpp"
#include "gui/style.hpp"
#include "gui/tools_view.hpp"
#include "gui/view_text.hpp"

namespace syx::gui {

namespace {

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

void draw_banners(const Snapshot& snapshot, std::vector<Intent>& out) {
    if (snapshot.mode == RunMode::simulated) {
        std::string text;
        if (!snapshot.simulate_id.empty()) {
            text = fmt::format("Simulated mode: you asked to practise with '{}'.",
                               snapshot.simulate_id);
        } else if (!snapshot.mode_reason.empty()) {
            text = "Simulated mode.";
        } else {
            text = "Simulated mode: no instrument is connected, so nothing real will be touched.";
        }
        coloured(kWarningColour, text);
    }
    draw_ports_banner(snapshot, out);
}

void draw_device_content(const UiModel& model, const Snapshot& snapshot, std::vector<Intent>& out) {
    if (snapshot.devices.empty()) {
        not_yet("No supported devices were found in the catalogue. Check that the "
                "firmware-manifests folder was installed with syxflash.");
        return;
    }
    draw_detect(snapshot, out);
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

// Text the user is typing (phrases, a path): UI-only scratch, never seen by the engine until
// the button that sends it is pressed.
struct Scratch {
    std::array<char, 512> path{};
    std::array<char, 64> skip_phrase{};
    std::array<char, 64> release_phrase{};
    std::array<char, 128> answer_text{};
};
Scratch& scratch() {
    static Scratch s;
    return s;
}

void bullet_wrapped(const std::string& text) {
    ImGui::Bullet();
    wrapped(text);
}

const char* level_mark(Severity level) {
    return level == Severity::error ? "[x]" : level == Severity::warning ? "[!]" : "[ok]";
}

void draw_question(const session::Question& q, std::vector<Intent>& out) {
    begin_fitted_box("question", ImVec4(0.16F, 0.14F, 0.08F, 1.0F), 11.0F);
    coloured(kWarningColour, q.title.empty() ? "The device needs you" : q.title);
    wrapped(q.text);
    int n = 0;
    for (const auto& step : q.steps) {
        bullet_wrapped(fmt::format("{}. {}", ++n, step));
    }
    if (q.typed_confirmation) {
        ImGui::Text("Type \"%s\" to go on:", q.typed_confirmation->c_str());
        ImGui::InputText("##answer", scratch().answer_text.data(), scratch().answer_text.size());
    } else if (q.purpose == session::QuestionPurpose::display_check && q.accepts_text) {
        ImGui::TextUnformatted("What does the display show? (other:)");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12.0F);
        ImGui::InputText("##answer", scratch().answer_text.data(), scratch().answer_text.size());
    }
    for (const auto& c : q.choices) {
        const std::string label = fmt::format("{}##{}", c.label, c.id);
        if (ImGui::Button(label.c_str())) {
            out.emplace_back(intent::Answer{q.id, c.id, std::string(scratch().answer_text.data())});
        }
        ImGui::SameLine();
    }
    ImGui::NewLine();
    end_fitted_box();
}

void draw_run(const RunView& run, bool with_plot, std::vector<Intent>& out) {
    const auto& p = run.progress;
    const float fraction = p.bytes_total > 0
                               ? static_cast<float>(static_cast<double>(p.bytes_done) /
                                                    static_cast<double>(p.bytes_total))
                               : (p.messages_total > 0 ? static_cast<float>(p.messages_done) /
                                                             static_cast<float>(p.messages_total)
                                                       : 0.0F);
    ImGui::Text("Session: %s   phase: %s%s", to_text(run.session), to_text(run.phase),
                p.critical ? "   (critical)" : "");
    ImGui::ProgressBar(run.finished && run.outcome &&
                               run.outcome->kind == session::OutcomeKind::success
                           ? 1.0F
                           : fraction);
    std::string eta;
    if (p.eta) {
        eta = fmt::format("   about {:.0f} s left", std::chrono::duration<double>(*p.eta).count());
    }
    ImGui::Text("%zu of %zu messages, %llu of %llu bytes, %.1f s%s", p.messages_done,
                p.messages_total, static_cast<unsigned long long>(p.bytes_done),
                static_cast<unsigned long long>(p.bytes_total), run.elapsed_s, eta.c_str());
    if (!p.completeness.empty()) {
        ImGui::Text("Received: %zu messages — %s", p.messages_received, p.completeness.c_str());
    }
    if (with_plot && run.gaps_ms.empty() && p.critical) {
        ImGui::TextDisabled("Gaps between messages appear here once two messages were sent "
                            "(a firmware in one message has none).");
    }
    if (with_plot && !run.gaps_ms.empty()) {
        float top = run.required_gap_ms * 3.0F;
        for (float g : run.gaps_ms) {
            top = std::max(top, g);
        }
        top *= 1.15F;
        const std::string overlay =
            fmt::format("gap between messages (ms); required minimum {:.0f} ms",
                        static_cast<double>(run.required_gap_ms));
        ImGui::PlotLines("##gaps", run.gaps_ms.data(), static_cast<int>(run.gaps_ms.size()), 0,
                         overlay.c_str(), 0.0F, top,
                         ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 5.0F));
        // The required minimum as a red line across the plot: every point must stay above it.
        const ImVec2 lo = ImGui::GetItemRectMin();
        const ImVec2 hi = ImGui::GetItemRectMax();
        const float pad = ImGui::GetStyle().FramePadding.y;
        const float y = hi.y - pad - (hi.y - lo.y - 2.0F * pad) * (run.required_gap_ms / top);
        ImGui::GetWindowDrawList()->AddLine(ImVec2(lo.x, y), ImVec2(hi.x, y),
                                            ImGui::GetColorU32(kDangerColour), 1.5F);
        const float smallest = *std::min_element(run.gaps_ms.begin(), run.gaps_ms.end());
        coloured(smallest + 0.05F >= run.required_gap_ms ? kNoticeColour : kDangerColour,
                 fmt::format("Smallest measured gap {:.2f} ms (minimum {:.0f} ms), measured at "
                             "our send() call.",
                             static_cast<double>(smallest),
                             static_cast<double>(run.required_gap_ms)));
    }
    if (run.outcome) {
        coloured(run.outcome->kind == session::OutcomeKind::success ? kNoticeColour : kDangerColour,
                 fmt::format("Result: {} — {}", session::to_string(run.outcome->kind),
                             run.outcome->message));
    } else if (!run.finished) {
        if (ImGui::Button("Cancel")) {
            out.emplace_back(intent::Cancel{});
        }
        ImGui::SameLine();
        ImGui::TextDisabled(p.critical
                                ? "Cancelling now leaves half a firmware: you will be asked, and "
                                  "the device then needs its recovery plan."
                                : "Nothing critical is running; cancelling is safe.");
    }
    ImGui::BeginChild("runlog", ImVec2(0.0F, ImGui::GetFontSize() * 8.0F), true);
    for (const auto& line : run.log) {
        const ImVec4 colour = line.level == session::LogLevel::error ? kDangerColour
                              : line.level == session::LogLevel::warning
                                  ? kWarningColour
                                  : ImVec4(0.85F, 0.85F, 0.85F, 1.0F);
        ImGui::TextColored(colour, "%8.2f s  %s", std::chrono::duration<double>(line.at).count(),
                           line.text.c_str());
    }
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) {
        ImGui::SetScrollHereY(1.0F);
    }
    ImGui::EndChild();
}

void draw_connection(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    if (snapshot.mode == RunMode::hardware) {
        draw_port_choice(snapshot, out);
    }
    if (f.port.empty()) {
        not_yet(snapshot.mode == RunMode::hardware && !f.device_id.empty()
                    ? "Choose the port the instrument is connected to."
                    : "Choose a device first.");
        return;
    }
    ImGui::Text("Port: %s", f.port.c_str());
    ImGui::SameLine();
    ImGui::TextColored(kWarningColour, "[%s]", f.port_badge.c_str());
    wrapped(f.port_reason);
    ImGui::Spacing();
    // In hardware mode a port that says what it is decides the link (core/link_choice, as the
    // CLI): the device's own USB port is USB, a MIDI interface is DIN. Only a port that says
    // nothing (a software bridge) leaves the choice to the user.
    if (snapshot.mode == RunMode::hardware) {
        for (const auto& row : f.hardware.ports) {
            if (row.chosen &&
                (row.kind == PortKind::device_usb || row.kind == PortKind::interface)) {
                wrapped(fmt::format("Pacing is planned for {}, because of the port chosen above.",
                                    f.link == Link::din ? "DIN (a MIDI interface: 320 µs per byte "
                                                          "on the cable, then the device's gap)"
                                                        : "USB (the device's own port)"));
                return;
            }
        }
    }
    ImGui::TextUnformatted("Link the pacing is planned for:");
    ImGui::BeginDisabled(!f.usb_allowed);
    if (ImGui::RadioButton("USB (the device's own USB port)", f.link == Link::usb)) {
        out.emplace_back(intent::ChooseLink{"usb"});
    }
    ImGui::EndDisabled();
    ImGui::BeginDisabled(!f.din_allowed);
    if (ImGui::RadioButton("MIDI interface (DIN cable)", f.link == Link::din)) {
        out.emplace_back(intent::ChooseLink{"din"});
    }
    ImGui::EndDisabled();
    if (f.link == Link::din && f.usb_allowed) {
        coloured(kWarningColour,
                 "This device has its own USB port. Over a DIN MIDI interface the upload is "
                 "slower (at most 3125 bytes/s, longer gaps) and cheap interfaces may drop "
                 "bytes. Use USB unless it does not work.");
    }
}

void draw_backup(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    ImGui::Text("Backup procedure: %s   state: %s", to_string(f.backup_kind), to_string(f.backup));
    if (!f.backup_text.empty()) {
        wrapped(f.backup_text);
    }
    if (f.backup == StepState::unavailable) {
        return;
    }
    if (!f.backup_steps.empty()) {
        ImGui::TextUnformatted("Steps on the instrument:");
        int n = 0;
        for (const auto& step : f.backup_steps) {
            bullet_wrapped(fmt::format("{}. {}", ++n, step));
        }
    }
    if (f.backup == StepState::idle || f.backup == StepState::failed) {
        if (ImGui::Button("Make the backup now")) {
            out.emplace_back(intent::StartBackup{});
        }
        ImGui::Spacing();
        ImGui::Text("Skip the backup: type \"%s\"", f.backup_skip_phrase.c_str());
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0F);
        ImGui::InputText("##skip", scratch().skip_phrase.data(), scratch().skip_phrase.size());
        ImGui::SameLine();
        ImGui::BeginDisabled(f.backup_skip_phrase != scratch().skip_phrase.data());
        if (ImGui::Button("Skip (logged)")) {
            out.emplace_back(intent::SkipBackup{scratch().skip_phrase.data()});
        }
        ImGui::EndDisabled();
    }
    if (f.run && f.run->session == RunKind::backup) {
        draw_run(*f.run, false, out);
    }
    int earlier = 0;
    for (const auto& item : f.library) {
        if (item.device_id == f.device_id) {
            if (earlier++ == 0) {
                ImGui::TextUnformatted("Earlier backups of this device:");
            }
            ImGui::BulletText("%s  %s  %s", item.created.c_str(), item.completeness.c_str(),
                              item.file.c_str());
        }
    }
}

// Where the firmware file is chosen: typed path, recent files, the in-app browser and (in
// simulated mode) a practice file. On the Firmware page, and on the Recovery page when the file
// to send again is not loaded (an interrupted update whose file has gone).
void draw_firmware_chooser(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    ImGui::TextUnformatted("Firmware file (.syx, .mid, .txt; or drop it onto the window):");
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 8.0F);
    ImGui::InputText("##path", scratch().path.data(), scratch().path.size());
    ImGui::SameLine();
    if (ImGui::Button("Check file")) {
        out.emplace_back(intent::ChooseFirmware{scratch().path.data()});
    }
    for (const auto& recent : f.recent_files) {
        const std::string label = fmt::format("Recent: {}", recent);
        if (ImGui::SmallButton(label.c_str())) {
            out.emplace_back(intent::ChooseFirmware{recent});
        }
    }
    if (ImGui::TreeNodeEx("Browse for the file",
                          f.firmware.path.empty() ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
        draw_folder_browser(
            f.browser, out,
            [](const std::string& path) { return Intent{intent::ChooseFirmware{path}}; },
            {"firmware-browser", 8.0F, "No folders or firmware files here."});
        ImGui::TreePop();
    }
    if (snapshot.panel && ImGui::Button("Use a practice firmware for the simulated device")) {
        out.emplace_back(intent::UsePracticeFirmware{});
    }
}

// The chosen file's validation report, its release (or the typed confirmation for an unknown
// one) and the pacing plan.
void draw_firmware_report(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    const FirmwareView& fw = f.firmware;
    if (fw.path.empty()) {
        return;
    }
    ImGui::Separator();
    ImGui::Text("%s", fw.path.c_str());
    if (fw.generated) {
        coloured(kWarningColour, "Practice file written by syxflash in the MODELLED layout the "
                                 "emulator accepts [M]; not a real release.");
    }
    ImGui::Text("Verdict: %s — %zu messages, %llu bytes", fw.verdict.c_str(), fw.messages,
                static_cast<unsigned long long>(fw.bytes));
    if (!fw.decoded.empty()) {
        ImGui::TextWrapped("Decoded: %s", fw.decoded.c_str());
    }
    ImGui::TextUnformatted("Checks:");
    for (std::size_t i = 0; i < fw.findings.size(); ++i) {
        const Severity level = fw.finding_levels[i];
        coloured(level == Severity::error     ? kDangerColour
                 : level == Severity::warning ? kWarningColour
                                              : kNoticeColour,
                 fmt::format("{} {}", level_mark(level), fw.findings[i]));
    }
    if (fw.findings.empty() && fw.loaded) {
        ImGui::TextColored(kNoticeColour, "[ok] every check passed");
    }
    if (fw.loaded && !fw.refused) {
        if (!fw.release.empty()) {
            ImGui::TextColored(kNoticeColour, "Known release %s", fw.release.c_str());
        } else if (fw.unknown_release) {
            coloured(kWarningColour, "This file passes every check but is not a release syxflash "
                                     "knows. Only send it if you trust where it came from.");
            if (f.firmware_confirmed) {
                ImGui::TextColored(kNoticeColour, "Confirmed.");
            } else {
                ImGui::Text("Type \"%s\":", fw.typed_confirmation.c_str());
                ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12.0F);
                ImGui::InputText("##release", scratch().release_phrase.data(),
                                 scratch().release_phrase.size());
                ImGui::SameLine();
                if (ImGui::Button("Confirm")) {
                    out.emplace_back(
                        intent::ConfirmUnknownRelease{scratch().release_phrase.data()});
                }
            }
        }
        ImGui::TextUnformatted("Pacing plan (estimated time):");
        ImGui::BulletText("%s", fw.eta_usb.c_str());
        ImGui::BulletText("%s", fw.eta_din.c_str());
    }
}

void draw_firmware(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    if (!f.firmware_supported) {
        coloured(kWarningColour,
                 "syxflash cannot update this instrument's firmware: " + f.firmware_reason);
        wrapped("What it can do: keep your presets safe. Restore them from the backup, or go "
                "to Done.");
        if (!f.backup_file.empty() && f.restore != StepState::running &&
            ImGui::Button("Restore the presets from the backup just made")) {
            out.emplace_back(intent::RestoreBackup{f.backup_file});
        }
        ImGui::Text("Restore: %s", to_string(f.restore));
        if (f.run && f.run->session == RunKind::restore) {
            draw_run(*f.run, false, out);
        }
        if (ImGui::Button("Go to Done")) {
            out.emplace_back(intent::GoTo{WizardStep::done});
        }
        return;
    }
    draw_firmware_chooser(snapshot, out);
    draw_firmware_report(snapshot, out);
}

void draw_verify(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    ImGui::Text("Verification: %s", to_string(f.verify));
    if (update_verifying(snapshot) && !f.run->question) {
        ImGui::TextDisabled("Waiting for the instrument to restart and answer (%s)…",
                            to_text(f.run->phase));
    }
    if (f.update_outcome) {
        wrapped(f.update_outcome->message);
    }
    if (snapshot.panel) {
        const auto& version = snapshot.panel->firmware_version;
        ImGui::Text("The simulated device reports %s (mode %s).",
                    version.empty() ? "no working firmware" : ("firmware " + version).c_str(),
                    snapshot.panel->mode.c_str());
    }
    if (update_verifying(snapshot)) {
        return; // the update is still checking: its question above is where to say what is wrong
    }
    ImGui::Spacing();
    ImGui::TextUnformatted("Does the instrument show an error, or did something go wrong?");
    if (ImGui::Button("Something went wrong")) {
        out.emplace_back(intent::ReportProblem{});
    }
}

void draw_recovery(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    if (!f.recovery_title.empty()) {
        ImGui::Text("Plan: %s", f.recovery_title.c_str());
    }
    int n = 0;
    for (const auto& step : f.recovery_steps) {
        bullet_wrapped(
            fmt::format("{} {}. {}", f.recovery == StepState::done ? "[x]" : "[ ]", ++n, step));
    }
    if (f.recovery_terminal) {
        coloured(kDangerColour, "Only a service centre (or a hardware programmer) can help now. "
                                "Do not keep retrying; keep the support bundle for them.");
        return;
    }
    ImGui::Text("Recovery: %s", to_string(f.recovery));
    const bool file_ready = f.firmware_ready();
    const bool can_start = f.recovery == StepState::idle || f.recovery == StepState::failed;
    if (can_start && !file_ready && f.firmware_supported) {
        // Recovery sends the firmware again. Someone back from an interrupted update whose file
        // has gone chooses it here: the Firmware page lies behind the backup step, and a
        // half-flashed unit cannot make a backup.
        ImGui::Spacing();
        std::string gone;
        for (const auto& u : f.interrupted) {
            if (u.session == f.resuming_session && !u.file_present && !u.file.empty()) {
                gone = u.file;
            }
        }
        coloured(kWarningColour,
                 gone.empty()
                     ? std::string("Recovery sends the firmware again: choose the file first.")
                     : "Recovery sends the firmware again, and the file the interrupted update "
                       "was sending is no longer at " +
                           gone + ". Choose it (or the release you want on the instrument):");
        draw_firmware_chooser(snapshot, out);
        draw_firmware_report(snapshot, out);
        ImGui::Spacing();
    }
    if (can_start) {
        ImGui::BeginDisabled(!file_ready && f.firmware_supported);
        if (ImGui::Button(f.recovery == StepState::failed ? "Retry the recovery"
                                                          : "Start guided recovery")) {
            out.emplace_back(intent::StartRecovery{});
        }
        ImGui::EndDisabled();
    }
    if (f.run && f.run->session == RunKind::recover) {
        draw_run(*f.run, true, out);
    }
    if (f.recovery_outcome) {
        wrapped(f.recovery_outcome->message);
    }
}

void draw_done(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    ImGui::Text("Device: %s", f.device_name.c_str());
    ImGui::Text("Backup: %s", to_string(f.backup));
    if (f.firmware_supported) {
        ImGui::Text("Upload: %s   Verify: %s   Recovery: %s", to_string(f.upload),
                    to_string(f.verify), to_string(f.recovery));
    } else {
        ImGui::Text("Firmware: not supported by syxflash for this device");
    }
    ImGui::Text("Restore of presets: %s", to_string(f.restore));
    if (f.update_outcome) {
        wrapped(f.update_outcome->message);
    }
    if (f.recovery_outcome) {
        wrapped(f.recovery_outcome->message);
    }
    if (!f.backup_file.empty() && f.restore != StepState::done &&
        ImGui::Button("Restore the presets from the backup")) {
        out.emplace_back(intent::RestoreBackup{f.backup_file});
    }
    if (ImGui::Button("Save support bundle")) {
        out.emplace_back(intent::SaveSupportBundle{});
    }
    if (!f.bundle_path.empty()) {
        wrapped("Saved in " + f.bundle_path);
    }
}

void draw_library(const Snapshot& snapshot, std::vector<Intent>& out) {
    const FlowView& f = snapshot.flow;
    if (ImGui::Button("Refresh")) {
        out.emplace_back(intent::RefreshLibrary{});
    }
    draw_library_export_controls(snapshot, out);
    if (f.library.empty()) {
        ImGui::TextDisabled("No backups in the library yet.");
    }
    std::string last;
    for (const auto& item : f.library) {
        if (item.device_id != last) {
            ImGui::Separator();
            ImGui::TextUnformatted(item.device_id.c_str());
            last = item.device_id;
        }
        ImGui::BulletText("%s  %s%s", item.created.c_str(), item.completeness.c_str(),
                          item.intact ? "" : "  (DAMAGED: checksum differs)");
        ImGui::SameLine();
        const std::string label = fmt::format("Restore##{}", item.file);
        ImGui::BeginDisabled(!item.intact || item.device_id != f.device_id);
        if (ImGui::SmallButton(label.c_str())) {
            out.emplace_back(intent::RestoreBackup{item.file});
        }
        ImGui::EndDisabled();
        ImGui::SameLine();
        draw_library_export_button(snapshot, item, out);
        ImGui::TextDisabled("    %s", item.file.c_str());
    }
}

// The start-up offer for updates the journal says were interrupted: first thing on every page
// until the user answers it, because a half-flashed instrument matters more than anything else
// the wizard could show.
void draw_interrupted(const Snapshot& snapshot, std::vector<Intent>& out) {
    if (snapshot.transfer_running) {
        return;
    }
    for (const auto& u : snapshot.flow.interrupted) {
        if (u.session == snapshot.flow.resuming_session) {
            continue; // the Recovery page is dealing with it
        }
        const std::string id = "interrupted-" + u.session;
        ImGui::PushID(id.c_str());
        begin_fitted_box("offer", ImVec4(0.22F, 0.08F, 0.07F, 1.0F), 8.5F);
        const std::string name = u.device_name.empty() ? u.device_id : u.device_name;
        coloured(kDangerColour,
                 fmt::format("An update of the {} was interrupted on {} at message {} of {}.", name,
                             u.when, u.messages_sent, u.message_count));
        wrapped("The instrument may not start normally. Recover it now?");
        ImGui::PushTextWrapPos(0.0F);
        ImGui::TextDisabled("What the journal says: %s.", u.how.c_str());
        ImGui::PopTextWrapPos();
        if (!u.device_known) {
            coloured(kWarningColour, "This version of syxflash does not know the device '" +
                                         u.device_id +
                                         "', so it cannot walk you through its recovery.");
        } else if (!u.file_present) {
            coloured(kWarningColour, "The firmware file is no longer at " + u.file +
                                         ": you will choose it again on the Recovery page.");
        }
        ImGui::BeginDisabled(!u.device_known || snapshot.flow.engine_busy);
        if (ImGui::Button("Recover")) {
            out.emplace_back(intent::RecoverInterrupted{u.session, u.device_id});
        }
        ImGui::EndDisabled();
        ImGui::SameLine();
        if (ImGui::Button("Later")) {
            out.emplace_back(intent::DismissInterrupted{u.session});
        }
        ImGui::SameLine();
        ImGui::TextDisabled("Later: asked again the next time syxflash starts.");
        end_fitted_box();
        ImGui::PopID();
    }
}

// The running session's question, on the page it belongs to (question_page.hpp); other pages
// point there, so nobody misses that the instrument is waiting for an answer.
void draw_open_question(const UiModel& model, const Snapshot& snapshot, std::vector<Intent>& out) {
    if (!snapshot.flow.run || !snapshot.flow.run->question) {
        return;
    }
    const auto owner = question_page(snapshot);
    if (!owner || *owner == model.current) {
        draw_question(*snapshot.flow.run->question, out);
        return;
    }
    const std::string_view page = step_info(*owner).title;
    coloured(kWarningColour, fmt::format("The instrument is waiting for your answer on the {} "
                                         "page.",
                                         page));
    const std::string label = fmt::format("Go to {}", page);
    if (ImGui::Button(label.c_str())) {
        if (next_step(model.current) == owner) {
            out.emplace_back(intent::Next{});
        } else {
            out.emplace_back(intent::GoTo{*owner});
        }
    }
}

void draw_step_content(const UiModel& model, const Snapshot& snapshot, std::vector<Intent>& out) {
    draw_interrupted(snapshot, out);
    draw_open_question(model, snapshot, out);
    switch (model.current) {
    case WizardStep::device:
        draw_device_content(model, snapshot, out);
        break;
    case WizardStep::connection:
        draw_connection(snapshot, out);
        break;
    case WizardStep::backup:
        draw_backup(snapshot, out);
        break;
    case WizardStep::firmware:
        draw_firmware(snapshot, out);
        break;
    case WizardStep::confirm:
        ImGui::Text("Device: %s on %s over %s", selected_device_name(model, snapshot).c_str(),
                    snapshot.flow.port.c_str(), to_string(snapshot.flow.link));
        ImGui::Text("Firmware: %s", snapshot.flow.firmware.path.c_str());
        ImGui::Text("Backup: %s", to_string(snapshot.flow.backup));
        ImGui::Spacing();
        coloured(kDangerColour, "During the upload: do not power off the instrument and do not "
                                "unplug any cable. Next starts the upload.");
        break;
    case WizardStep::upload:
        if (update_verifying(snapshot)) {
            coloured(kNoticeColour, "Every firmware message has been sent. The instrument is "
                                    "restarting: go on to Verify to check it.");
        }
        if (snapshot.flow.run && snapshot.flow.run->session == RunKind::update) {
            draw_run(*snapshot.flow.run, true, out);
        }
        if (snapshot.flow.upload == StepState::failed) {
            coloured(kDangerColour, "The upload did not finish.");
            if (snapshot.flow.update_outcome) {
                wrapped(snapshot.flow.update_outcome->message); // the engine's words
            }
            if (ImGui::Button("Go to Recovery")) {
                out.emplace_back(intent::ReportProblem{});
            }
        }
        break;
    case WizardStep::verify:
        draw_verify(snapshot, out);
        break;
    case WizardStep::recovery:
        draw_recovery(snapshot, out);
        break;
    case WizardStep::done:
        draw_done(snapshot, out);
        break;
    case WizardStep::library:
        draw_library(snapshot, out);
        break;
    case WizardStep::tools:
        draw_tools_page(snapshot, out);
        break;
    }
}

// The emulated instrument: its display and front panel, its faults, and what is modelled.
std::vector<Intent> draw_panel(const EmulatedPanel& panel) {
    std::vector<Intent> out;
    ImGui::TextDisabled("Simulated instrument");
    ImGui::TextUnformatted(panel.device_id.c_str());
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.05F, 0.18F, 0.10F, 1.0F));
    ImGui::BeginChild("display", ImVec2(0.0F, ImGui::GetFontSize() * 4.0F), true);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.5F, 1.0F, 0.6F, 1.0F));
    wrapped(panel.display.empty() ? "(display blank)" : panel.display);
    ImGui::PopStyleColor();
    ImGui::EndChild();
    ImGui::PopStyleColor();
    wrapped(fmt::format("mode: {}\nfirmware: {}", panel.mode,
                        panel.firmware_version.empty() ? "none" : panel.firmware_version));
    if (!panel.port_present) {
        ImGui::TextColored(kDangerColour, "USB/MIDI port unplugged");
    }
    for (const auto& b : panel.buttons) {
        const std::string label = fmt::format("{}##btn-{}", b.label, b.id);
        if (ImGui::Button(label.c_str())) {
            out.emplace_back(intent::PressButton{b.id});
        }
        if (ImGui::IsItemHovered() && !b.help.empty()) {
            ImGui::SetTooltip("%s", b.help.c_str());
        }
    }
    if (ImGui::Button("Power off/on")) {
        out.emplace_back(intent::PowerCycle{});
    }
    ImGui::Separator();
    if (ImGui::BeginMenu("Faults")) {
        if (ImGui::MenuItem("Unplug at 50 %")) {
            out.emplace_back(intent::ArmFault{"unplug-at=50%"});
        }
        if (ImGui::MenuItem("Power loss at 50 %")) {
            out.emplace_back(intent::ArmFault{"power-loss-at=50%"});
        }
        if (ImGui::MenuItem("Drop bytes above 2000 B/s (ERROR 2)")) {
            out.emplace_back(intent::ArmFault{"drop-above-rate=2000"});
        }
        if (ImGui::MenuItem("Slow device (replies 800 ms late)")) {
            out.emplace_back(intent::ArmFault{"slow-reply=800"});
        }
        if (ImGui::MenuItem("Clear faults")) {
            out.emplace_back(intent::ClearFaults{});
        }
        ImGui::EndMenu();
    }
    for (const auto& f : panel.faults) {
        coloured(kWarningColour, "armed: " + f);
    }
    for (const auto& e : panel.fault_events) {
        coloured(kDangerColour, e);
    }
    ImGui::Separator();
    ImGui::TextDisabled("Facts behind this emulator:");
    for (const auto& n : panel.notes) {
        ImGui::PushTextWrapPos(0.0F);
        ImGui::TextDisabled("%s", n.c_str());
        ImGui::PopTextWrapPos();
    }
    return out;
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
    draw_banners(snapshot, out);
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
    // NoBackground: the frame covers the whole window, whose clear colour already is the
    // background (main.cpp). A software rasteriser (Mesa llvmpipe, no GPU driver) pays for every
    // pixel of every layer, and this one was a full-window blend each frame: 1.75 → 0.75 window
    // areas shaded per frame during an upload (bench upload).
    constexpr ImGuiWindowFlags kFrameFlags =
        ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
        ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0.0F, 0.0F));
    ImGui::Begin("syxflash", nullptr, kFrameFlags);
    ImGui::PopStyleVar();

    const ImGuiStyle& style = ImGui::GetStyle();
    const float status_height = ImGui::GetFrameHeight() + style.WindowPadding.y * 2.0F;
    const float body_height = ImGui::GetContentRegionAvail().y - status_height;
    const float sidebar_width = ImGui::GetFontSize() * 13.0F;

    // The areas' backgrounds go into the frame's own draw list (flat_fill.hpp: a clear, not a
    // blended rectangle, when the renderer allows), drawn before any child window's content.
    ImDrawList& frame = *ImGui::GetWindowDrawList();
    const auto fill_last_child = [&frame](const ImVec4& colour) {
        fill_flat(frame, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), colour);
    };
    // NavFlattened: arrow keys move between the sidebar, the page and the status bar as if they
    // were one window (otherwise keyboard users must first "enter" each child).
    constexpr ImGuiWindowFlags kChildFlags =
        ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NavFlattened;
    ImGui::BeginChild("steps", ImVec2(sidebar_width, body_height), false, kChildFlags);
    ImGui::TextDisabled("syxflash");
    ImGui::Spacing();
    append(out, draw_sidebar(model, snapshot));
    ImGui::EndChild();
    fill_last_child(ImVec4(0.08F, 0.08F, 0.10F, 1.0F));

    ImGui::SameLine(0.0F, 0.0F);
    const float panel_width = snapshot.panel ? ImGui::GetFontSize() * 15.0F : 0.0F;
    ImGui::BeginChild("page", ImVec2(snapshot.panel ? -panel_width : 0.0F, body_height), false,
                      kChildFlags);
    append(out, draw_page(model, snapshot));
    ImGui::EndChild();
    if (snapshot.panel) {
        ImGui::SameLine(0.0F, 0.0F);
        ImGui::BeginChild("panel", ImVec2(0.0F, body_height), false, kChildFlags);
        append(out, draw_panel(*snapshot.panel));
        ImGui::EndChild();
        fill_last_child(ImVec4(0.10F, 0.09F, 0.12F, 1.0F));
    }

    ImGui::BeginChild("status", ImVec2(0.0F, 0.0F), false,
                      kChildFlags | ImGuiWindowFlags_NoScrollbar);
    append(out, draw_status_bar(model, snapshot));
    ImGui::EndChild();
    fill_last_child(ImVec4(0.12F, 0.12F, 0.15F, 1.0F));
    ImGui::End();

    append(out, draw_log_window(model, snapshot));
    return out;
}

} // namespace syx::gui
