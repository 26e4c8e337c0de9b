#include "core/link.hpp"

namespace syx {

const char* to_string(Link link) {
    return link == Link::usb ? "usb" : "din";
}

std::optional<Link> parse_link(std::string_view text) {
    if (text == "usb") {
        return Link::usb;
    }
    if (text == "din") {
        return Link::din;
    }
    return std::nullopt;
}

} // namespace syx
