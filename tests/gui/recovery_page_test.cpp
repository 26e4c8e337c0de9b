// The Recovery page when the file to send again is not ready (an interrupted update whose file
// has gone): the chooser is right there, Start waits for a file, and nothing needs a backup.
#include <string>
#include <string_view>

#include "cards.hpp"
#include "find_widgets.hpp"
#include <gtest/gtest.h>

#include "gui/controller.hpp"
#include "gui/style.hpp"

namespace syx::gui {
namespace {

Snapshot resuming_without_file() {
    Snapshot s;
    s.flow.device_id = "parker-midifly";
    s.flow.device_name = "Parker MIDIFly";
    s.flow.port = "parker-midifly";
    s.flow.firmware_supported = true;
    s.flow.recovery_title = "Resend the firmware";
    s.flow.recovery_steps = {"Hold the button while powering on.", "Send the firmware again."};
    const auto u = test::interrupted("20261121T010203Z-parker-midifly-1", "parker-midifly",
                                     "Parker MIDIFly", "/home/me/Downloads/midifly-2.0.syx", false);
    s.flow.interrupted = {u};
    s.flow.resuming_session = u.session;
    s.flow.recent_files = {"/home/me/Music/midifly-2.0.syx"};
    s.flow.browser.path = "/home/me/Downloads";
    s.flow.browser.parent = "/home/me";
    s.flow.browser.entries = {
        FolderEntry{"old", "/home/me/Downloads/old", true},
        FolderEntry{"midifly-2.1.syx", "/home/me/Downloads/midifly-2.1.syx", false}};
    return s;
}

// Every intent the Recovery page emits when a mouse clicks every item on it (or, given a child
// window's name, every item in that child: clicking the page would fold the browser away).
std::vector<Intent> click_recovery_page(const Snapshot& snapshot, std::string_view child = {}) {
    test::HeadlessImGui imgui(ImVec2(1280.0F, 3000.0F)); // tall: nothing scrolled out of reach
    apply_style(1.0F);
    test::HeadlessImGui::build_fonts();
    UiModel model;
    model.current = WizardStep::recovery;
    model.recovery_open = true;
    imgui.frame(model, snapshot);
    imgui.frame(model, snapshot);
    if (!child.empty()) {
        const ImGuiWindow* inner = test::drawn_child(child);
        EXPECT_NE(inner, nullptr) << child << " is drawn";
        return inner == nullptr ? std::vector<Intent>{}
                                : test::click_everything_in(imgui, model, snapshot, inner->Rect());
    }
    const ImGuiWindow* page = nullptr;
    for (const ImGuiWindow* window : GImGui->Windows) {
        if (std::string_view(window->Name).rfind("syxflash/page", 0) == 0) {
            page = window; // the page itself, not a child of it (the file browser)
            break;
        }
    }
    EXPECT_NE(page, nullptr) << "the page window exists";
    if (page == nullptr) {
        return {};
    }
    return test::click_everything_in(imgui, model, snapshot, page->Rect());
}

template <typename T>
int count_of(const std::vector<Intent>& intents) {
    int n = 0;
    for (const auto& v : intents) {
        n += std::holds_alternative<T>(v) ? 1 : 0;
    }
    return n;
}

TEST(RecoveryPage, WithoutTheFileStartWaitsAndTheChooserIsOnThePage) {
    const auto intents = click_recovery_page(resuming_without_file());
    EXPECT_EQ(count_of<intent::StartRecovery>(intents), 0)
        << "nothing can be resent before a file is chosen";
    EXPECT_EQ(count_of<intent::GoTo>(intents), 0) << "no detour through other pages";
    bool recent = false;
    for (const auto& v : intents) {
        if (const auto* choose = std::get_if<intent::ChooseFirmware>(&v)) {
            recent = recent || choose->path == "/home/me/Music/midifly-2.0.syx";
        }
    }
    EXPECT_TRUE(recent) << "the recent file is offered";

    const auto browsed = click_recovery_page(resuming_without_file(), "browser");
    bool browsed_file = false;
    for (const auto& v : browsed) {
        if (const auto* choose = std::get_if<intent::ChooseFirmware>(&v)) {
            browsed_file = browsed_file || choose->path == "/home/me/Downloads/midifly-2.1.syx";
        }
    }
    EXPECT_TRUE(browsed_file) << "the browser, opened where the file was, chooses a file";
    EXPECT_EQ(count_of<intent::BrowseFolder>(browsed), 2) << "up, and into the folder";
}

TEST(RecoveryPage, AnUnknownReleaseIsConfirmedThereAndAReadyFileStartsTheRecovery) {
    Snapshot s = resuming_without_file();
    s.flow.firmware.path = "/home/me/Music/midifly-2.0.syx";
    s.flow.firmware.loaded = true;
    s.flow.firmware.refused = false;
    s.flow.firmware.unknown_release = true;
    s.flow.firmware.typed_confirmation = "send unknown firmware";
    auto intents = click_recovery_page(s);
    EXPECT_EQ(count_of<intent::StartRecovery>(intents), 0) << "not confirmed yet";
    EXPECT_EQ(count_of<intent::ConfirmUnknownRelease>(intents), 1) << "the confirmation is here";

    s.flow.firmware_confirmed = true;
    intents = click_recovery_page(s);
    EXPECT_EQ(count_of<intent::StartRecovery>(intents), 1);
    EXPECT_EQ(count_of<intent::ChooseFirmware>(intents), 0) << "the chooser steps aside";
}

TEST(RecoveryPage, AFileRefusedByValidationCannotBeResent) {
    Snapshot s = resuming_without_file();
    s.flow.firmware.path = "/home/me/Music/wrong-device.syx";
    s.flow.firmware.loaded = true;
    s.flow.firmware.refused = true;
    s.flow.firmware.findings = {"error: this file is for another device"};
    s.flow.firmware.finding_levels = {Severity::error};
    const auto intents = click_recovery_page(s);
    EXPECT_EQ(count_of<intent::StartRecovery>(intents), 0);
    EXPECT_GE(count_of<intent::ChooseFirmware>(intents), 1) << "another file can be chosen";
}

} // namespace
} // namespace syx::gui
