#include "gui/snapshot_channel.hpp"

namespace syx::gui {

SnapshotChannel::SnapshotChannel(Snapshot initial) {
    m_generation = initial.generation;
    m_latest = std::make_shared<const Snapshot>(std::move(initial));
}

void SnapshotChannel::set_waker(std::function<void()> waker) {
    const std::lock_guard lock(m_mutex);
    m_waker = std::move(waker);
}

void SnapshotChannel::publish(Snapshot next) {
    std::function<void()> waker;
    {
        const std::lock_guard lock(m_mutex);
        // Generations only go up, whatever the publisher filled in, so "changed" is a compare.
        next.generation = ++m_generation;
        m_latest = std::make_shared<const Snapshot>(std::move(next));
        waker = m_waker;
    }
    if (waker) {
        waker();
    }
}

std::shared_ptr<const Snapshot> SnapshotChannel::latest() const {
    const std::lock_guard lock(m_mutex);
    return m_latest;
}

} // namespace syx::gui
