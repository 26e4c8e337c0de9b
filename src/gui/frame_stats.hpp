#pragma once
// Frame-time statistics printed by the bench mode (never asserted).
#include <chrono>
#include <cstddef>
#include <vector>

namespace syx::gui {

class FrameStats {
public:
    void add(std::chrono::nanoseconds frame_time) { m_samples.push_back(frame_time); }
    [[nodiscard]] std::size_t count() const { return m_samples.size(); }
    // Nearest-rank percentile (p in [0, 100]); zero when there are no samples.
    [[nodiscard]] std::chrono::nanoseconds percentile(double p) const;

private:
    std::vector<std::chrono::nanoseconds> m_samples;
};

} // namespace syx::gui
