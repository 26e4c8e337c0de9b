#pragma once
// MidiTransport over RtMidi (ALSA and JACK on Linux; CoreMIDI on macOS and WinMM on Windows
// compile where RtMidi was built with them). The only place that includes RtMidi.h is the .cpp.
#include <memory>

#include "transport/midi_transport.hpp"

namespace syx::transport {

// Whether this build's RtMidi has the api compiled in.
[[nodiscard]] bool rtmidi_has_api(MidiApi api);

// A transport for alsa/jack/coremidi/winmm. Errors when the api is not compiled into RtMidi.
[[nodiscard]] Result<std::unique_ptr<MidiTransport>> make_rtmidi_transport(MidiApi api);

// Registers make_rtmidi_transport for every api RtMidi has here. Idempotent.
void register_rtmidi_transports();

} // namespace syx::transport
