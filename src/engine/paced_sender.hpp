#pragma once
// The one paced sender (issue 12): every paced byte syxflash sends — firmware and restores (the
// sessions pumped by engine/session_runner.hpp), Tools and `send` (engine/transfer.hpp) — leaves
// through PacedSender::send. It owns what makes a gap hold at the device's input:
//  - the port check between messages, so an unplugged device is reported instead of a stall;
//  - where the plan asks (core/pacer.hpp space_from_departure), it waits until the transport has
//    actually handed the message on (MidiTransport::wait_until_sent: JACK queues sends for its
//    process callback, and a starved client delivers late) and spaces the next message from that
//    departure, less the delivery jitter the pacer's margin already covers;
//  - every piece's spacing kept from when send() returned, not from the call: a synchronous
//    backend (ALSA) hands the bytes on inside the call, and a slow call starts them late;
//  - the final drain, so "sent" means it left this process.
// The callers only decide when to call it (sleeping to a deadline, or waiting on a mailbox).
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "core/result.hpp"
#include "transport/midi_transport.hpp"

namespace syx::engine {

class PacedSender {
public:
    PacedSender(transport::MidiTransport& transport, std::chrono::nanoseconds delivery_jitter,
                std::chrono::milliseconds port_poll_interval,
                std::chrono::milliseconds drain_timeout);

    // Between messages: polls the port list when the poll interval has passed since the last
    // poll. An error means the device's port is gone (nothing more may be sent).
    Status check_port();

    struct Sent {
        transport::TimePoint called{};     // when send() was called
        transport::TimePoint handed_on{};  // when it returned: the transport has the bytes
        transport::TimePoint space_from{}; // what the next send keeps its planned spacing from
    };
    // Sends one planned piece (a whole message or a chunk). space_from is when send() returned
    // (not when it was called: the piece reaches the wire no sooner than it is handed on, and
    // the next piece is planned one wire time after this one's start). With
    // `wait_for_departure` it returns once the piece has left the process, and space_from is the
    // later of that return and the departure less the delivery jitter.
    Result<Sent> send(std::span<const std::uint8_t> bytes, bool wait_for_departure);

    // Waits until everything handed to send() has left the process (no-op when nothing was).
    Status drain();

private:
    transport::MidiTransport& m_transport;
    std::chrono::nanoseconds m_jitter;
    std::chrono::milliseconds m_poll_interval;
    std::chrono::milliseconds m_drain_timeout;
    transport::TimePoint m_last_poll;
    bool m_sent_any = false;
};

} // namespace syx::engine
