#pragma once
// Hands the newest Snapshot from the engine's thread to the UI thread. publish() may be called
// from any thread; it wakes the UI (glfwPostEmptyEvent in the app), which otherwise sleeps in
// glfwWaitEvents, so an idle window costs nothing.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "gui/snapshot.hpp"

namespace syx::gui {

class SnapshotChannel {
public:
    explicit SnapshotChannel(Snapshot initial);

    // Called after every publish, on the publishing thread. Must be thread-safe.
    void set_waker(std::function<void()> waker);

    void publish(Snapshot next);
    [[nodiscard]] std::shared_ptr<const Snapshot> latest() const;

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const Snapshot> m_latest;
    std::function<void()> m_waker;
    std::uint64_t m_generation = 0;
};

} // namespace syx::gui
