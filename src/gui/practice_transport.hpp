#pragma once
// The simulated mode's MIDI port: a MidiTransport over ONE emulated device that the wizard
// engine owns, so the Faults menu can give the device new faults (the emulated device is then
// restarted with them, which the panel says), and so every send's time is recorded for the
// Upload page's gap plot.
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "transport/emulated_transport.hpp"
#include "transport/midi_transport.hpp"

namespace syx::gui {

// The send() times seen by the transport, shared with the engine's publisher.
class SendTimes {
public:
    void clear();
    // Only sends while recording are kept (the engine records the critical transfer only).
    void set_recording(bool on);
    void add(transport::TimePoint start, std::size_t bytes, bool last_byte_is_f7);
    // Silence between the end of one message and the start of the next, in ms, oldest first.
    // `ns_per_byte` converts a message's length into its time on the wire (DIN 320 µs; USB 0).
    [[nodiscard]] std::vector<float> gaps_ms(std::chrono::nanoseconds ns_per_byte,
                                             std::size_t at_most) const;

private:
    struct Item {
        transport::TimePoint start;
        std::size_t bytes = 0;
        bool ends_message = true;
    };
    mutable std::mutex m_mutex;
    std::vector<Item> m_items;
    bool m_recording = false;
};

class PracticeTransport final : public transport::MidiTransport {
public:
    PracticeTransport(std::shared_ptr<transport::EmulatedDevice> device,
                      std::shared_ptr<SendTimes> times);
    ~PracticeTransport() override;

    [[nodiscard]] transport::MidiApi api() const override { return transport::MidiApi::emulated; }
    Result<std::vector<transport::PortInfo>> list_ports() override;
    void set_receive_callback(transport::ReceiveCallback callback) override;
    Status open(const transport::OpenOptions& options) override;
    Status send(std::span<const std::uint8_t> bytes) override;
    [[nodiscard]] std::optional<std::size_t> max_send_bytes() const override {
        return std::nullopt;
    }
    // The emulated device takes the bytes inside send(): nothing is left to leave.
    [[nodiscard]] Result<transport::TimePoint>
    wait_until_sent(std::chrono::milliseconds /*timeout*/) override {
        return transport::Clock::now();
    }
    [[nodiscard]] std::chrono::microseconds delivery_jitter() const override {
        // As the shared emulated transport: the pump wakes within scheduler latency [M: ~1 ms].
        return std::chrono::microseconds{1000};
    }
    Status ports_still_present() override;
    void close() override;

private:
    std::shared_ptr<transport::EmulatedDevice> m_device;
    std::shared_ptr<SendTimes> m_times;
    std::mutex m_mutex;
    transport::ReceiveCallback m_callback;
    bool m_open = false;
};

} // namespace syx::gui
