// syxflash: the Dear ImGui wizard. This file is the only glue between GLFW/OpenGL and the views:
// it owns the window and the frame loop, feeds view intents (and the autopilot's) to the
// Controller, and sleeps in glfwWaitEvents until input or a new snapshot arrives.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <GLFW/glfw3.h>
#include <fmt/core.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/data_paths.hpp"
#include "gui/app_options.hpp"
#include "gui/autopilot.hpp"
#include "gui/config_paths.hpp"
#include "gui/controller.hpp"
#include "gui/device_cards.hpp"
#include "gui/draw_cost.hpp"
#include "gui/flat_fill.hpp"
#include "gui/frame_stats.hpp"
#include "gui/screenshot.hpp"
#include "gui/snapshot_channel.hpp"
#include "gui/style.hpp"
#include "gui/views.hpp"
#include "gui/window_settings.hpp"
#include "gui/wizard_engine.hpp"

namespace {

using namespace syx::gui;
using Clock = std::chrono::steady_clock;

// Frames drawn after each wake-up: ImGui reacts to some input one frame late (hover, the
// release of a click, windows sizing themselves), so one frame per event is not enough.
constexpr int kFramesPerWake = 3;
// Shortest time between redraws caused only by new snapshots (progress during a transfer).
constexpr std::chrono::milliseconds kSnapshotRedrawInterval{33};
// Frames the autopilot lets a page settle before photographing it and moving on.
constexpr int kAutopilotSettleFrames = 3;
constexpr std::chrono::seconds kAutopilotTimeLimit{300};

double process_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// CPU time of every thread of the process (Mesa's rasteriser threads included).
std::chrono::nanoseconds process_cpu_time() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return std::chrono::seconds{t.tv_sec} + std::chrono::nanoseconds{t.tv_nsec};
}

double to_ms(std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

Snapshot initial_snapshot(const AppOptions& options, float scale,
                          const syx::CatalogueLoad& catalogue) {
    Snapshot snapshot;
    // Simulated until the engine has found real ports (it switches to hardware mode itself).
    snapshot.mode = RunMode::simulated;
    snapshot.simulate_id = options.simulate_id;
    snapshot.log.push_back(version_text());
    snapshot.log.push_back(fmt::format("Display scale {:.2f} (text and spacing sized to match).",
                                       static_cast<double>(scale)));
    snapshot.devices = device_cards(catalogue.catalogue);
    snapshot.log.push_back(fmt::format("{} devices in the catalogue.", snapshot.devices.size()));
    for (const auto& problem : catalogue.problems) {
        snapshot.log.push_back("Manifest left out: " + problem.to_string());
    }
    if (hardware_apis(options).empty()) {
        snapshot.log.emplace_back("Running in simulated mode against the built-in emulator.");
    } else {
        // The engine's worker lists the ports (I/O never runs on the UI thread).
        snapshot.mode_reason = "Looking for MIDI ports…";
    }
    snapshot.status = "Simulated mode";
    return snapshot;
}

// flat_fill.hpp: an opaque background rectangle as a scissored clear. The OpenGL3 backend calls
// this with its scissor test on; the next draw command sets its own scissor again.
void clear_flat_rectangle(const ImDrawList* /*list*/, const ImDrawCmd* cmd) {
    const ImDrawData* data = ImGui::GetDrawData();
    if (data == nullptr) {
        return;
    }
    const ImVec2 scale = data->FramebufferScale;
    const float fb_height = data->DisplaySize.y * scale.y;
    const float x0 = (cmd->ClipRect.x - data->DisplayPos.x) * scale.x;
    const float y0 = (cmd->ClipRect.y - data->DisplayPos.y) * scale.y;
    const float x1 = (cmd->ClipRect.z - data->DisplayPos.x) * scale.x;
    const float y1 = (cmd->ClipRect.w - data->DisplayPos.y) * scale.y;
    if (x1 <= x0 || y1 <= y0) {
        return;
    }
    const ImVec4 colour = ImGui::ColorConvertU32ToFloat4(flat_fill_colour(*cmd));
    glScissor(static_cast<GLint>(x0), static_cast<GLint>(fb_height - y1),
              static_cast<GLsizei>(x1 - x0), static_cast<GLsizei>(y1 - y0));
    glClearColor(colour.x, colour.y, colour.z, 1.0F);
    glClear(GL_COLOR_BUFFER_BIT);
}

void glfw_error(int code, const char* description) {
    std::fprintf(stderr, "syxflash: window system error %d: %s\n", code, description);
}

struct Phase {
    const char* name = "";
    double seconds = 0.0;
    double cpu_seconds = 0.0;
    FrameStats frames;
    // The views and ImGui's layout alone (no OpenGL): what the UI code costs.
    FrameStats ui;
};

void print_phase(const Phase& phase) {
    fmt::print("bench {}: {:.1f} s, CPU {:.2f} % of one core, {} frames drawn, frame time p50 "
               "{:.2f} ms, p99 {:.2f} ms\n",
               phase.name, phase.seconds, 100.0 * phase.cpu_seconds / phase.seconds,
               phase.frames.count(), to_ms(phase.frames.percentile(50)),
               to_ms(phase.frames.percentile(99)));
    fmt::print("bench {}: of which building the UI (views + ImGui layout, no OpenGL) p50 {:.2f} "
               "ms, p99 {:.2f} ms\n",
               phase.name, to_ms(phase.ui.percentile(50)), to_ms(phase.ui.percentile(99)));
}

class App {
public:
    App(GLFWwindow* window, const AppOptions& options, float scale,
        const syx::CatalogueLoad& catalogue)
        : m_window(window), m_options(options),
          m_channel(initial_snapshot(options, scale, catalogue)) {
        m_channel.set_waker([] { glfwPostEmptyEvent(); });
        EngineConfig config;
        config.faults = options.faults;
        std::error_code ec;
        config.work_dir = std::filesystem::temp_directory_path(ec) /
                          fmt::format("syxflash-{}", static_cast<long>(getpid()));
        std::filesystem::create_directories(config.work_dir, ec);
        HardwareConfig hardware;
        for (const auto& name : hardware_apis(options)) {
            if (const auto api = syx::transport::parse_api(name)) {
                hardware.apis.push_back(*api);
            }
        }
        m_engine = std::make_unique<WizardEngine>(
            catalogue, *m_channel.latest(), config,
            [this](Snapshot s) { m_channel.publish(std::move(s)); }, std::move(hardware));
        m_controller.set_engine([this](const Intent& value) { m_engine->post(value); });
        glfwSetWindowUserPointer(window, this);
        glfwSetDropCallback(window, [](GLFWwindow* w, int count, const char** paths) {
            auto* self = static_cast<App*>(glfwGetWindowUserPointer(w));
            if (self != nullptr && count > 0) {
                self->m_dropped.emplace_back(paths[0]);
            }
        });
        if (!options.simulate_id.empty()) {
            // The device asked for on the command line starts selected, as if clicked.
            m_controller.apply(intent::SelectDevice{options.simulate_id}, *m_channel.latest());
        }
        if (options.autopilot && !hardware_apis(options).empty()) {
            m_autopilot.emplace(
                AutopilotHardware{options.autopilot_firmware, options.autopilot_display});
        } else if (options.autopilot) {
            m_autopilot.emplace();
        }
    }

    int run() {
        if (m_options.bench_idle_seconds > 0.0) {
            return bench();
        }
        while (!should_stop()) {
            wait();
            const auto woke = Clock::now();
            const bool input = draw_frame(nullptr);
            if (m_autopilot) {
                continue;
            }
            // Input gets the extra frames ImGui needs; a new snapshot alone gets one more (layout
            // settling) and then at most ~30 redraws a second, so a long upload does not spend a
            // core on software OpenGL beside the pacing thread. Input waits at most that long.
            for (int i = 1; i < (input ? kFramesPerWake : 2) && !should_stop(); ++i) {
                glfwPollEvents();
                draw_frame(nullptr);
            }
            if (!input) {
                std::this_thread::sleep_until(woke + kSnapshotRedrawInterval);
            }
        }
        if (m_autopilot) {
            return finish_autopilot();
        }
        return 0;
    }

private:
    bool should_stop() {
        return glfwWindowShouldClose(m_window) == GLFW_TRUE ||
               m_controller.model().quit_requested || m_failed;
    }

    void wait(std::optional<double> timeout = std::nullopt) {
        if (m_autopilot) {
            // Sessions run in real time; wake at least every 20 ms to act like a user.
            glfwWaitEventsTimeout(0.02);
        } else if (timeout) {
            glfwWaitEventsTimeout(*timeout);
        } else if (ImGui::GetIO().WantTextInput) {
            // A text field has the focus: wake twice a second so its caret blinks.
            glfwWaitEventsTimeout(0.5);
        } else {
            glfwWaitEvents();
        }
    }

    // Draws one frame; returns whether the user did something in it (mouse, keys, text, a
    // resized window) rather than only a new snapshot arriving.
    bool draw_frame(FrameStats* stats, FrameStats* ui_stats = nullptr) {
        const auto started = Clock::now();
        const auto cpu_started = process_cpu_time();
        const std::shared_ptr<const Snapshot> snapshot = m_channel.latest();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        const bool input = user_input_this_frame() || !m_dropped.empty();
        std::vector<Intent> intents = draw_wizard(m_controller.model(), *snapshot);
        for (auto& path : m_dropped) {
            // A file dropped onto the window is a choice of firmware, as if typed.
            intents.emplace_back(intent::ChooseFirmware{std::move(path)});
        }
        m_dropped.clear();
        ImGui::Render();
        const auto built = Clock::now();
        if (ui_stats != nullptr) {
            ui_stats->add(built - started);
        }
        int width = 0;
        int height = 0;
        glfwGetFramebufferSize(m_window, &width, &height);
        glViewport(0, 0, width, height);
        // The wizard's frame window draws no background of its own (views.cpp): the clear
        // colour is the style's window background.
        const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
        glClearColor(background.x, background.y, background.z, 1.0F);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        const auto rendered = Clock::now();
        const double covered =
            snapshot->transfer_running ? covered_pixels(*ImGui::GetDrawData()) : 0.0;

        Clock::duration autopilot_time{0};
        if (m_autopilot) {
            const auto t0 = Clock::now();
            drive_autopilot(*snapshot, width, height);
            // Not the UI's cost: screenshots are PNG-encoded here.
            autopilot_time = Clock::now() - t0;
        }
        for (const auto& value : intents) {
            m_controller.apply(value, *snapshot);
        }
        const auto swap_start = Clock::now();
        glfwSwapBuffers(m_window);
        const auto finished = Clock::now();
        if (stats != nullptr) {
            stats->add(finished - started);
        }
        if (snapshot->transfer_running) {
            // Frames drawn while firmware is going out (target p99 ≤ 16 ms), printed at exit,
            // with where the time went: views + ImGui layout, OpenGL draw calls, buffer swap.
            m_upload_frames.add(finished - started - autopilot_time);
            m_upload_parts[0].add(built - started);
            m_upload_parts[1].add(rendered - built);
            m_upload_parts[2].add(finished - swap_start);
            m_upload_covered.push_back(covered / (static_cast<double>(width) * height));
            m_upload_cpu.add(process_cpu_time() - cpu_started - autopilot_time);
        }
        return input;
    }

    // ImGui 1.86 keeps the input state in ImGuiIO: anything pressed, released, typed, moved,
    // scrolled or resized since the last frame.
    bool user_input_this_frame() {
        const ImGuiIO& io = ImGui::GetIO();
        bool input = io.MouseDelta.x != 0.0F || io.MouseDelta.y != 0.0F || io.MouseWheel != 0.0F ||
                     io.MouseWheelH != 0.0F || !io.InputQueueCharacters.empty() ||
                     io.DisplaySize.x != m_last_display.x || io.DisplaySize.y != m_last_display.y;
        m_last_display = io.DisplaySize;
        for (int b = 0; b < IM_ARRAYSIZE(io.MouseDown); ++b) {
            input = input || io.MouseClicked[b] || io.MouseReleased[b];
        }
        for (int k = 0; k < IM_ARRAYSIZE(io.KeysDown); ++k) {
            input = input || io.KeysDownDuration[k] == 0.0F ||
                    (!io.KeysDown[k] && io.KeysDownDurationPrev[k] >= 0.0F);
        }
        return input;
    }

    void photograph(const std::string& what, int width, int height) {
        if (m_options.screenshot_dir.empty()) {
            return;
        }
        const auto path = std::filesystem::path(m_options.screenshot_dir) /
                          fmt::format("{:02}-{}.png", m_screenshots.size() + 1, what);
        const auto saved = save_framebuffer_png(path, width, height);
        if (!saved) {
            fail(saved.error().message);
            return;
        }
        m_screenshots.push_back(path.string());
    }

    void drive_autopilot(const Snapshot& snapshot, int width, int height) {
        ++m_frames_total;
        if (Clock::now() - m_autopilot_start > kAutopilotTimeLimit) {
            fail(fmt::format(
                "gave up after {} s on the {} page",
                std::chrono::duration_cast<std::chrono::seconds>(kAutopilotTimeLimit).count(),
                step_slug(m_controller.model().current)));
            return;
        }
        if (++m_frames_on_page < kAutopilotSettleFrames) {
            return;
        }
        const WizardStep shown = m_controller.model().current;
        // One picture mid-upload, with the gap plot filling in.
        if (!m_upload_photographed && snapshot.flow.run &&
            snapshot.flow.run->session == RunKind::update &&
            snapshot.flow.run->progress.bytes_total > 0 &&
            snapshot.flow.run->progress.bytes_done * 2 > snapshot.flow.run->progress.bytes_total) {
            m_upload_photographed = true;
            photograph("upload-in-progress", width, height);
        }
        const auto next = m_autopilot->next(m_controller.model(), snapshot);
        if (m_autopilot->failed()) {
            fail(m_autopilot->failure());
            return;
        }
        if (!next) {
            return;
        }
        // One picture of "what does the display show?" on Verify, before it is answered.
        if (!m_verify_question_photographed && std::holds_alternative<intent::Answer>(*next) &&
            shown == WizardStep::verify && snapshot.flow.run && snapshot.flow.run->question &&
            snapshot.flow.run->question->purpose == syx::session::QuestionPurpose::display_check) {
            m_verify_question_photographed = true;
            photograph("verify-question", width, height);
        }
        if (Autopilot::leaves_page(*next)) {
            photograph(std::string(step_slug(shown)), width, height);
            fmt::print("autopilot: {} page shown\n", step_slug(shown));
        } else {
            fmt::print("autopilot: {}\n", describe(*next));
        }
        if (!m_controller.apply(*next, snapshot)) {
            fail(fmt::format("the wizard refused '{}' on the {} page", describe(*next),
                             step_slug(shown)));
            return;
        }
        if (Autopilot::leaves_page(*next)) {
            m_frames_on_page = 0;
        }
    }

    void fail(std::string message) {
        std::fprintf(stderr, "syxflash: autopilot failed: %s\n", message.c_str());
        m_failed = true;
    }

    int finish_autopilot() {
        if (m_failed || !m_autopilot->finished()) {
            if (!m_failed) {
                std::fprintf(stderr, "syxflash: autopilot failed: the window was closed before "
                                     "the wizard reached its end\n");
            }
            return 1;
        }
        if (m_upload_frames.count() > 0) {
            fmt::print("bench upload: {} frames drawn during the transfer, frame time p50 {:.2f} "
                       "ms, p99 {:.2f} ms\n",
                       m_upload_frames.count(), to_ms(m_upload_frames.percentile(50)),
                       to_ms(m_upload_frames.percentile(99)));
            fmt::print(
                "bench upload: of which views + ImGui layout p50 {:.2f} / p99 {:.2f} ms, "
                "OpenGL draw p50 {:.2f} / p99 {:.2f} ms, buffer swap p50 {:.2f} / p99 "
                "{:.2f} ms\n",
                to_ms(m_upload_parts[0].percentile(50)), to_ms(m_upload_parts[0].percentile(99)),
                to_ms(m_upload_parts[1].percentile(50)), to_ms(m_upload_parts[1].percentile(99)),
                to_ms(m_upload_parts[2].percentile(50)), to_ms(m_upload_parts[2].percentile(99)));
            fmt::print("bench upload: CPU time per frame, all of syxflash's threads (the "
                       "rasteriser's included; other programs' load does not count) p50 {:.2f} "
                       "ms, p99 {:.2f} ms\n",
                       to_ms(m_upload_cpu.percentile(50)), to_ms(m_upload_cpu.percentile(99)));
            std::sort(m_upload_covered.begin(), m_upload_covered.end());
            fmt::print("bench upload: pixels shaded per frame (overdraw included) p50 {:.2f} × "
                       "the window\n",
                       m_upload_covered[m_upload_covered.size() / 2]);
        }
        fmt::print("autopilot: reached the end after {} pages",
                   m_controller.model().visited.size());
        if (!m_screenshots.empty()) {
            fmt::print("; {} screenshots in {}", m_screenshots.size(), m_options.screenshot_dir);
        }
        fmt::print("\n");
        return 0;
    }

    // Prints the window's cost while idle, then while snapshots arrive at 60 Hz (what an upload
    // will look like). Figures are printed, never asserted (targets: idle ≤ 2 % of one core;
    // p99 ≤ 16 ms during an upload).
    int bench() {
        const auto period = std::chrono::duration<double>(m_options.bench_idle_seconds);
        Phase idle;
        idle.name = "idle";
        Phase busy;
        busy.name = "busy (snapshots at 60 Hz)";
        draw_frame(nullptr); // first frame builds the font texture; not part of the figures
        for (Phase* phase : {&idle, &busy}) {
            std::atomic<bool> stop{false};
            std::thread publisher;
            if (phase == &busy) {
                m_controller.apply(intent::ToggleLog{}, *m_channel.latest());
                publisher = std::thread([this, &stop] {
                    Snapshot next = *m_channel.latest();
                    auto deadline = Clock::now();
                    for (int k = 1; !stop.load(); ++k) {
                        deadline += std::chrono::microseconds(16667);
                        std::this_thread::sleep_until(deadline);
                        next.log.push_back(fmt::format("bench: snapshot {}", k));
                        next.status = fmt::format("bench: snapshot {}", k);
                        m_channel.publish(next);
                    }
                });
            }
            const double cpu_start = process_cpu_seconds();
            const auto start = Clock::now();
            const auto end = start + std::chrono::duration_cast<Clock::duration>(period);
            while (Clock::now() < end && glfwWindowShouldClose(m_window) == GLFW_FALSE) {
                wait(std::chrono::duration<double>(end - Clock::now()).count());
                if (Clock::now() >= end) {
                    break;
                }
                draw_frame(&phase->frames, &phase->ui);
            }
            phase->cpu_seconds = process_cpu_seconds() - cpu_start;
            phase->seconds = std::chrono::duration<double>(Clock::now() - start).count();
            stop.store(true);
            if (publisher.joinable()) {
                publisher.join();
            }
            print_phase(*phase);
        }
        return 0;
    }

    GLFWwindow* m_window;
    const AppOptions& m_options;
    SnapshotChannel m_channel;
    std::unique_ptr<WizardEngine> m_engine;
    Controller m_controller;
    std::vector<std::string> m_dropped;
    ImVec2 m_last_display{0.0F, 0.0F};
    Clock::time_point m_autopilot_start = Clock::now();
    bool m_upload_photographed = false;
    bool m_verify_question_photographed = false;
    FrameStats m_upload_frames;
    std::array<FrameStats, 3> m_upload_parts; // views + layout, OpenGL draw, swap
    std::vector<double> m_upload_covered;     // covered_pixels() / window pixels
    FrameStats m_upload_cpu;                  // process CPU time per frame
    std::optional<Autopilot> m_autopilot;
    std::vector<std::string> m_screenshots;
    int m_frames_on_page = 0;
    int m_frames_total = 0;
    bool m_failed = false;
};

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        args.emplace_back(argv[i]);
    }
    const ParsedOptions parsed = parse_app_options(args);
    if (parsed.exit_code) {
        std::fputs(parsed.output.c_str(), *parsed.exit_code == 0 ? stdout : stderr);
        return *parsed.exit_code;
    }
    const AppOptions& options = parsed.options;
    if (!options.screenshot_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.screenshot_dir, ec);
        if (ec) {
            std::fprintf(stderr, "syxflash: cannot create the screenshot folder %s: %s\n",
                         options.screenshot_dir.c_str(), ec.message().c_str());
            return 2;
        }
    }

    // Manifests are small hand-written files; loading them before the window opens lets an
    // unknown --simulate ID be a plain usage error.
    const syx::CatalogueLoad catalogue = syx::engine::load_device_catalogue();
    if (!options.simulate_id.empty() && !catalogue.catalogue.empty() &&
        catalogue.catalogue.find(options.simulate_id) == nullptr) {
        std::string known;
        for (const auto& id : catalogue.catalogue.ids()) {
            known += known.empty() ? id : ", " + id;
        }
        std::fprintf(stderr, "syxflash: unknown device '%s' for --simulate; known devices: %s\n",
                     options.simulate_id.c_str(), known.c_str());
        return 2;
    }

    glfwSetErrorCallback(glfw_error);
    if (glfwInit() == GLFW_FALSE) {
        std::fprintf(stderr, "syxflash: no display found; the wizard needs a desktop session.\n"
                             "  Headless: xvfb-run -a syxflash --autopilot\n"
                             "  Terminal: syxflash-cli --help\n");
        return 1;
    }
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(1100, 720, "syxflash", nullptr, nullptr);
    if (window == nullptr) {
        std::fprintf(stderr, "syxflash: could not create an OpenGL 3 window; check the graphics "
                             "driver (Mesa: install libgl1-mesa-dri)\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    // Settings and window layout live in the XDG config dir, never beside the binary. The
    // string must outlive the context: ImGui keeps the pointer.
    std::string ini_path;
    if (const auto dir = config_dir_from_environment(); !dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (!ec) {
            ini_path = (dir / "imgui.ini").string();
        }
    }
    io.IniFilename = ini_path.empty() ? nullptr : ini_path.c_str();
    // The window's own size is kept in the same file; load it now to size the window before the
    // first frame (ImGui would otherwise load the file on the first NewFrame).
    WindowSettings window_settings;
    register_window_settings(&window_settings);
    if (io.IniFilename != nullptr) {
        ImGui::LoadIniSettingsFromDisk(io.IniFilename);
        if (window_settings.width > 0 && window_settings.height > 0) {
            glfwSetWindowSize(window, window_settings.width, window_settings.height);
        }
    }

    float scale_x = 1.0F;
    float scale_y = 1.0F;
    glfwGetWindowContentScale(window, &scale_x, &scale_y);
    const float scale = std::max(scale_x, scale_y);
    apply_style(scale);

    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    set_flat_fill_callback(clear_flat_rectangle);

    int code = 0;
    {
        App app(window, options, scale, catalogue);
        code = app.run();
    }
    // Saved with the rest of the settings when the context is destroyed.
    glfwGetWindowSize(window, &window_settings.width, &window_settings.height);

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return code;
}
