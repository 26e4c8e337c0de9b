#pragma once
// A pair of virtual MIDI ports other programs can connect to (the `emulate` command serves an
// emulated device on them). RtMidi is only included by the .cpp.
//
// Two clients, so with JACK the ports are "NAME:in" (other programs send to it) and
// "NAME-out:out" (the device's answers); ALSA shows sequencer clients with the same names. Both
// start with NAME as the `emulate` contract says.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/result.hpp"
#include "transport/midi_transport.hpp"

namespace syx::transport {

class VirtualMidiPort {
public:
    virtual ~VirtualMidiPort() = default;
    // Sends bytes on the "out" port (one message or a chunk of one).
    [[nodiscard]] virtual Status send(std::span<const std::uint8_t> bytes) = 0;
    // The largest buffer one send() can carry: RtMidi's JACK output ring is 16 KiB and its
    // sendMessage() writes into it without checking the space, so a larger message is cut short
    // without a word [C: thestk/rtmidi RtMidi.cpp, "#define JACK_RINGBUFFER_SIZE 16384" and
    // MidiOutJack::sendMessage's unchecked jack_ringbuffer_write]; big events can also be lost
    // in a busy cycle, so callers split above 4 KiB on JACK.
    [[nodiscard]] virtual std::optional<std::size_t> max_send_bytes() const = 0;
    [[nodiscard]] virtual std::string input_port_name() const = 0;
    [[nodiscard]] virtual std::string output_port_name() const = 0;
};

// Opens the pair for alsa or jack. `on_receive` runs on the backend's thread and must only
// enqueue. SysEx, timing and active sensing are all passed through except clock/sensing.
[[nodiscard]] Result<std::unique_ptr<VirtualMidiPort>>
open_virtual_midi_port(MidiApi api, const std::string& name, ReceiveCallback on_receive);

} // namespace syx::transport
