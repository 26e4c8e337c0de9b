// The Tools page and the Library export controls, headless: every state draws, and the buttons
// emit the intents they say.
#include <string>
#include <variant>

#include "headless_imgui.hpp"
#include <fmt/core.h>
#include <gtest/gtest.h>

#include "gui/controller.hpp"
#include "gui/style.hpp"
#include "gui/tools_view.hpp"

namespace syx::gui {
namespace {

using test::HeadlessImGui;

Snapshot midifly_snapshot() {
    Snapshot s;
    s.flow.device_id = "parker-midifly";
    s.flow.device_name = "Parker MIDIFly";
    s.flow.port = "parker-midifly";
    s.flow.port_badge = "simulated (virtual port)";
    s.flow.link = Link::din;
    s.flow.tools.default_gap_ms = 150;
    s.flow.tools.default_gap_reason = "from the Parker MIDIFly manifest (din)";
    s.flow.tools.file = "/home/me/settings.syx";
    s.flow.tools.file_messages = 3;
    s.flow.tools.file_bytes = 72;
    s.flow.tools.recent = {"/home/me/settings.syx"};
    s.flow.browser.path = "/home/me";
    s.flow.browser.parent = "/home";
    s.flow.browser.entries = {FolderEntry{"sub", "/home/me/sub", true},
                              FolderEntry{"a.syx", "/home/me/a.syx", false}};
    s.flow.export_folder = "/home/me/Documents";
    s.flow.library = {
        LibraryItem{"parker-midifly", "2026-11-20T00:00:00Z", "/lib/x.syx", "complete", true}};
    return s;
}

std::vector<std::pair<std::string, Snapshot>> tool_states() {
    std::vector<std::pair<std::string, Snapshot>> all;
    all.emplace_back("no-device", Snapshot{});
    const Snapshot base = midifly_snapshot();
    all.emplace_back("idle", base);

    Snapshot bad_file = base;
    bad_file.flow.tools.file_problem = "message 2: data byte 0x90 inside a SysEx";
    all.emplace_back("bad-file", bad_file);

    Snapshot sending = base;
    sending.flow.engine_busy = true;
    sending.flow.tools.job = ToolJob::send;
    sending.flow.tools.running = true;
    sending.flow.tools.messages_done = 1;
    sending.flow.tools.message_count = 3;
    sending.flow.tools.bytes_done = 24;
    sending.flow.tools.total_bytes = 72;
    sending.flow.tools.eta_s = 0.4;
    sending.flow.tools.gap_ms = 150;
    all.emplace_back("sending", sending);

    Snapshot sent = base;
    sent.flow.tools.job = ToolJob::send;
    sent.flow.tools.gaps_ms = {150.2F, 151.0F};
    sent.flow.tools.result = "Sent 3 of 3 messages (72 bytes) in 0.4 s";
    sent.flow.tools.result_ok = true;
    all.emplace_back("sent", sent);

    Snapshot receiving = base;
    receiving.flow.engine_busy = true;
    receiving.flow.tools.job = ToolJob::receive;
    receiving.flow.tools.running = true;
    receiving.flow.tools.messages_done = 4;
    receiving.flow.tools.bytes_done = 1024;
    all.emplace_back("receiving", receiving);

    Snapshot truncated = base;
    truncated.flow.tools.job = ToolJob::receive;
    truncated.flow.tools.result = "Not saved: incomplete: 1 message(s) were cut short";
    all.emplace_back("receive-truncated", truncated);

    Snapshot setting = base;
    setting.flow.tools.job = ToolJob::setting;
    setting.flow.tools.result = "Sent Single channel mode: channel = channel 1: F0 …";
    setting.flow.tools.result_ok = true;
    all.emplace_back("setting", setting);

    Snapshot exported = base;
    exported.flow.export_result = "Exported x.syx and x.syx.json to /home/me/Documents";
    exported.flow.export_ok = true;
    all.emplace_back("exported", exported);

    Snapshot other_device = base;
    other_device.flow.device_id = "moog-little-phatty";
    all.emplace_back("other-device", other_device);
    return all;
}

TEST(ToolsView, ToolsAndLibraryDrawInEveryState) {
    for (const float scale : {1.0F, 2.0F}) {
        HeadlessImGui imgui;
        apply_style(scale);
        HeadlessImGui::build_fonts();
        for (const auto& [name, snapshot] : tool_states()) {
            for (const auto step : {WizardStep::tools, WizardStep::library}) {
                SCOPED_TRACE(
                    fmt::format("scale {} state {} page {}", scale, name, step_slug(step)));
                UiModel model;
                model.current = step;
                imgui.frame(model, snapshot);
                const auto intents = imgui.frame(model, snapshot);
                EXPECT_TRUE(intents.empty()) << "no input, so no intent";
                const ImDrawData* data = ImGui::GetDrawData();
                ASSERT_NE(data, nullptr);
                EXPECT_TRUE(data->Valid);
                EXPECT_GT(data->TotalVtxCount, 0);
            }
        }
    }
}

const DrawnButton* find_button(const std::string& label) {
    for (const auto& b : drawn_tool_buttons()) {
        if (b.label == label) {
            return &b;
        }
    }
    return nullptr;
}

// Draws the page, then clicks the labelled button as a mouse does (hover, press, release).
std::vector<Intent> click(const std::string& label, const Snapshot& snapshot, WizardStep step,
                          bool* enabled = nullptr) {
    HeadlessImGui imgui(ImVec2(1400.0F, 4000.0F)); // tall: nothing scrolled out of reach
    apply_style(1.0F);
    HeadlessImGui::build_fonts();
    UiModel model;
    model.current = step;
    imgui.frame(model, snapshot);
    imgui.frame(model, snapshot);
    const DrawnButton* b = find_button(label);
    EXPECT_NE(b, nullptr) << "no button " << label;
    if (b == nullptr) {
        return {};
    }
    if (enabled != nullptr) {
        *enabled = b->enabled;
    }
    const ImVec2 at((b->min_x + b->max_x) / 2.0F, (b->min_y + b->max_y) / 2.0F);
    ImGuiIO& io = ImGui::GetIO();
    std::vector<Intent> all;
    for (const bool down : {false, true, false}) {
        io.MousePos = at;
        io.MouseDown[0] = down;
        for (auto& value : imgui.frame(model, snapshot)) {
            all.push_back(std::move(value));
        }
    }
    return all;
}

TEST(ToolsView, SendEmitsTheFileTheDevicesGapAndTheLink) {
    const auto intents = click("Send##tools", midifly_snapshot(), WizardStep::tools);
    ASSERT_EQ(intents.size(), 1U);
    const auto* send = std::get_if<intent::ToolsSend>(&intents[0]);
    ASSERT_NE(send, nullptr) << describe(intents[0]);
    EXPECT_EQ(send->path, "/home/me/settings.syx");
    EXPECT_EQ(send->gap_ms, 150) << "the manifest's gap is offered first";
    EXPECT_EQ(send->link, "din") << "the wizard's link";
}

TEST(ToolsView, AFileThatCannotBeSentDisablesSend) {
    Snapshot s = midifly_snapshot();
    s.flow.tools.file_problem = "message 2: data byte 0x90 inside a SysEx";
    bool enabled = true;
    EXPECT_TRUE(click("Send##tools", s, WizardStep::tools, &enabled).empty());
    EXPECT_FALSE(enabled);
}

TEST(ToolsView, StartRecordingEmitsReceiveWithTheIdleTime) {
    const auto intents = click("Start recording##tools", midifly_snapshot(), WizardStep::tools);
    ASSERT_EQ(intents.size(), 1U);
    const auto* receive = std::get_if<intent::ToolsReceive>(&intents[0]);
    ASSERT_NE(receive, nullptr) << describe(intents[0]);
    EXPECT_EQ(receive->idle_ms, 2000);
}

TEST(ToolsView, CancelAndStopAreOfferedWhileAJobRuns) {
    Snapshot s = midifly_snapshot();
    s.flow.engine_busy = true;
    s.flow.tools.job = ToolJob::send;
    s.flow.tools.running = true;
    auto intents = click("Cancel sending##tools", s, WizardStep::tools);
    ASSERT_EQ(intents.size(), 1U);
    EXPECT_TRUE(std::holds_alternative<intent::Cancel>(intents[0]));
    bool enabled = true;
    EXPECT_TRUE(click("Send##tools", s, WizardStep::tools, &enabled).empty());
    EXPECT_FALSE(enabled) << "one job at a time";
    s.flow.tools.job = ToolJob::receive;
    intents = click("Stop recording##tools", s, WizardStep::tools);
    ASSERT_EQ(intents.size(), 1U);
    EXPECT_TRUE(std::holds_alternative<intent::Cancel>(intents[0]));
}

TEST(ToolsView, ADocumentedMidiflySettingSendsAndAnUndocumentedOneCannot) {
    const auto intents = click("Send##midifly-string-2", midifly_snapshot(), WizardStep::tools);
    ASSERT_EQ(intents.size(), 1U);
    const auto* setting = std::get_if<intent::SendMidiflySetting>(&intents[0]);
    ASSERT_NE(setting, nullptr) << describe(intents[0]);
    EXPECT_EQ(setting->setting, "string-2");
    EXPECT_EQ(setting->channel, 0) << "channel 1";
    for (const char* undocumented : {"Send##midifly-string-4", "Send##midifly-string-5",
                                     "Send##midifly-string-6", "Send##midifly-restore-defaults"}) {
        bool enabled = true;
        EXPECT_TRUE(click(undocumented, midifly_snapshot(), WizardStep::tools, &enabled).empty())
            << undocumented;
        EXPECT_FALSE(enabled) << undocumented;
    }
}

TEST(ToolsView, MidiflySettingsAreNotSentToAnotherDevice) {
    Snapshot s = midifly_snapshot();
    s.flow.device_id = "moog-little-phatty";
    bool enabled = true;
    EXPECT_TRUE(click("Send##midifly-single-channel", s, WizardStep::tools, &enabled).empty());
    EXPECT_FALSE(enabled);
}

TEST(ToolsView, ExportEmitsTheBackupAndTheOfferedFolder) {
    const auto intents = click("Export##/lib/x.syx", midifly_snapshot(), WizardStep::library);
    ASSERT_EQ(intents.size(), 1U);
    const auto* e = std::get_if<intent::ExportBackup>(&intents[0]);
    ASSERT_NE(e, nullptr) << describe(intents[0]);
    EXPECT_EQ(e->file, "/lib/x.syx");
    EXPECT_EQ(e->folder, "/home/me/Documents");
}

} // namespace
} // namespace syx::gui
