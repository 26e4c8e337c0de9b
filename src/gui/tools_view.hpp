#pragma once
// The Tools page (generic send/receive of .syx files with a chosen gap, the MIDIFly settings
// editor) and the Library page's export controls. Like every view: a function of the snapshot
// that returns intents; no port, no file, no clock.
#include <string>
#include <vector>

#include "gui/intent.hpp"
#include "gui/snapshot.hpp"

namespace syx::gui {

void draw_tools_page(const Snapshot& snapshot, std::vector<Intent>& out);

// Above the library list: where exports go, and the last export's result line.
void draw_library_export_controls(const Snapshot& snapshot, std::vector<Intent>& out);
// The "Export" button of one library row.
void draw_library_export_button(const Snapshot& snapshot, const LibraryItem& item,
                                std::vector<Intent>& out);

// Where the last frame drew each Tools/Library-export button, so headless tests can click them
// by label (ImGui keeps no such registry of its own without its test engine).
struct DrawnButton {
    std::string label;
    float min_x = 0.0F;
    float min_y = 0.0F;
    float max_x = 0.0F;
    float max_y = 0.0F;
    bool enabled = true;
};
const std::vector<DrawnButton>& drawn_tool_buttons();

} // namespace syx::gui
