#include "gui/config_paths.hpp"

#include <cstdlib>

namespace syx::gui {

std::filesystem::path config_dir(const char* xdg_config_home, const char* home) {
    if (xdg_config_home != nullptr && *xdg_config_home != '\0') {
        std::filesystem::path base{xdg_config_home};
        if (base.is_absolute()) {
            return base / "syxflash";
        }
    }
    if (home != nullptr && *home != '\0') {
        std::filesystem::path base{home};
        if (base.is_absolute()) {
            return base / ".config" / "syxflash";
        }
    }
    return {};
}

std::filesystem::path config_dir_from_environment() {
    return config_dir(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
}

} // namespace syx::gui
