#pragma once
// Which ALSA cards are USB devices, from /proc/asound/cards (Linux). Lets the port classifier know
// "this port's card is USB" without guessing from the name. Parsing is separate from reading so
// it is testable with real file contents.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syx::transport {

struct AlsaCard {
    int index = -1;
    std::string id;     // "SE" in " 2 [SE             ]: USB-Audio - Little Phatty SE"
    std::string driver; // "USB-Audio"
    std::string name;   // "Little Phatty SE"
    bool usb = false;   // driver USB-Audio, or the long name says "at usb-…"
    // Driver "MIDI Gadget": this computer's own side of a USB-MIDI gadget (configfs f_midi), the
    // port a USB host (another computer) talks to. No instrument is behind it.
    bool gadget = false;
};

[[nodiscard]] std::vector<AlsaCard> parse_proc_asound_cards(std::string_view text);

// Reads /proc/asound/cards; empty when absent (containers, non-Linux).
[[nodiscard]] std::vector<AlsaCard> read_alsa_cards();

// For an ALSA sequencer port name "Client:Port client:port", whether its client is a USB card:
// true/false when the client name matches a card, nullopt when no card matches (software client).
[[nodiscard]] std::optional<bool> alsa_port_is_usb(std::string_view port_name,
                                                   const std::vector<AlsaCard>& cards);

// Whether the port's client is the far side of a USB-MIDI gadget on this computer (see
// AlsaCard::gadget): such ports are not listed, since nothing syxflash updates is behind them.
[[nodiscard]] bool alsa_port_is_gadget_side(std::string_view port_name,
                                            const std::vector<AlsaCard>& cards);

} // namespace syx::transport
