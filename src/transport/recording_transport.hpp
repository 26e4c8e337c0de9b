#pragma once
// A MidiTransport decorator that records everything sent and received as JSON Lines
// (`--trace FILE`): {"t_ms": 12.345, "dir": "out"|"in", "len": 6, "bytes": "F0 7E 7F 06 01 F7"}
// t_ms counts from open(); "in" times are arrival times from the backend's callback. Received
// messages are buffered in memory by the callback (which must not do I/O) and written by the
// owner thread at its next call (send, ports_still_present, flush, close).
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "transport/midi_transport.hpp"

namespace syx::transport {

class RecordingTransport final : public MidiTransport {
public:
    // Opens (truncates) the trace file. Errors when it cannot be created.
    static Result<std::unique_ptr<RecordingTransport>> create(std::unique_ptr<MidiTransport> inner,
                                                              const std::string& trace_path);
    ~RecordingTransport() override;

    [[nodiscard]] MidiApi api() const override { return m_inner->api(); }
    [[nodiscard]] Result<std::vector<PortInfo>> list_ports() override {
        return m_inner->list_ports();
    }
    void set_receive_callback(ReceiveCallback callback) override;
    [[nodiscard]] Status open(const OpenOptions& options) override;
    [[nodiscard]] Status send(std::span<const std::uint8_t> bytes) override;
    [[nodiscard]] std::optional<std::size_t> max_send_bytes() const override {
        return m_inner->max_send_bytes();
    }
    [[nodiscard]] std::chrono::microseconds delivery_jitter() const override {
        return m_inner->delivery_jitter();
    }
    [[nodiscard]] Status ports_still_present() override;
    [[nodiscard]] Result<TimePoint> wait_until_sent(std::chrono::milliseconds timeout) override {
        return m_inner->wait_until_sent(timeout);
    }
    void close() override;

    // Writes buffered received messages to the trace.
    void flush();

private:
    RecordingTransport(std::unique_ptr<MidiTransport> inner, std::FILE* file);
    struct Entry {
        TimePoint time;
        bool outgoing = false;
        std::vector<std::uint8_t> bytes;
    };
    void write_entry(const Entry& entry);

    std::unique_ptr<MidiTransport> m_inner;
    std::FILE* m_file = nullptr;
    TimePoint m_start = Clock::now();
    ReceiveCallback m_user_callback;
    std::mutex m_mutex; // guards m_pending_in
    std::vector<Entry> m_pending_in;
};

} // namespace syx::transport
