#include "engine/paced_sender.hpp"

#include <algorithm>

namespace syx::engine {

using transport::Clock;

PacedSender::PacedSender(transport::MidiTransport& transport,
                         std::chrono::nanoseconds delivery_jitter,
                         std::chrono::milliseconds port_poll_interval,
                         std::chrono::milliseconds drain_timeout)
    : m_transport(transport), m_jitter(delivery_jitter), m_poll_interval(port_poll_interval),
      m_drain_timeout(drain_timeout), m_last_poll(Clock::now()) {}

Status PacedSender::check_port() {
    const auto now = Clock::now();
    if (now - m_last_poll < m_poll_interval) {
        return Ok{};
    }
    m_last_poll = now;
    return m_transport.ports_still_present();
}

Result<PacedSender::Sent> PacedSender::send(std::span<const std::uint8_t> bytes,
                                            bool wait_for_departure) {
    Sent sent;
    sent.called = Clock::now();
    if (auto written = m_transport.send(bytes); !written) {
        return written.error();
    }
    // The piece is with the transport only once send() returns: ALSA's sequencer takes the
    // bytes inside the call and the kernel passes them on to the USB driver within it, so a
    // call that took long (the thread preempted, a busy kernel) put them on the wire that much
    // later. The plan spaces the next piece from this one's start by this one's wire time, so
    // spacing from the call instead would let the next piece — and, at a message's end, the
    // next message — come before this one has left the wire: the VM test measured sends of
    // 255 bytes taking up to 9 ms under load, and gaps at the device short by as much.
    sent.handed_on = Clock::now();
    sent.space_from = sent.handed_on;
    m_sent_any = true;
    if (wait_for_departure) {
        auto departed = m_transport.wait_until_sent(m_drain_timeout);
        if (!departed) {
            return departed.error();
        }
        // A departure within the jitter is covered by the pacer's margin; a later one (the
        // backend's thread ran late) pushes the next message back by the difference.
        sent.space_from = std::max(
            sent.handed_on, *departed - std::chrono::duration_cast<Clock::duration>(m_jitter));
    }
    return sent;
}

Status PacedSender::drain() {
    if (!m_sent_any) {
        return Ok{};
    }
    if (auto departed = m_transport.wait_until_sent(m_drain_timeout); !departed) {
        return departed.error();
    }
    return Ok{};
}

} // namespace syx::engine
