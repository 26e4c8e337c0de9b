#pragma once
// The in-app folder browser (a FolderView the engine filled on BrowseFolder), shared by the
// Firmware page, the Tools page and the Library's export folder. Folders emit BrowseFolder; a
// file emits what `choose_file` makes of its path, or is hidden when `choose_file` is empty.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gui/intent.hpp"
#include "gui/snapshot.hpp"

namespace syx::gui {

struct FolderBrowserLook {
    const char* id = "browser";
    float rows = 8.0F; // height in lines of text
    std::string_view empty_text = "Nothing here.";
};

void draw_folder_browser(const FolderView& b, std::vector<Intent>& out,
                         const std::function<Intent(const std::string&)>& choose_file,
                         const FolderBrowserLook& look = {});

} // namespace syx::gui
