#pragma once
// Where the wizard keeps its settings and window layout: the XDG config dir, never beside the
// binary (an installed binary's folder is not writable, and a shared one is not per-user).
#include <filesystem>

namespace syx::gui {

// $XDG_CONFIG_HOME/syxflash when it is set to an absolute path (the XDG Base Directory spec says
// relative values are invalid and must be ignored), else $HOME/.config/syxflash, else empty
// (no settings are saved). Pure: the caller passes the environment values (nullptr = unset).
std::filesystem::path config_dir(const char* xdg_config_home, const char* home);

// config_dir() from the process environment.
std::filesystem::path config_dir_from_environment();

} // namespace syx::gui
