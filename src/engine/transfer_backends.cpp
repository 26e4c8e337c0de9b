#include "engine/transfer_backends.hpp"

#include "transport/rtmidi/rtmidi_transport.hpp"

namespace syx::engine {

void register_transport_backends() {
    transport::register_rtmidi_transports();
}

} // namespace syx::engine
