#pragma once
// An in-memory MidiTransport for unit tests of the engine and the decorator: records what was
// sent and when, can inject received bytes, vanish, or fail a send.
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "transport/midi_transport.hpp"

namespace syx::test {

class FakeTransport final : public transport::MidiTransport {
public:
    struct Sent {
        std::vector<std::uint8_t> bytes;
        transport::TimePoint time;     // send() called
        transport::TimePoint returned; // send() returned: the bytes were handed on
    };

    transport::MidiApi api() const override { return transport::MidiApi::emulated; }
    Result<std::vector<transport::PortInfo>> list_ports() override {
        return std::vector<transport::PortInfo>{
            {"fake:out", transport::PortDirection::output, transport::MidiApi::emulated, {}},
            {"fake:in", transport::PortDirection::input, transport::MidiApi::emulated, {}}};
    }
    void set_receive_callback(transport::ReceiveCallback callback) override {
        m_callback = std::move(callback);
    }
    Status open(const transport::OpenOptions&) override { return Ok{}; }
    Status send(std::span<const std::uint8_t> bytes) override {
        std::lock_guard lock(m_mutex);
        if (fail_send_at && m_sent.size() == *fail_send_at) {
            return make_error(ErrorCode::transfer_failed, "injected send failure");
        }
        const auto called = transport::Clock::now();
        if (hand_over_time) {
            // A synchronous backend handing the bytes on inside the call (ALSA), slowly.
            std::this_thread::sleep_for(hand_over_time(m_sent.size()));
        }
        m_sent.push_back({{bytes.begin(), bytes.end()}, called, transport::Clock::now()});
        return Ok{};
    }
    std::optional<std::size_t> max_send_bytes() const override { return max_send; }
    std::chrono::microseconds delivery_jitter() const override { return jitter; }
    Result<transport::TimePoint> wait_until_sent(std::chrono::milliseconds) override {
        return transport::Clock::now();
    }
    Status ports_still_present() override {
        std::lock_guard lock(m_mutex);
        if (vanish_after_sends && m_sent.size() >= *vanish_after_sends) {
            return make_error(ErrorCode::port_vanished, "output port 'fake:out' disappeared");
        }
        return Ok{};
    }
    void close() override {}

    // Simulates the backend thread delivering bytes.
    void deliver(const std::vector<std::uint8_t>& bytes) {
        if (m_callback) {
            m_callback(bytes, transport::Clock::now());
        }
    }
    std::vector<Sent> sent() {
        std::lock_guard lock(m_mutex);
        return m_sent;
    }

    std::optional<std::size_t> max_send;
    std::chrono::microseconds jitter{0};
    std::optional<std::size_t> fail_send_at;
    std::optional<std::size_t> vanish_after_sends;
    // How long send number N (from 0) takes to hand its bytes on; unset: at once.
    std::function<std::chrono::milliseconds(std::size_t)> hand_over_time;

private:
    std::mutex m_mutex;
    std::vector<Sent> m_sent;
    transport::ReceiveCallback m_callback;
};

} // namespace syx::test
