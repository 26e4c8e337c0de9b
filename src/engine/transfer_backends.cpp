#include "engine/transfer_backends.hpp"

#include "transport/emulated_transport.hpp"
#include "transport/rtmidi/rtmidi_transport.hpp"

namespace syx::engine {

void register_transport_backends() {
    transport::register_rtmidi_transports();
    transport::register_emulated_transport();
    transport::register_emulated_transport(); // api "emulated": in-process device models
}

} // namespace syx::engine
