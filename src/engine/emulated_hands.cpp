#include "engine/emulated_hands.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "core/ascii.hpp"
#include "transport/emulated_transport.hpp"

namespace syx::engine {

namespace {

// Letters and digits only, lower case: "OS 1.40\n" and "os 1.40" read the same.
std::string squash(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
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

// One instruction read as a person would: buttons named before "switch on" are held while it
// starts; those named after it (or in a step without it) are pressed once it runs
// ("hold MASTER and switch on; answer … with PRESET").
void act_out(const std::string& step_text, const InstrumentView& instrument,
             std::vector<HandsAction>& actions) {
    const std::string text = ascii_lower(step_text);
    if (step_is_for_other_firmware(text, instrument.firmware_version)) {
        return;
    }
    const auto on_at = switch_on_at(text);
    std::vector<std::pair<std::size_t, std::string>> named;
    for (const auto& b : instrument.buttons) {
        const std::string label = ascii_lower(b.label);
        if (label.empty()) {
            continue;
        }
        for (auto pos = text.find(label); pos != std::string::npos;
             pos = text.find(label, pos + 1)) {
            if (whole_words_at(text, pos, label.size())) {
                named.emplace_back(pos, b.id);
                break;
            }
        }
    }
    std::sort(named.begin(), named.end());
    HandsAction cycle;
    cycle.kind = HandsAction::Kind::power_cycle;
    std::vector<HandsAction> presses;
    for (const auto& [pos, id] : named) {
        if (on_at != std::string::npos && pos < on_at) {
            cycle.held.push_back(id);
        } else {
            HandsAction press;
            press.button = id;
            presses.push_back(std::move(press));
        }
    }
    if (on_at != std::string::npos) {
        actions.push_back(std::move(cycle));
    }
    actions.insert(actions.end(), presses.begin(), presses.end());
}

HandsAnswer read_display(const session::Question& q, const InstrumentView& instrument) {
    const auto has = [&](std::string_view id) {
        return std::any_of(q.choices.begin(), q.choices.end(),
                           [&](const session::Choice& c) { return c.id == id; });
    };
    const std::string& shown = instrument.display;
    // A message the manifest lists ("ERROR 2 — …"): the text before the dash is what it shows.
    if (!squash(shown).empty()) {
        for (const auto& c : q.choices) {
            if (c.id.rfind("display:", 0) == 0 &&
                squash(c.label.substr(0, c.label.find(" — "))) == squash(shown)) {
                return {c.id, {}};
            }
        }
    }
    if (has("works")) { // the device has no display the manifest knows
        return {instrument.mode == "normal" ? "works" : "problem", {}};
    }
    // Its own normal screen (blank, or the OS version an Octatrack shows) only when the
    // emulator says it runs normally: a half-written unit may be blank too.
    if (has("normal") && instrument.mode == "normal") {
        return {"normal", {}};
    }
    return {"other", shown.empty() ? std::string("(blank)") : shown};
}

} // namespace

InstrumentView instrument_view(const transport::EmulatedDevice& device) {
    InstrumentView view;
    for (const auto& b : device.buttons()) {
        view.buttons.push_back({b.id, b.label});
    }
    view.display = device.display_text();
    view.mode = device.mode();
    view.firmware_version = device.firmware_version_text();
    return view;
}

HandsPlan emulated_hands(const session::Question& q, const InstrumentView& instrument) {
    using P = session::QuestionPurpose;
    HandsPlan plan;
    switch (q.purpose) {
    case P::enter_bootloader:
        for (const auto& step : q.steps) {
            act_out(step, instrument, plan.actions);
        }
        plan.answer = HandsAnswer{"ready", {}};
        break;
    case P::recovery_step:
        // The step asked now (q.steps is the whole plan, each asked in turn).
        act_out(q.text, instrument, plan.actions);
        plan.answer = HandsAnswer{"done", {}};
        break;
    case P::display_check:
        if (instrument.mode == "booting") {
            plan.look_again = true;
            break;
        }
        plan.answer = read_display(q, instrument);
        break;
    default:
        break; // confirmations stay with --yes or the person
    }
    return plan;
}

void perform_on(transport::EmulatedDevice& device, const std::vector<HandsAction>& actions) {
    for (const auto& a : actions) {
        if (a.kind == HandsAction::Kind::press) {
            device.press(a.button);
            continue;
        }
        device.power_cycle(a.held);
        // Let it boot before the session goes on (MIDI during power-up upsets some devices).
        for (int i = 0; i < 50 && device.mode() == "booting"; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

} // namespace syx::engine
