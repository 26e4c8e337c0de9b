#include "core/link_choice.hpp"

#include <fmt/core.h>

namespace syx {

namespace {

const std::vector<std::string>& patterns_of(const Transports* transports) {
    static const std::vector<std::string> none;
    return transports != nullptr ? transports->usb_port_patterns : none;
}

} // namespace

Result<LinkChoice> choose_link(std::optional<Link> asked, const PortCandidate& port,
                               const std::vector<PortCandidate>& listed,
                               const Transports* transports, std::string_view device_name) {
    const auto& patterns = patterns_of(transports);
    const auto cls = classify_port(port.name, port.os_says_usb, patterns);
    LinkChoice choice;
    if (asked) {
        choice.link = *asked;
        choice.reason = fmt::format("{} as asked", to_string(*asked));
    } else if (cls.kind == PortKind::interface) {
        choice.link = Link::din;
        choice.reason = fmt::format("'{}' is a MIDI interface, so a DIN cable carries the bytes "
                                    "and DIN wire time (320 µs per byte) applies",
                                    port.name);
    } else if (cls.matches_device || cls.kind == PortKind::device_usb) {
        choice.link = Link::usb;
        choice.reason = fmt::format("'{}' is {}'s own USB port", port.name, device_name);
    } else if (transports != nullptr) {
        choice.link = transports->preferred_link();
        choice.reason = fmt::format("'{}' does not say what it is; {} is what {} prefers",
                                    port.name, to_string(choice.link), device_name);
    } else {
        choice.link = Link::usb;
        choice.reason = fmt::format("'{}' does not say what it is; no DIN wire time added (use "
                                    "--link din for a MIDI interface)",
                                    port.name);
    }
    if (transports == nullptr) {
        return choice;
    }
    if (!transports->allows(choice.link)) {
        return make_error(ErrorCode::refused,
                          fmt::format("{} cannot be updated over {}{}{}", device_name,
                                      to_string(choice.link), transports->note.empty() ? "" : ": ",
                                      transports->note));
    }
    // Only where the device prefers USB: for a DIN-first device the interface is the right way.
    if (choice.link == Link::din && transports->allows(Link::usb) &&
        transports->preferred_link() == Link::usb) {
        for (const auto& other : listed) {
            if (classify_port(other.name, other.os_says_usb, patterns).matches_device) {
                choice.usb_port_available = other.name;
                break;
            }
        }
    }
    return choice;
}

} // namespace syx
