#include "gui/frame_stats.hpp"

#include <algorithm>
#include <cmath>

namespace syx::gui {

std::chrono::nanoseconds FrameStats::percentile(double p) const {
    if (m_samples.empty()) {
        return std::chrono::nanoseconds{0};
    }
    auto sorted = m_samples;
    std::sort(sorted.begin(), sorted.end());
    p = std::clamp(p, 0.0, 100.0);
    // Nearest rank: the smallest sample with at least p % of samples at or below it.
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[rank == 0 ? 0 : rank - 1];
}

} // namespace syx::gui
