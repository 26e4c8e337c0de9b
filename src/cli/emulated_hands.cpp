#include "cli/flow_support.hpp"

namespace syx::cli {

void attach_emulated_hands(TerminalPrompt& /*prompt*/, transport::MidiApi /*api*/,
                           const std::string& /*device_id*/) {
    // Filled in once the emulated transport (transport/emulated_transport.hpp) is in the tree.
}

} // namespace syx::cli
