#include "gui/practice_transport.hpp"

#include <fmt/core.h>

namespace syx::gui {

void SendTimes::clear() {
    std::lock_guard lock(m_mutex);
    m_items.clear();
    m_recording = false;
}

void SendTimes::set_recording(bool on) {
    std::lock_guard lock(m_mutex);
    m_recording = on;
}

void SendTimes::add(transport::TimePoint start, std::size_t bytes, bool last_byte_is_f7) {
    std::lock_guard lock(m_mutex);
    if (m_recording) {
        m_items.push_back(Item{start, bytes, last_byte_is_f7});
    }
}

std::vector<float> SendTimes::gaps_ms(std::chrono::nanoseconds ns_per_byte,
                                      std::size_t at_most) const {
    std::lock_guard lock(m_mutex);
    std::vector<float> out;
    // A message may be sent in chunks: its wire time runs from its first chunk to the end of
    // its last; the gap is measured from there to the next message's first chunk.
    std::optional<transport::TimePoint> message_end;
    bool in_message = false;
    for (const auto& item : m_items) {
        if (!in_message && message_end) {
            const auto gap = item.start - *message_end;
            out.push_back(
                static_cast<float>(std::chrono::duration<double, std::milli>(gap).count()));
        }
        message_end = item.start + ns_per_byte * static_cast<long>(item.bytes);
        in_message = !item.ends_message;
    }
    if (out.size() > at_most) {
        out.erase(out.begin(), out.end() - static_cast<long>(at_most));
    }
    return out;
}

PracticeTransport::PracticeTransport(std::shared_ptr<transport::EmulatedDevice> device,
                                     std::shared_ptr<SendTimes> times)
    : m_device(std::move(device)), m_times(std::move(times)) {}

PracticeTransport::~PracticeTransport() {
    close();
}

Result<std::vector<transport::PortInfo>> PracticeTransport::list_ports() {
    std::vector<transport::PortInfo> ports;
    if (m_device->port_present()) {
        ports.push_back({m_device->id(), transport::PortDirection::output,
                         transport::MidiApi::emulated, std::nullopt});
        ports.push_back({m_device->id(), transport::PortDirection::input,
                         transport::MidiApi::emulated, std::nullopt});
    }
    return ports;
}

void PracticeTransport::set_receive_callback(transport::ReceiveCallback callback) {
    std::lock_guard lock(m_mutex);
    m_callback = std::move(callback);
}

Status PracticeTransport::open(const transport::OpenOptions& options) {
    if (options.output_port != m_device->id() && !options.output_port.empty()) {
        return make_error(ErrorCode::usage,
                          fmt::format("no emulated port '{}' (the simulated device is '{}')",
                                      options.output_port, m_device->id()));
    }
    transport::ReceiveCallback callback;
    {
        std::lock_guard lock(m_mutex);
        callback = m_callback;
        m_open = true;
    }
    m_device->set_listener(std::move(callback));
    return Ok{};
}

Status PracticeTransport::send(std::span<const std::uint8_t> bytes) {
    if (m_times && !bytes.empty()) {
        m_times->add(transport::Clock::now(), bytes.size(), bytes.back() == 0xF7);
    }
    return m_device->send(bytes);
}

Status PracticeTransport::ports_still_present() {
    if (!m_device->port_present()) {
        return make_error(ErrorCode::port_vanished,
                          fmt::format("emulated port '{}' vanished", m_device->id()));
    }
    return Ok{};
}

void PracticeTransport::close() {
    bool was_open = false;
    {
        std::lock_guard lock(m_mutex);
        was_open = m_open;
        m_open = false;
    }
    if (was_open) {
        m_device->set_listener({});
    }
}

} // namespace syx::gui
