#pragma once
// The receive-callback → worker handoff (DESIGN.md §2: input callbacks only enqueue). A mutex and
// a condition variable: the backend thread pushes, the worker pops with a deadline.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "transport/midi_transport.hpp"

namespace syx::transport {

struct ReceivedMessage {
    std::vector<std::uint8_t> bytes;
    TimePoint arrival;
};

class ReceiveQueue {
public:
    // Called from the backend thread.
    void push(std::span<const std::uint8_t> bytes, TimePoint arrival) {
        {
            std::lock_guard lock(m_mutex);
            m_items.push_back(ReceivedMessage{{bytes.begin(), bytes.end()}, arrival});
        }
        m_ready.notify_one();
    }

    // A callback suitable for MidiTransport::set_receive_callback. The queue must outlive it.
    ReceiveCallback callback() {
        return [this](std::span<const std::uint8_t> bytes, TimePoint arrival) {
            push(bytes, arrival);
        };
    }

    // Waits until a message is there or the deadline passes.
    std::optional<ReceivedMessage> pop_until(TimePoint deadline) {
        std::unique_lock lock(m_mutex);
        if (!m_ready.wait_until(lock, deadline, [this] { return !m_items.empty(); })) {
            return std::nullopt;
        }
        ReceivedMessage front = std::move(m_items.front());
        m_items.pop_front();
        return front;
    }

    std::optional<ReceivedMessage> try_pop() {
        std::lock_guard lock(m_mutex);
        if (m_items.empty()) {
            return std::nullopt;
        }
        ReceivedMessage front = std::move(m_items.front());
        m_items.pop_front();
        return front;
    }

    std::size_t size() const {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<ReceivedMessage> m_items;
};

} // namespace syx::transport
