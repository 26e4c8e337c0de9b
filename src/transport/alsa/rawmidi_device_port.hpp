#pragma once
// The device side of a MIDI cable: an ALSA rawmidi device (e.g. a USB gadget's "MIDI Gadget"
// card, where a configfs midi function's host-facing port comes out) that an emulated device
// reads from and answers through. `syxflash-cli emulate --api rawmidi` serves a device model on
// it, so tests drive syxflash through the kernel's real USB-MIDI and ALSA sequencer drivers.
//
// Unlike the sequencer, rawmidi is a plain byte stream: this class frames it into messages
// (SysEx F0…F7, channel and system common messages with running status; realtime bytes are
// dropped), stamps each message with the steady-clock times its first and last byte were read,
// and paces what the device sends at a byte rate of its own (a DIN port's 3125 B/s, or as fast
// as the driver takes it).
//
// A device that disappears (the gadget unbound: a pulled cable) is reopened by name once it is
// back, so a replugged cable works again like real hardware's.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "transport/midi_transport.hpp"

namespace syx::transport {

struct RawMidiArrival {
    TimePoint first_byte;
    TimePoint last_byte;
    std::vector<std::uint8_t> bytes;
};

using RawMidiCallback = std::function<void(RawMidiArrival&& message)>;
// Every piece as read, before framing (a device model that frames bytes itself sees when each
// byte came, e.g. a SysEx's F0 and F7 apart).
using RawBytesCallback = std::function<void(std::span<const std::uint8_t> bytes, TimePoint now)>;

// Splits a rawmidi byte stream into messages. Pure (no I/O), so it is tested on its own.
class MidiByteStreamFramer {
public:
    // Feeds bytes that arrived at `now`; returns the messages completed by them.
    std::vector<RawMidiArrival> feed(std::span<const std::uint8_t> bytes, TimePoint now);

private:
    std::vector<std::uint8_t> m_message;
    std::size_t m_expected = 0; // total length of the short message in progress (0: none)
    std::uint8_t m_running_status = 0;
    bool m_in_sysex = false;
    TimePoint m_first{};
};

class RawMidiDevicePort {
public:
    // Opens `device` (an ALSA name such as "hw:1,0" or "hw:CARD=lp,DEV=0") for input and
    // output and starts the reader thread. The callbacks run on that thread, `on_bytes` first
    // (may be empty): only enqueue, or hand to something thread-safe.
    [[nodiscard]] static Result<std::unique_ptr<RawMidiDevicePort>>
    open(const std::string& device, RawMidiCallback on_message, RawBytesCallback on_bytes = {});

    ~RawMidiDevicePort();
    RawMidiDevicePort(const RawMidiDevicePort&) = delete;
    RawMidiDevicePort& operator=(const RawMidiDevicePort&) = delete;

    // Sends bytes at `bytes_per_second` (nullopt: as fast as the driver takes them), returning
    // when the last one has been handed to the driver and drained from its buffer. Called from
    // one thread. Fails while the device is gone (cable pulled).
    [[nodiscard]] Status send(std::span<const std::uint8_t> bytes,
                              std::optional<double> bytes_per_second);

    [[nodiscard]] const std::string& device() const { return m_device; }
    [[nodiscard]] bool present() const { return m_present.load(); }

private:
    struct Handles;
    RawMidiDevicePort(std::string device, RawMidiCallback on_message, RawBytesCallback on_bytes);
    Status reopen();
    void read_loop();

    std::string m_device;
    RawMidiCallback m_on_message;
    RawBytesCallback m_on_bytes;
    std::mutex m_mutex; // guards m_handles against the reader's reopening
    std::unique_ptr<Handles> m_handles;
    std::atomic<bool> m_present{false};
    std::atomic<bool> m_stop{false};
    std::thread m_reader;
};

} // namespace syx::transport
