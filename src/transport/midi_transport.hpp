#pragma once
// MidiTransport: the one interface every MIDI backend implements (DESIGN.md §2).
//
// Threading contract:
//  - One owner thread (the session/transfer worker) calls list_ports, open, send, close and
//    ports_still_present. Implementations need not be re-entrant for those.
//  - The receive callback runs on the backend's own thread (ALSA/JACK/CoreMIDI thread, or the
//    emulator's). It must only enqueue (see ReceiveQueue) and return: no sleeping, no I/O.
//  - The callback is installed before open() and never called after close() returned.
//
// Backends: RtMidi (transport/rtmidi, for alsa/jack/coremidi/winmm), the in-process emulator
// (api "emulated", implemented by the emulator work in transport/emulated_transport.*), and the
// RecordingTransport decorator (transport/recording_transport.hpp).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace syx::transport {

// Arrival times are taken from the steady clock so the engine can compare them with its own
// absolute deadlines.
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

enum class MidiApi { alsa, jack, coremidi, winmm, emulated };

const char* to_string(MidiApi api); // "alsa" | "jack" | "coremidi" | "winmm" | "emulated"
std::optional<MidiApi> parse_api(std::string_view text);
// Every api name, for help texts and "unknown api" errors.
const std::vector<MidiApi>& all_apis();

enum class PortDirection { input, output };
const char* to_string(PortDirection direction); // "input" | "output"

struct PortInfo {
    std::string name; // as the backend shows it, e.g. "UM-ONE:UM-ONE MIDI 1 20:0"
    PortDirection direction = PortDirection::output;
    MidiApi api = MidiApi::alsa;
    // Whether the OS says the port belongs to a USB device (Linux: ALSA card under
    // /proc/asound is a USB card). nullopt = the backend cannot tell (JACK, emulated, …).
    std::optional<bool> os_says_usb;
};

struct OpenOptions {
    // Exact port names as returned by list_ports(); an empty name leaves that side closed.
    std::string output_port;
    std::string input_port;
    // The largest single message we expect to receive (largest dump any manifest expects).
    // Backends size their input queues/buffers from it before opening.
    std::size_t max_input_message_bytes = 1024 * 1024;
    // Drop MIDI clock (F8) and active sensing (FE) on input: both arrive continuously from many
    // devices and would otherwise fill the queue and the recording.
    bool filter_clock_and_active_sensing = true;
    // Name of our client as other MIDI software sees it.
    std::string client_name = "syxflash";
};

// One complete message (or, for a backend that delivers SysEx in pieces, one piece) as it
// arrived. Arrival time is when the backend handed it to us.
using ReceiveCallback = std::function<void(std::span<const std::uint8_t> bytes, TimePoint arrival)>;

class MidiTransport {
public:
    virtual ~MidiTransport() = default;
    MidiTransport() = default;
    MidiTransport(const MidiTransport&) = delete;
    MidiTransport& operator=(const MidiTransport&) = delete;

    [[nodiscard]] virtual MidiApi api() const = 0;

    // Every input and output port currently visible to this api.
    [[nodiscard]] virtual Result<std::vector<PortInfo>> list_ports() = 0;

    // Installs the receive callback. Call before open(); it replaces any previous one.
    virtual void set_receive_callback(ReceiveCallback callback) = 0;

    // Opens the named output and/or input port.
    [[nodiscard]] virtual Status open(const OpenOptions& options) = 0;

    // Sends bytes as one message (a complete F0…F7, a chunk of one, or a short message).
    // Returns an error rather than letting the backend drop bytes: a buffer longer than
    // max_send_bytes() is refused here.
    [[nodiscard]] virtual Status send(std::span<const std::uint8_t> bytes) = 0;

    // The largest buffer one send() may carry; nullopt = no limit we know of. The pacer chunks
    // messages below it (RtMidi's JACK output silently cuts messages over its 16 KiB ring:
    // thestk/rtmidi RtMidi.cpp, JACK_RINGBUFFER_SIZE 16384).
    [[nodiscard]] virtual std::optional<std::size_t> max_send_bytes() const = 0;

    // How much later than send() a message may reach the other end because the backend
    // delivers in periods (JACK: one period, 256 frames at 48 kHz ≈ 5.33 ms). The pacer adds it
    // as margin so the gap at the receiver is never under the minimum.
    [[nodiscard]] virtual std::chrono::microseconds delivery_jitter() const = 0;

    // Whether the opened ports are still listed by the system. Polled between messages during
    // transfers so a vanished port is reported instead of waited on forever.
    [[nodiscard]] virtual Status ports_still_present() = 0;

    // Waits until every byte handed to send() has left this process and returns when it saw
    // that. A backend that queues sends for another thread (JACK's process callback) still holds
    // them after send() returns; a late departure tells the pacer to push the next message back,
    // and exiting before it would lose them. Errors when they have not left within `timeout`.
    // Backends that hand bytes over synchronously return at once. Pure, so a decorator cannot
    // forget to forward it (the default would silently skip the drain).
    [[nodiscard]] virtual Result<TimePoint> wait_until_sent(std::chrono::milliseconds timeout) = 0;

    // Closes both sides, after draining what was sent. Safe to call twice. After it returns the
    // callback is not called again.
    virtual void close() = 0;
};

// ---- Factories -------------------------------------------------------------------------------
// Backends register a factory per api, so new backends (the emulator) plug in without editing
// this file. Note: a static registrar object in a static library is only linked when its object
// file is otherwise referenced, so every backend also offers an explicit register function
// (RtMidi: transport/rtmidi/rtmidi_transport.hpp register_rtmidi_transports()); the engine calls
// them in engine/transfer_backends.cpp register_transport_backends().
using TransportFactory = std::function<Result<std::unique_ptr<MidiTransport>>()>;

void register_transport_factory(MidiApi api, TransportFactory factory);
[[nodiscard]] bool has_transport_factory(MidiApi api);

// A transport for the api, or a clear error when it was not compiled in / not registered.
[[nodiscard]] Result<std::unique_ptr<MidiTransport>> make_transport(MidiApi api);

struct TransportRegistrar {
    TransportRegistrar(MidiApi api, TransportFactory factory) {
        register_transport_factory(api, std::move(factory));
    }
};

} // namespace syx::transport
