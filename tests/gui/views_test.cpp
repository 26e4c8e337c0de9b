#include <string>

#include "cards.hpp"
#include "headless_imgui.hpp"
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <imgui_internal.h>

#include "gui/controller.hpp"
#include "gui/style.hpp"
#include "gui/views.hpp"

namespace syx::gui {
namespace {

using test::HeadlessImGui;

struct NamedSnapshot {
    std::string name;
    Snapshot snapshot;
};

std::vector<NamedSnapshot> relevant_snapshots() {
    std::vector<NamedSnapshot> all;
    all.push_back({"empty", Snapshot{}});

    Snapshot simulate;
    simulate.simulate_id = "moog-little-phatty";
    simulate.log = {"one", "two"};
    all.push_back({"simulate", simulate});

    Snapshot hardware;
    hardware.mode = RunMode::hardware;
    hardware.status = "Connected";
    all.push_back({"hardware", hardware});

    Snapshot catalogue;
    catalogue.devices = {
        test::card("moog-little-phatty", "Moog Little Phatty", "Moog Music",
                   "A monophonic analogue synthesiser.", "firmware update \u2022 backup"),
        test::card("parker-midifly", "Parker MIDIFly", "Parker", "", "firmware update"),
        test::card("novation-k-station", "Novation K-Station", "Novation", "", "practice only",
                   true)};
    all.push_back({"catalogue", catalogue});

    Snapshot uploading = catalogue;
    uploading.transfer_running = true;
    for (int i = 0; i < 5000; ++i) {
        uploading.log.push_back(fmt::format("message {} of 5000 sent", i + 1));
    }
    all.push_back({"uploading", uploading});

    // The engine's states, page by page, with the simulated panel beside them.
    Snapshot flow = catalogue;
    flow.flow.device_id = "moog-little-phatty";
    flow.flow.port = "moog-little-phatty";
    flow.flow.link = Link::din;
    EmulatedPanel panel;
    panel.device_id = "moog-little-phatty";
    panel.display = "RX STAGE 2\nline two";
    PanelButton b;
    b.id = "master";
    b.label = "MASTER";
    panel.buttons = {b};
    panel.faults = {"power-loss-at=50%"};
    panel.fault_events = {"power-loss-at=50% fired"};
    panel.notes = {"[M] modelled"};
    flow.panel = panel;
    flow.flow.backup = StepState::running;
    flow.flow.backup_steps = {"Start the dump."};
    flow.flow.library = {
        LibraryItem{"moog-little-phatty", "2026-11-20T00:00:00Z", "/x.syx", "complete", true}};
    flow.flow.firmware.path = "/fw.syx";
    flow.flow.firmware.loaded = true;
    flow.flow.firmware.refused = false;
    flow.flow.firmware.unknown_release = true;
    flow.flow.firmware.findings = {"warning at message 1: unknown", "error: bad"};
    flow.flow.firmware.finding_levels = {Severity::warning, Severity::error};
    flow.flow.recent_files = {"/fw.syx"};
    flow.flow.browser.path = "/home/me";
    flow.flow.browser.parent = "/home";
    flow.flow.browser.entries = {FolderEntry{"sub", "/home/me/sub", true},
                                 FolderEntry{"a.syx", "/home/me/a.syx", false}};
    RunView run;
    run.session = RunKind::update;
    run.phase = RunPhase::transfer;
    run.progress.critical = true;
    run.progress.bytes_total = 100;
    run.progress.bytes_done = 40;
    run.progress.eta = std::chrono::seconds{3};
    run.gaps_ms = {150.5F, 151.0F, 149.0F};
    run.required_gap_ms = 150.0F;
    run.log = {session::LogLine{std::chrono::seconds{1}, session::LogLevel::warning, "slow"}};
    session::Question q;
    q.id = "display-check";
    q.purpose = session::QuestionPurpose::display_check;
    q.title = "What does the display show?";
    q.steps = {"Look at the display."};
    q.choices = {{"display:0", "OK"}, {"other", "Something else"}};
    run.question = q;
    flow.flow.run = run;
    flow.transfer_running = true;
    all.push_back({"flow-running", flow});

    Snapshot failed = flow;
    failed.transfer_running = false;
    failed.flow.run->question.reset();
    failed.flow.run->finished = true;
    session::Outcome outcome;
    outcome.kind = session::OutcomeKind::service_centre;
    outcome.message = "Only a service centre can help.";
    failed.flow.run->outcome = outcome;
    failed.flow.update_outcome = outcome;
    failed.flow.upload = StepState::failed;
    failed.flow.recovery_steps = {"Press Recovery."};
    failed.flow.recovery_terminal = true;
    failed.flow.firmware_supported = false;
    failed.flow.backup_file = "/x.syx";
    all.push_back({"flow-failed", failed});
    return all;
}

TEST(Views, EveryPageDrawsForEveryRelevantSnapshot) {
    for (const float scale : {1.0F, 2.0F}) {
        HeadlessImGui imgui;
        apply_style(scale);
        HeadlessImGui::build_fonts();
        for (const auto& [name, snapshot] : relevant_snapshots()) {
            for (const auto& info : wizard_steps()) {
                for (const bool show_log : {false, true}) {
                    SCOPED_TRACE(fmt::format("scale {} snapshot {} page {} log {}", scale, name,
                                             step_slug(info.step), show_log));
                    UiModel model;
                    model.current = info.step;
                    model.furthest = WizardStep::done;
                    model.show_log = show_log;
                    if (!snapshot.devices.empty()) {
                        model.selected_device = snapshot.devices.front().id;
                    }
                    // Two frames: windows size themselves on the first.
                    imgui.frame(model, snapshot);
                    const auto intents = imgui.frame(model, snapshot);
                    EXPECT_TRUE(intents.empty()) << "no input, so no intent";
                    const ImDrawData* data = ImGui::GetDrawData();
                    ASSERT_NE(data, nullptr);
                    EXPECT_TRUE(data->Valid);
                    EXPECT_GT(data->TotalVtxCount, 0);
                    const ImGuiWindow* log = ImGui::FindWindowByName("Log");
                    EXPECT_EQ(log != nullptr && log->Active, show_log)
                        << "the log window is drawn exactly when asked for";
                }
            }
        }
    }
}

// Clicks at a point the way a mouse does: hover, press, release over three frames.
std::vector<Intent> click(HeadlessImGui& imgui, const UiModel& model, const Snapshot& snapshot,
                          ImVec2 at) {
    ImGuiIO& io = ImGui::GetIO();
    std::vector<Intent> all;
    for (const bool down : {false, true, false}) {
        io.MousePos = at;
        io.MouseDown[0] = down;
        for (auto& value : imgui.frame(model, snapshot)) {
            all.push_back(std::move(value));
        }
    }
    io.MousePos = ImVec2(-1.0F, -1.0F);
    return all;
}

const ImGuiWindow* page_window() {
    for (const ImGuiWindow* window : GImGui->Windows) {
        if (std::string_view(window->Name).rfind("syxflash/page", 0) == 0) {
            return window;
        }
    }
    return nullptr;
}

// Centre of the Next (right) or Back (left) button at the bottom of the page.
ImVec2 navigation_button(bool next) {
    const ImGuiWindow* page = page_window();
    EXPECT_NE(page, nullptr);
    if (page == nullptr) {
        return {};
    }
    const ImGuiStyle& style = ImGui::GetStyle();
    const float y =
        page->Pos.y + page->Size.y - style.WindowPadding.y - ImGui::GetFrameHeight() / 2;
    const float x = next ? page->Pos.x + page->Size.x - style.WindowPadding.x - 8.0F
                         : page->Pos.x + style.WindowPadding.x + 8.0F;
    return {x, y};
}

// A device chosen and ready on its port: the Device page's Next is open.
Snapshot device_ready() {
    Snapshot s;
    s.devices = {test::card("moog-little-phatty", "Moog Little Phatty", "Moog Music")};
    s.flow.device_id = "moog-little-phatty";
    s.flow.port = "moog-little-phatty";
    return s;
}

UiModel device_chosen() {
    UiModel model;
    model.selected_device = "moog-little-phatty";
    return model;
}

TEST(Views, ClickingNextAndBackEmitsWhatTheButtonsSay) {
    HeadlessImGui imgui;
    HeadlessImGui::build_fonts();
    Controller controller(device_chosen());
    const Snapshot snapshot = device_ready();
    imgui.frame(controller.model(), snapshot);

    auto intents = click(imgui, controller.model(), snapshot, navigation_button(true));
    ASSERT_EQ(intents.size(), 1U);
    EXPECT_EQ(describe(intents[0]), "next");
    for (const auto& value : intents) {
        controller.apply(value, snapshot);
    }
    EXPECT_EQ(controller.model().current, WizardStep::connection);

    imgui.frame(controller.model(), snapshot);
    intents = click(imgui, controller.model(), snapshot, navigation_button(false));
    ASSERT_EQ(intents.size(), 1U);
    EXPECT_EQ(describe(intents[0]), "back");
}

TEST(Views, ADisabledNextButtonEmitsNothing) {
    HeadlessImGui imgui;
    HeadlessImGui::build_fonts();
    Snapshot snapshot; // the engine exists, no device chosen: Next is disabled
    const UiModel model;
    imgui.frame(model, snapshot);
    EXPECT_TRUE(click(imgui, model, snapshot, navigation_button(true)).empty());
    EXPECT_TRUE(click(imgui, model, snapshot, navigation_button(false)).empty())
        << "Back on the first page";
}

} // namespace
} // namespace syx::gui

namespace syx::gui {
namespace {

// Presses a key for one frame and releases it on the next, returning the intents of both.
std::vector<Intent> press(test::HeadlessImGui& imgui, const UiModel& model,
                          const Snapshot& snapshot, ImGuiKey key) {
    ImGuiIO& io = ImGui::GetIO();
    std::vector<Intent> all;
    for (const bool down : {true, false}) {
        io.KeysDown[io.KeyMap[key]] = down;
        for (auto& value : imgui.frame(model, snapshot)) {
            all.push_back(std::move(value));
        }
    }
    return all;
}

TEST(Views, TheWizardCanBeDrivenFromTheKeyboard) {
    test::HeadlessImGui imgui;
    test::HeadlessImGui::build_fonts();
    Controller controller(device_chosen());
    const Snapshot snapshot = device_ready();
    imgui.frame(controller.model(), snapshot);
    imgui.frame(controller.model(), snapshot);
    // Walk the focus with the arrow keys and press Space on each item until one of them moves
    // the wizard on; a keyboard user must be able to reach Next without a mouse.
    bool moved_on = false;
    for (int i = 0; i < 40 && !moved_on; ++i) {
        press(imgui, controller.model(), snapshot, ImGuiKey_DownArrow);
        for (const auto& value : press(imgui, controller.model(), snapshot, ImGuiKey_Space)) {
            if (std::holds_alternative<intent::Next>(value)) {
                moved_on = controller.apply(value, snapshot);
            }
        }
    }
    EXPECT_TRUE(moved_on) << "Next could not be reached with arrow keys and Space";
    EXPECT_EQ(controller.model().current, WizardStep::connection);
}

} // namespace
} // namespace syx::gui
