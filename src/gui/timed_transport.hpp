#pragma once
// Hardware mode's wrapper around the real transport: records every send's time for the Upload
// page's gap plot (PracticeTransport does the same in simulated mode) and passes everything
// else through unchanged.
#include <memory>

#include "gui/practice_transport.hpp"
#include "transport/midi_transport.hpp"

namespace syx::gui {

class TimedTransport final : public transport::MidiTransport {
public:
    TimedTransport(std::unique_ptr<transport::MidiTransport> inner,
                   std::shared_ptr<SendTimes> times)
        : m_inner(std::move(inner)), m_times(std::move(times)) {}
    ~TimedTransport() override { m_inner->close(); }

    [[nodiscard]] transport::MidiApi api() const override { return m_inner->api(); }
    Result<std::vector<transport::PortInfo>> list_ports() override { return m_inner->list_ports(); }
    void set_receive_callback(transport::ReceiveCallback callback) override {
        m_inner->set_receive_callback(std::move(callback));
    }
    Status open(const transport::OpenOptions& options) override { return m_inner->open(options); }
    Status send(std::span<const std::uint8_t> bytes) override {
        const auto start = transport::Clock::now();
        auto status = m_inner->send(bytes);
        if (status) {
            m_times->add(start, bytes.size(), !bytes.empty() && bytes.back() == 0xF7);
        }
        return status;
    }
    [[nodiscard]] std::optional<std::size_t> max_send_bytes() const override {
        return m_inner->max_send_bytes();
    }
    [[nodiscard]] std::chrono::microseconds delivery_jitter() const override {
        return m_inner->delivery_jitter();
    }
    Status ports_still_present() override { return m_inner->ports_still_present(); }
    Result<transport::TimePoint> wait_until_sent(std::chrono::milliseconds timeout) override {
        return m_inner->wait_until_sent(timeout);
    }
    void close() override { m_inner->close(); }

private:
    std::unique_ptr<transport::MidiTransport> m_inner;
    std::shared_ptr<SendTimes> m_times;
};

} // namespace syx::gui
