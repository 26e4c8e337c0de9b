#include "transport/rtmidi/alsa_cards.hpp"

#include <fstream>
#include <sstream>

namespace syx::transport {

namespace {
std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}
} // namespace

std::vector<AlsaCard> parse_proc_asound_cards(std::string_view text) {
    // Format (sound/core/init.c): " N [id             ]: driver - short name\n"
    //                             "                      long name\n"
    std::vector<AlsaCard> cards;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        const auto open = line.find('[');
        const auto close = line.find("]:");
        if (open == std::string::npos || close == std::string::npos || close < open) {
            if (!cards.empty() && line.find(" at usb-") != std::string::npos) {
                cards.back().usb = true;
            }
            continue;
        }
        AlsaCard card;
        try {
            card.index = std::stoi(line.substr(0, open));
        } catch (...) {
            continue;
        }
        card.id = trim(std::string_view(line).substr(open + 1, close - open - 1));
        const std::string rest = line.substr(close + 2);
        const auto dash = rest.find(" - ");
        card.driver = trim(rest.substr(0, dash));
        card.name = dash == std::string::npos ? std::string{} : trim(rest.substr(dash + 3));
        card.usb = card.driver == "USB-Audio";
        card.gadget = card.driver == "MIDI Gadget"; // drivers/usb/gadget/function/f_midi.c
        cards.push_back(std::move(card));
    }
    return cards;
}

std::vector<AlsaCard> read_alsa_cards() {
    std::ifstream in("/proc/asound/cards");
    if (!in) {
        return {};
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse_proc_asound_cards(text.str());
}

namespace {
// The card whose name or id is the port's client name ("Client:Port client:port"), if any.
const AlsaCard* card_of_port(std::string_view port_name, const std::vector<AlsaCard>& cards) {
    const auto colon = port_name.find(':');
    const std::string client = trim(port_name.substr(0, colon));
    for (const auto& card : cards) {
        if (!client.empty() && (client == card.name || client == card.id)) {
            return &card;
        }
    }
    return nullptr;
}
} // namespace

std::optional<bool> alsa_port_is_usb(std::string_view port_name,
                                     const std::vector<AlsaCard>& cards) {
    const AlsaCard* card = card_of_port(port_name, cards);
    return card != nullptr ? std::optional<bool>{card->usb} : std::nullopt;
}

bool alsa_port_is_gadget_side(std::string_view port_name, const std::vector<AlsaCard>& cards) {
    const AlsaCard* card = card_of_port(port_name, cards);
    return card != nullptr && card->gadget;
}

} // namespace syx::transport
