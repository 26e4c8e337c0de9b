#pragma once
// Ports for one catalogue device: the link preference its manifest implies, the ranking of the
// listed output ports for it (port_classifier's rank_ports), and which input port belongs to an
// output port. Shared by `syxflash-cli ports --device` and the wizard's Connection page, so both
// rank the same way. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest.hpp"
#include "core/port_classifier.hpp"

namespace syx {

// required/unsupported decide; otherwise the manifest's preferred link (USB on a tie).
[[nodiscard]] LinkPreference link_preference(const Transports& transports);

// rank_ports() with the manifest's USB port patterns, link preference and name.
[[nodiscard]] std::vector<RankedPort> rank_ports_for(const std::vector<PortCandidate>& outputs,
                                                     const Manifest& manifest);

// The input port that belongs to an output port: the same name (ALSA shows one name for both
// directions of a port), or the same name once the words "in"/"out"/"input"/"output" are taken
// out and punctuation ignored (JACK: `syxflash-cli emulate --name lp` shows "lp:in" and
// "lp-out:out"). nullopt when none or several match.
[[nodiscard]] std::optional<std::string> paired_input_port(std::string_view output,
                                                           const std::vector<std::string>& inputs);

} // namespace syx
