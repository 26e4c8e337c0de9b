// Small pieces of the GUI: options, config paths, frame statistics, the snapshot channel.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "gui/app_options.hpp"
#include "gui/config_paths.hpp"
#include "gui/frame_stats.hpp"
#include "gui/snapshot_channel.hpp"

namespace syx::gui {
namespace {

TEST(AppOptions, ParsesTheDocumentedFlags) {
    const auto parsed = parse_app_options(
        {"--simulate", "parker-midifly", "--autopilot", "--screenshot-dir", "shots"});
    ASSERT_FALSE(parsed.exit_code.has_value()) << parsed.output;
    EXPECT_EQ(parsed.options.simulate_id, "parker-midifly");
    EXPECT_TRUE(parsed.options.autopilot);
    EXPECT_EQ(parsed.options.screenshot_dir, "shots");
    EXPECT_EQ(parsed.options.bench_idle_seconds, 0.0);
}

TEST(AppOptions, VersionPrintsVersionAndBuildDetails) {
    const auto parsed = parse_app_options({"--version"});
    ASSERT_EQ(parsed.exit_code, 0);
    EXPECT_EQ(parsed.output.rfind("syxflash 0.", 0), 0U) << parsed.output;
    EXPECT_NE(parsed.output.find("Dear ImGui"), std::string::npos) << parsed.output;
}

TEST(AppOptions, UnknownFlagsAndBadValuesAreUsageErrors) {
    const auto unknown = parse_app_options({"--frobnicate"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.output.find("--frobnicate"), std::string::npos) << unknown.output;
    EXPECT_EQ(parse_app_options({"--bench-idle", "0"}).exit_code, 2);
    EXPECT_EQ(parse_app_options({"--bench-idle", "soon"}).exit_code, 2);
}

TEST(AppOptions, HelpTeachesWithExamples) {
    const auto parsed = parse_app_options({"--help"});
    ASSERT_EQ(parsed.exit_code, 0);
    EXPECT_NE(parsed.output.find("--simulate moog-little-phatty"), std::string::npos);
    EXPECT_NE(parsed.output.find("~/.config/syxflash"), std::string::npos);
}

TEST(ConfigPaths, FollowsTheXdgBaseDirectorySpec) {
    EXPECT_EQ(config_dir("/tmp/cfg", "/home/ann"), "/tmp/cfg/syxflash");
    EXPECT_EQ(config_dir(nullptr, "/home/ann"), "/home/ann/.config/syxflash");
    EXPECT_EQ(config_dir("", "/home/ann"), "/home/ann/.config/syxflash");
    // Relative XDG_CONFIG_HOME values are invalid per the spec and ignored.
    EXPECT_EQ(config_dir("relative/dir", "/home/ann"), "/home/ann/.config/syxflash");
    // Nowhere sensible to write: no settings file at all (never beside the binary).
    EXPECT_TRUE(config_dir(nullptr, nullptr).empty());
    EXPECT_TRUE(config_dir("rel", "also-rel").empty());
}

TEST(FrameStats, NearestRankPercentiles) {
    FrameStats stats;
    EXPECT_EQ(stats.percentile(50).count(), 0);
    for (int ms = 100; ms >= 1; --ms) {
        stats.add(std::chrono::milliseconds(ms));
    }
    EXPECT_EQ(stats.count(), 100U);
    EXPECT_EQ(stats.percentile(50), std::chrono::milliseconds(50));
    EXPECT_EQ(stats.percentile(99), std::chrono::milliseconds(99));
    EXPECT_EQ(stats.percentile(100), std::chrono::milliseconds(100));
    EXPECT_EQ(stats.percentile(0), std::chrono::milliseconds(1));
}

TEST(SnapshotChannel, PublishingFromAnotherThreadWakesTheUiWithTheNewSnapshot) {
    Snapshot first;
    first.status = "first";
    SnapshotChannel channel(first);
    std::atomic<int> wakes{0};
    channel.set_waker([&] { ++wakes; });
    const auto before = channel.latest();
    std::thread engine([&] {
        Snapshot next;
        next.status = "second";
        next.generation = 0; // publishers need not count; the channel does
        channel.publish(next);
    });
    engine.join();
    EXPECT_EQ(wakes.load(), 1);
    const auto after = channel.latest();
    EXPECT_EQ(after->status, "second");
    EXPECT_GT(after->generation, before->generation);
    EXPECT_EQ(before->status, "first") << "a published snapshot never changes under a reader";
}

} // namespace
} // namespace syx::gui

#include "headless_imgui.hpp"
#include <imgui.h>

#include "gui/window_settings.hpp"

namespace syx::gui {
namespace {

TEST(WindowSettings, TheWindowSizeRoundTripsThroughTheSettingsFile) {
    test::HeadlessImGui imgui;
    WindowSettings settings;
    register_window_settings(&settings);
    const char* saved = "[Syxflash][Window]\nSize=900,640\n\n[Window][Log]\nPos=60,60\n";
    ImGui::LoadIniSettingsFromMemory(saved);
    EXPECT_EQ(settings.width, 900);
    EXPECT_EQ(settings.height, 640);

    settings.width = 1234;
    settings.height = 777;
    const std::string written = ImGui::SaveIniSettingsToMemory();
    EXPECT_NE(written.find("[Syxflash][Window]\nSize=1234,777\n"), std::string::npos) << written;
}

TEST(WindowSettings, DamagedValuesAreIgnored) {
    test::HeadlessImGui imgui;
    WindowSettings settings;
    register_window_settings(&settings);
    ImGui::LoadIniSettingsFromMemory(
        "[Syxflash][Window]\nSize=0,-5\n[Syxflash][Other]\nSize=1,1\n");
    EXPECT_EQ(settings.width, 0);
    EXPECT_EQ(settings.height, 0);
    EXPECT_EQ(std::string(ImGui::SaveIniSettingsToMemory()).find("Syxflash"), std::string::npos)
        << "nothing saved until there is a size";
}

} // namespace
} // namespace syx::gui
