#pragma once
// Which link carries the bytes, decided once the port is known (DESIGN.md §6/§7, issue 4): the
// user's --link (or the wizard's choice) when given; otherwise what the port is — a MIDI
// interface means a DIN cable, so DIN wire time applies even if the user never said "din" —
// and, for ports that say nothing, the device's preference. Choosing DIN while the device's own
// USB port is listed is allowed but must be confirmed, so the choice says which port that is.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/port_classifier.hpp"
#include "core/result.hpp"

namespace syx {

struct LinkChoice {
    Link link = Link::usb;
    // One line for the user: why this link.
    std::string reason;
    // Set when the link is DIN although the device prefers USB and its own USB port is listed
    // now: the name of that port. Callers ask for confirmation before sending (slower, and one
    // more cable and interface to go wrong).
    std::optional<std::string> usb_port_available;
};

// `asked`: the link the user chose, nullopt to decide. `port`: the output port in use.
// `listed`: every output port listed now (with the OS's USB finding). `transports`: the chosen
// device's, nullptr when no device is known (then only the port decides). Refused (an error)
// when the device cannot be reached over the resulting link.
[[nodiscard]] Result<LinkChoice> choose_link(std::optional<Link> asked, const PortCandidate& port,
                                             const std::vector<PortCandidate>& listed,
                                             const Transports* transports,
                                             std::string_view device_name = "the device");

} // namespace syx
