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

// The `len` characters at `pos` are whole words (not part of a longer word).
bool whole_words_at(const std::string& hay, std::size_t pos, std::size_t len) {
    const bool start_ok = pos == 0 || std::isalnum(static_cast<unsigned char>(hay[pos - 1])) == 0;
    const auto end = pos + len;
    const bool end_ok =
        end >= hay.size() || std::isalnum(static_cast<unsigned char>(hay[end])) == 0;
    return start_ok && end_ok;
}

// Where the step says to switch the device on (npos: it does not).
std::size_t switch_on_at(const std::string& text) {
    std::size_t at = std::string::npos;
    for (const char* phrase : {"switch it on", "switch on", "power it on", "power on", "power-on",
                               "turn it on", "turn on"}) {
        at = std::min(at, text.find(phrase));
    }
    return at;
}

// "OS 1.x/2.x: …" / "OS 3.x: …": a step for some firmware generations only. True when the step
// names generations and the device's major version is not among them.
bool step_is_for_other_firmware(const std::string& text, const std::string& version) {
    if (text.rfind("os ", 0) != 0 || version.empty()) {
        return false;
    }
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
        return false;
    }
    const std::string majors = text.substr(3, colon - 3); // "1.x/2.x"
    const std::string mine = version.substr(0, version.find('.')) + ".x";
    return majors.find(mine) == std::string::npos;
}

void act_out(transport::EmulatedDevice& device, const std::string& step_text) {
    const std::string text = lower(step_text);
    if (step_is_for_other_firmware(text, device.firmware_version_text())) {
        return;
    }
    const auto on_at = switch_on_at(text);
    // Buttons named before "switch on" are held while it starts; those named after it are
    // pressed once it has started ("hold MASTER and switch on; answer … with PRESET").
    std::vector<std::pair<std::size_t, std::string>> named;
    for (const auto& b : device.buttons()) {
        const std::string label = lower(b.label);
        for (auto pos = text.find(label); pos != std::string::npos;
             pos = text.find(label, pos + 1)) {
            if (!label.empty() && whole_words_at(text, pos, label.size())) {
                named.emplace_back(pos, b.id);
                break;
            }
        }
    }
    std::sort(named.begin(), named.end());
    std::vector<std::string> held;
    std::vector<std::string> pressed;
    for (const auto& [pos, id] : named) {
        (on_at != std::string::npos && pos < on_at ? held : pressed).push_back(id);
    }
    if (on_at != std::string::npos) {
        device.power_cycle(held);
        // Let it boot before the session goes on (MIDI during power-up upsets some devices).
        for (int i = 0; i < 50 && device.mode() == "booting"; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    for (const auto& id : pressed) {
        device.press(id);
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
                // A blank display is the normal screen only when the device is running normally:
                // a half-written unit is blank too (the emulator's state is the evidence).
                if (shown.empty() && has("normal") && device->mode() == "normal") {
                    return TerminalPrompt::AutoAnswer{"normal", {}};
                }
                if (shown.empty()) {
                    return TerminalPrompt::AutoAnswer{"other", "(blank)"};
                }
                return TerminalPrompt::AutoAnswer{"other", shown};
            }
            default:
                return std::nullopt; // confirmations stay with --yes or the person
            }
        });
}

} // namespace syx::cli
