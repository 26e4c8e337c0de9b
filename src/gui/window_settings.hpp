#pragma once
// The main window's size, kept in the same settings file as ImGui's own layout
// ($XDG_CONFIG_HOME/syxflash/imgui.ini, section [Syxflash][Window]).
namespace syx::gui {

struct WindowSettings {
    // Window size in screen coordinates; 0 = not saved yet (use the default).
    int width = 0;
    int height = 0;
};

// Registers a settings handler with the current ImGui context that reads into and writes from
// `settings` (which must outlive the context). Call before the settings file is loaded.
void register_window_settings(WindowSettings* settings);

} // namespace syx::gui
