#pragma once
// Makes every transport backend this build has available to transport::make_transport().
namespace syx::engine {

// Idempotent; call before make_transport(). Registers RtMidi (alsa/jack/coremidi/winmm).
// The emulated backend registers itself (transport/emulated_transport.*) when linked.
void register_transport_backends();

} // namespace syx::engine
