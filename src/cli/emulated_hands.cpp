// The emulated device's "hands and eyes" for the session commands (--api emulated): what a person
// standing at the instrument would do or read, done on the in-process device instead, so the CLI
// tests and demos can run a whole update, recovery included, without a human.
//   - enter-bootloader / recovery steps: buttons whose panel label a step names are held while
//     the device is switched on (when the step says to switch it on) or pressed (otherwise);
//     steps naming no button need no hands;
//   - "what does the display show?": the emulated display text, or for a device without a
//     display, whether it is in its normal mode.
// Only ever active for the emulated api: a real device is never answered for.
#include <algorithm>
#include <cctype>
#include <thread>

#include "cli/flow_support.hpp"
#include "transport/emulated_transport.hpp"

namespace syx::cli {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// `needle` occurs in `hay` as whole words (case already folded).
bool mentions(const std::string& hay, const std::string& needle) {
    if (needle.empty()) {
        return false;
    }
    for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
        const bool start_ok =
            pos == 0 || std::isalnum(static_cast<unsigned char>(hay[pos - 1])) == 0;
        const auto end = pos + needle.size();
        const bool end_ok =
            end >= hay.size() || std::isalnum(static_cast<unsigned char>(hay[end])) == 0;
        if (start_ok && end_ok) {
            return true;
        }
    }
    return false;
}

bool says_switch_on(const std::string& text) {
    for (const char* phrase : {"switch it on", "switch on", "power it on", "power on", "power-on",
                               "turn it on", "turn on"}) {
        if (text.find(phrase) != std::string::npos) {
            return true;
        }
    }
    return false;
}

void act_out(transport::EmulatedDevice& device, const std::string& step_text) {
    const std::string text = lower(step_text);
    std::vector<std::string> named;
    for (const auto& b : device.buttons()) {
        if (mentions(text, lower(b.label))) {
            named.push_back(b.id);
        }
    }
    if (says_switch_on(text)) {
        device.power_cycle(named);
        // Let it boot before the session goes on (MIDI during power-up upsets some devices).
        for (int i = 0; i < 50 && device.mode() == "booting"; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    } else {
        for (const auto& id : named) {
            device.press(id);
        }
    }
}

} // namespace

void attach_emulated_hands(TerminalPrompt& prompt, transport::MidiApi api,
                           const std::string& device_id) {
    if (api != transport::MidiApi::emulated) {
        return;
    }
    auto device_or = transport::emulated_device(device_id);
    if (!device_or) {
        return;
    }
    std::shared_ptr<transport::EmulatedDevice> device = *device_or;
    prompt.set_auto_answer(
        [device](const session::Question& q) -> std::optional<TerminalPrompt::AutoAnswer> {
            using P = session::QuestionPurpose;
            auto has = [&](std::string_view id) {
                return std::any_of(q.choices.begin(), q.choices.end(),
                                   [&](const session::Choice& c) { return c.id == id; });
            };
            switch (q.purpose) {
            case P::enter_bootloader:
                for (const auto& step : q.steps) {
                    act_out(*device, step);
                }
                return TerminalPrompt::AutoAnswer{"ready", {}};
            case P::recovery_step:
                act_out(*device, q.text);
                return TerminalPrompt::AutoAnswer{"done", {}};
            case P::display_check: {
                if (has("works")) { // the device has no display the manifest knows
                    return TerminalPrompt::AutoAnswer{
                        device->mode() == "normal" ? "works" : "problem", {}};
                }
                const std::string shown = device->display_text();
                if (shown.empty() && has("normal")) {
                    return TerminalPrompt::AutoAnswer{"normal", {}};
                }
                return TerminalPrompt::AutoAnswer{"other", shown};
            }
            default:
                return std::nullopt; // confirmations stay with --yes or the person
            }
        });
}

} // namespace syx::cli
