#include "gui/draw_cost.hpp"

#include <algorithm>
#include <cmath>

namespace syx::gui {

double covered_pixels(const ImDrawData& data) {
    double total = 0.0;
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList& list = *data.CmdLists[l];
        for (const ImDrawCmd& cmd : list.CmdBuffer) {
            if (cmd.UserCallback != nullptr) {
                continue;
            }
            const ImVec4 clip = cmd.ClipRect;
            const auto clamp = [&clip](ImVec2 p) {
                return ImVec2(std::clamp(p.x, clip.x, std::max(clip.x, clip.z)),
                              std::clamp(p.y, clip.y, std::max(clip.y, clip.w)));
            };
            for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                const auto vertex = [&](unsigned k) {
                    const ImDrawIdx index = list.IdxBuffer[static_cast<int>(cmd.IdxOffset + i + k)];
                    return clamp(list.VtxBuffer[static_cast<int>(cmd.VtxOffset + index)].pos);
                };
                const ImVec2 a = vertex(0);
                const ImVec2 b = vertex(1);
                const ImVec2 c = vertex(2);
                total += 0.5 * std::fabs(static_cast<double>((b.x - a.x) * (c.y - a.y) -
                                                             (c.x - a.x) * (b.y - a.y)));
            }
        }
    }
    return total;
}

} // namespace syx::gui
