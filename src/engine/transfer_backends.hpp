#pragma once
// Makes every transport backend this build has available to transport::make_transport().
namespace syx::engine {

// Idempotent; call before make_transport(). Registers RtMidi (alsa/jack/coremidi/winmm) and the
// in-process emulated devices (--api emulated; the port is the device id).
void register_transport_backends();

} // namespace syx::engine
