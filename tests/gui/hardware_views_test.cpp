// Headless checks of the hardware-mode views: every page draws for hardware snapshots (ranked
// ports, the DIN warning, Detect results, self-test results, the no-ports banner), and the
// buttons emit what they say.
#include <set>
#include <string>
#include <string_view>

#include "cards.hpp"
#include "headless_imgui.hpp"
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <imgui_internal.h>

#include "gui/controller.hpp"
#include "gui/style.hpp"

namespace syx::gui {
namespace {

using test::HeadlessImGui;

PortRow port_row(std::string output, PortKind kind, std::string badge, bool recommended,
                 bool chosen) {
    PortRow r;
    r.output = output;
    r.input = std::move(output);
    r.kind = kind;
    r.badge = std::move(badge);
    r.reason = "because";
    r.recommended = recommended;
    r.chosen = chosen;
    return r;
}

Snapshot hardware_snapshot() {
    Snapshot s;
    s.mode = RunMode::hardware;
    s.devices = {test::card("moog-little-phatty", "Moog Little Phatty", "Moog Music")};
    s.flow.device_id = "moog-little-phatty";
    s.flow.device_name = "Moog Little Phatty";
    s.flow.port = "Little Phatty SE:Little Phatty SE MIDI 1 24:0";
    s.flow.port_badge = "the Moog Little Phatty's own USB port";
    s.flow.link = Link::usb;
    auto& hw = s.flow.hardware;
    hw.api = "alsa";
    hw.scanned = true;
    hw.ports = {port_row("Little Phatty SE:Little Phatty SE MIDI 1 24:0", PortKind::device_usb,
                         "the Moog Little Phatty's own USB port", true, true),
                port_row("UM-ONE:UM-ONE MIDI 1 20:0", PortKind::interface, "MIDI interface, so DIN",
                         false, false),
                port_row("Midi Through:Midi Through Port-0 14:0", PortKind::virtual_port,
                         "virtual (software) port", false, false)};
    hw.ports[1].known_bad = "drops bytes [R]";
    hw.ports[2].usable = false;
    return s;
}

std::vector<std::pair<std::string, Snapshot>> snapshots() {
    std::vector<std::pair<std::string, Snapshot>> all;
    all.emplace_back("ranked", hardware_snapshot());

    auto warning = hardware_snapshot();
    warning.flow.hardware.din_warning =
        DinWarning{"UM-ONE:UM-ONE MIDI 1 20:0", "Slower: at most 3125 bytes/s."};
    all.emplace_back("din-warning", warning);

    auto detected = hardware_snapshot();
    detected.flow.hardware.detect_ran = true;
    DetectRow lp;
    lp.output = "Little Phatty SE:Little Phatty SE MIDI 1 24:0";
    lp.device_id = "moog-little-phatty";
    lp.device_name = "Moog Little Phatty";
    lp.identity = "manufacturer 04, family 5, member 1, version 01 03 00 00";
    DetectRow silent;
    silent.output = "UM-ONE:UM-ONE MIDI 1 20:0";
    silent.problem = "no answer within 700 ms";
    DetectRow stranger;
    stranger.output = "Scarlett 2i4 USB:Scarlett 2i4 USB MIDI 1 16:0";
    stranger.identity = "manufacturer 00 20 29";
    detected.flow.hardware.detected = {lp, silent, stranger};
    all.emplace_back("detected", detected);

    auto nothing = hardware_snapshot();
    nothing.flow.hardware.detect_ran = true;
    nothing.flow.hardware.detected = {silent};
    all.emplace_back("nothing-answered", nothing);

    for (const bool passed : {true, false}) {
        auto tested = hardware_snapshot();
        tested.flow.hardware.self_test = {"UM-ONE:UM-ONE MIDI 1 20:0", false, true, passed,
                                          passed ? "Passed: all 4096 bytes came back."
                                                 : "Corrupted at message 3 byte 10."};
        all.emplace_back(passed ? "self-test-passed" : "self-test-failed", tested);
    }
    auto running = hardware_snapshot();
    running.flow.engine_busy = true;
    running.flow.hardware.detecting = true;
    running.flow.hardware.self_test.running = true;
    all.emplace_back("busy", running);

    auto no_device = hardware_snapshot();
    no_device.flow = FlowView{};
    no_device.flow.hardware = hardware_snapshot().flow.hardware;
    all.emplace_back("no-device", no_device);

    Snapshot none;
    none.mode_reason = "No MIDI ports found (alsa: not available; jack: not available): "
                       "practising with the built-in emulator. Connect the instrument and choose "
                       "Rescan.";
    all.emplace_back("no-ports", none);
    return all;
}

TEST(HardwareViews, EveryPageDrawsForEveryHardwareSnapshot) {
    for (const float scale : {1.0F, 2.0F}) {
        HeadlessImGui imgui;
        apply_style(scale);
        HeadlessImGui::build_fonts();
        for (const auto& [name, snapshot] : snapshots()) {
            for (const auto& info : wizard_steps()) {
                SCOPED_TRACE(
                    fmt::format("scale {} snapshot {} page {}", scale, name, step_slug(info.step)));
                UiModel model;
                model.current = info.step;
                model.furthest = WizardStep::done;
                model.selected_device = "moog-little-phatty";
                imgui.frame(model, snapshot);
                EXPECT_TRUE(imgui.frame(model, snapshot).empty()) << "no input, so no intent";
                const ImDrawData* data = ImGui::GetDrawData();
                ASSERT_NE(data, nullptr);
                EXPECT_TRUE(data->Valid);
            }
        }
    }
}

// Moves the mouse over the whole page in small steps and clicks every item it finds under the
// pointer once, collecting what the clicks emit (what a user clicking through the page gets).
std::vector<Intent> click_everything(const UiModel& model, const Snapshot& snapshot) {
    HeadlessImGui imgui;
    HeadlessImGui::build_fonts();
    imgui.frame(model, snapshot);
    imgui.frame(model, snapshot);
    ImVec2 lo{0.0F, 0.0F};
    ImVec2 hi{0.0F, 0.0F};
    for (const ImGuiWindow* window : GImGui->Windows) {
        if (std::string_view(window->Name).rfind("syxflash/page", 0) == 0) {
            lo = window->Pos;
            hi = ImVec2(window->Pos.x + window->Size.x, window->Pos.y + window->Size.y);
            break;
        }
    }
    EXPECT_GT(hi.x, lo.x) << "the page window exists";
    ImGuiIO& io = ImGui::GetIO();
    std::vector<Intent> all;
    std::set<ImGuiID> clicked;
    const auto collect = [&] {
        for (auto& value : imgui.frame(model, snapshot)) {
            all.push_back(std::move(value));
        }
    };
    for (float y = lo.y + 2.0F; y < hi.y; y += 7.0F) {
        for (float x = lo.x + 2.0F; x < hi.x; x += 14.0F) {
            io.MousePos = ImVec2(x, y);
            collect();
            const ImGuiID id = GImGui->HoveredId;
            if (id == 0 || !clicked.insert(id).second) {
                continue;
            }
            io.MouseDown[0] = true;
            collect();
            io.MouseDown[0] = false;
            collect();
        }
    }
    io.MousePos = ImVec2(-1.0F, -1.0F);
    return all;
}

template <typename T>
std::vector<T> all_of(const std::vector<Intent>& intents) {
    std::vector<T> out;
    for (const auto& v : intents) {
        if (const auto* p = std::get_if<T>(&v)) {
            out.push_back(*p);
        }
    }
    return out;
}

TEST(HardwareViews, TheConnectionPageOffersEveryUsablePortAndTheSelfTest) {
    UiModel model;
    model.current = WizardStep::connection;
    model.furthest = WizardStep::connection;
    model.selected_device = "moog-little-phatty";
    const auto intents = click_everything(model, hardware_snapshot());
    const auto chosen = all_of<intent::ChoosePort>(intents);
    ASSERT_FALSE(chosen.empty());
    for (const auto& c : chosen) {
        EXPECT_EQ(c.output, "UM-ONE:UM-ONE MIDI 1 20:0")
            << "the port in use is already chosen; Midi Through is unusable here";
        EXPECT_FALSE(c.confirm_din) << "the first click on a DIN port only asks";
    }
    EXPECT_FALSE(all_of<intent::Rescan>(intents).empty());
    const auto tests = all_of<intent::RunSelfTest>(intents);
    ASSERT_EQ(tests.size(), 1U) << "the self-test is offered for the interface only";
    EXPECT_EQ(tests[0].output, "UM-ONE:UM-ONE MIDI 1 20:0");
}

TEST(HardwareViews, TheDinWarningsButtonConfirmsTheInterface) {
    UiModel model;
    model.current = WizardStep::connection;
    model.furthest = WizardStep::connection;
    model.selected_device = "moog-little-phatty";
    auto snapshot = hardware_snapshot();
    snapshot.flow.hardware.din_warning = DinWarning{"UM-ONE:UM-ONE MIDI 1 20:0", "Slower."};
    const auto chosen = all_of<intent::ChoosePort>(click_everything(model, snapshot));
    bool confirmed = false;
    bool kept = false;
    for (const auto& c : chosen) {
        confirmed = confirmed || (c.output == "UM-ONE:UM-ONE MIDI 1 20:0" && c.confirm_din);
        kept = kept || c.output == snapshot.flow.port;
    }
    EXPECT_TRUE(confirmed) << "Use the MIDI interface anyway";
    EXPECT_TRUE(kept) << "Keep the current port";
}

TEST(HardwareViews, DetectAndUsingWhatAnsweredSelectBothDeviceAndPort) {
    UiModel model;
    auto snapshot = hardware_snapshot();
    snapshot.flow.hardware.detect_ran = true;
    DetectRow lp;
    lp.output = "Little Phatty SE:Little Phatty SE MIDI 1 24:0";
    lp.device_id = "moog-little-phatty";
    lp.device_name = "Moog Little Phatty";
    lp.identity = "manufacturer 04";
    snapshot.flow.hardware.detected = {lp};
    const auto intents = click_everything(model, snapshot);
    EXPECT_FALSE(all_of<intent::DetectDevices>(intents).empty()) << "the Detect button";
    // "Use it" emits the device and then its port, in that order.
    bool pair = false;
    for (std::size_t i = 0; i + 1 < intents.size(); ++i) {
        const auto* select = std::get_if<intent::SelectDevice>(&intents[i]);
        const auto* port = std::get_if<intent::ChoosePort>(&intents[i + 1]);
        pair = pair || (select != nullptr && port != nullptr &&
                        select->id == "moog-little-phatty" && port->output == lp.output);
    }
    EXPECT_TRUE(pair);
}

TEST(HardwareViews, SimulatedModeWithoutPortsOffersRescan) {
    UiModel model;
    Snapshot snapshot;
    snapshot.mode_reason = "No MIDI ports found (alsa: not available): practising with the "
                           "built-in emulator. Connect the instrument and choose Rescan.";
    EXPECT_FALSE(all_of<intent::Rescan>(click_everything(model, snapshot)).empty());
    // Without a reason (--simulate) there is nothing to rescan.
    snapshot.mode_reason.clear();
    snapshot.simulate_id = "moog-little-phatty";
    EXPECT_TRUE(all_of<intent::Rescan>(click_everything(model, snapshot)).empty());
}

} // namespace
} // namespace syx::gui
