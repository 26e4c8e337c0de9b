#pragma once
// The emulated instrument's "hands and eyes": what a person standing at the simulated device
// does or reads when a session asks (enter the loader, follow a recovery step, read the
// display). One implementation for `syxflash-cli --api emulated` (which acts on the device
// directly) and the wizard's --autopilot (which presses the same buttons through the panel's
// intents), so both answer the same question the same way.
//   - enter-bootloader / recovery steps: buttons whose panel label a step names are held while
//     the device is switched on (when the step says to switch it on) or pressed (otherwise);
//     steps naming no button need no hands; steps for other firmware generations ("OS 3.x: …"
//     on an OS 2 unit) are skipped;
//   - "what does the display show?": nothing while the device is still booting (look again);
//     then the display message the manifest lists that the emulated
//     display shows; else, for a device without a display, whether it runs normally; else its
//     normal screen when the emulator says it runs normally (an Octatrack's "OS 1.40" screen is
//     its normal screen, not an unknown message); else the text shown ("(blank)" for nothing).
// Only ever used with emulated devices: a real device is never answered for.
#include <optional>
#include <string>
#include <vector>

#include "core/session.hpp"

namespace syx::transport {
class EmulatedDevice;
}

namespace syx::engine {

// What a person at the emulated instrument can see of it.
struct InstrumentView {
    struct Button {
        std::string id;
        std::string label;
    };
    std::vector<Button> buttons;
    std::string display;
    std::string mode; // "normal", "booting", "bootloader", … (the emulator's state)
    std::string firmware_version;
};
[[nodiscard]] InstrumentView instrument_view(const transport::EmulatedDevice& device);

struct HandsAction {
    enum class Kind { power_cycle, press };
    Kind kind = Kind::press;
    std::vector<std::string> held; // power_cycle: buttons held while it starts
    std::string button;            // press
};

struct HandsAnswer {
    std::string choice_id;
    std::string text;
};

// What the hands do for one question, then the answer. No answer: the question is not one for
// the hands (confirmations stay with the person or --yes).
struct HandsPlan {
    std::vector<HandsAction> actions;
    std::optional<HandsAnswer> answer;
    // The device is still starting up: its display is not what it will show. Look again in a
    // moment (a person waits for the boot screen to pass before reading it).
    bool look_again = false;
};
[[nodiscard]] HandsPlan emulated_hands(const session::Question& question,
                                       const InstrumentView& instrument);

// Carries the actions out on the device directly, letting it boot after a power cycle.
void perform_on(transport::EmulatedDevice& device, const std::vector<HandsAction>& actions);

} // namespace syx::engine
