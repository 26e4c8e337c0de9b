#pragma once
// Recording dumps from a device (`receive`, manual front-panel dumps): collect SysEx until the
// line has been idle for a while. Bytes are re-framed here, so a dump delivered in pieces (WinMM
// buffers, chunked senders) is joined, and a message cut short (a status byte inside it, or the
// line going idle before its F7) is reported as truncated — never returned as complete.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/result.hpp"
#include "transport/receive_queue.hpp"

namespace syx::engine {

struct ReceivedSysex {
    std::vector<std::uint8_t> bytes; // F0 … F7
    transport::TimePoint first_byte;
    transport::TimePoint last_byte;
};

struct TruncatedSysex {
    std::uint64_t bytes_received = 0; // how much of it arrived, from its F0
    std::string reason;
};

struct ReceiveOptions {
    // Stop after this much silence once something arrived.
    std::chrono::milliseconds idle{2000};
    // Give up when nothing at all arrived within this time.
    std::chrono::milliseconds first_byte_timeout{30000};
    const std::atomic<bool>* cancel = nullptr;
    // Polled every port_poll_interval (e.g. MidiTransport::ports_still_present): an error ends
    // the recording and is reported, so an unplugged device is not waited on until the timeout.
    std::function<Status()> check_ports;
    std::chrono::milliseconds port_poll_interval{500};
    // Called on the worker thread for every complete message.
    std::function<void(const ReceivedSysex&, std::size_t count, std::uint64_t total_bytes)>
        on_message;
};

struct ReceiveReport {
    std::vector<ReceivedSysex> messages;
    std::vector<TruncatedSysex> truncated;
    std::size_t other_messages = 0; // non-SysEx messages seen (notes, CCs, …), not recorded
    bool cancelled = false;
    bool nothing_received = false;
    std::optional<Error> error; // the port vanished
    std::uint64_t total_bytes = 0;
};

// Incremental SysEx framer over arbitrary byte blocks (realtime bytes F8–FF inside a SysEx do not
// end it; any other status byte does, and the partial message is reported truncated).
class SysexAssembler {
public:
    void feed(std::span<const std::uint8_t> bytes, transport::TimePoint arrival);
    // Declares the stream over: an unfinished message becomes truncated.
    void finish(const std::string& why);
    [[nodiscard]] bool in_message() const { return m_in_sysex; }

    std::vector<ReceivedSysex> complete;
    std::vector<TruncatedSysex> truncated;
    std::size_t other_messages = 0;

private:
    bool m_in_sysex = false;
    std::vector<std::uint8_t> m_current;
    transport::TimePoint m_first{};
};

// Pops from the queue (fed by the transport's callback) until idle, cancelled or timed out.
[[nodiscard]] ReceiveReport receive_until_idle(transport::ReceiveQueue& queue,
                                               const ReceiveOptions& options);

} // namespace syx::engine
