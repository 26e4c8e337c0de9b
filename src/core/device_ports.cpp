#include "core/device_ports.hpp"

#include <cctype>

namespace syx {

LinkPreference link_preference(const Transports& t) {
    if (t.din == LinkUse::required || t.usb == LinkUse::unsupported) {
        return LinkPreference::din_only;
    }
    if (t.usb == LinkUse::required || t.din == LinkUse::unsupported) {
        return LinkPreference::usb_only;
    }
    return t.preferred_link() == Link::din ? LinkPreference::prefer_din
                                           : LinkPreference::prefer_usb;
}

std::vector<RankedPort> rank_ports_for(const std::vector<PortCandidate>& outputs,
                                       const Manifest& manifest) {
    return rank_ports(outputs, manifest.transports.usb_port_patterns,
                      link_preference(manifest.transports), manifest.name);
}

namespace {

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// The name's words, lower-case, without the direction words and without punctuation: JACK
// clients name the two directions differently ("synth:in" / "synth-out:out").
std::string without_direction_words(std::string_view name) {
    std::string out;
    std::size_t i = 0;
    while (i < name.size()) {
        if (!is_word_char(name[i])) {
            ++i;
            continue;
        }
        std::string word;
        while (i < name.size() && is_word_char(name[i])) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
            ++i;
        }
        if (word != "in" && word != "out" && word != "input" && word != "output") {
            out += (out.empty() ? "" : " ") + word;
        }
    }
    return out;
}

} // namespace

std::optional<std::string> paired_input_port(std::string_view output,
                                             const std::vector<std::string>& inputs) {
    for (const auto& in : inputs) {
        if (in == output) {
            return in;
        }
    }
    const std::string key = without_direction_words(output);
    std::optional<std::string> found;
    for (const auto& in : inputs) {
        if (without_direction_words(in) == key) {
            if (found) {
                return std::nullopt; // ambiguous: let the user pick
            }
            found = in;
        }
    }
    return found;
}

} // namespace syx
