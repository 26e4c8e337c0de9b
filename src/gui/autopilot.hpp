#pragma once
// Drives the wizard through the same intents a user's clicks produce: the real flow
// (device → connection → backup → firmware → confirm → upload → verify → done, and Recovery
// when the upload fails), answering the session's questions as a person at the simulated
// instrument would — reading its display and pressing its front-panel buttons through the same
// PressButton / PowerCycle intents as the side panel's buttons.
#include <chrono>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/emulated_hands.hpp"
#include "gui/intent.hpp"
#include "gui/snapshot.hpp"
#include "gui/ui_model.hpp"

namespace syx::gui {

// Hardware mode (--autopilot with --api): the wizard runs on real ports. The autopilot presses
// Detect, takes the catalogue device that answered and the port it answered on, chooses this
// firmware file, and reads the instrument's display from a file: its last "display: " line, as
// `syxflash-cli emulate` prints a device model's display. It is a harness for tests against a
// device model behind a real port (the VM tests' USB-MIDI gadgets): it never presses a button on
// an instrument, and fails where a step needs one.
struct AutopilotHardware {
    std::string firmware;     // the firmware file the Firmware page chooses
    std::string display_file; // where the instrument's display is read; empty: none
};

class Autopilot {
public:
    using Clock = std::chrono::steady_clock;

    Autopilot() = default;
    explicit Autopilot(AutopilotHardware hardware) : m_hardware(std::move(hardware)) {}

    // The next intent to apply, or nullopt while waiting (the engine is busy, the device is
    // booting) or when finished / failed. Call once per frame after the page was drawn.
    std::optional<Intent> next(const UiModel& model, const Snapshot& snapshot,
                               Clock::time_point now = Clock::now());

    [[nodiscard]] bool finished() const { return m_finished; }
    [[nodiscard]] bool failed() const { return !m_failure.empty(); }
    [[nodiscard]] const std::string& failure() const { return m_failure; }
    // What the autopilot's "hands" did on the simulated device, in order.
    [[nodiscard]] const std::vector<std::string>& actions() const { return m_actions; }

    // True for intents after which the wizard shows another page (photograph first).
    static bool leaves_page(const Intent& value);

private:
    std::optional<Intent> hands(const session::Question& q, const Snapshot& snapshot);
    void perform(const std::vector<engine::HandsAction>& actions);
    std::optional<Intent> flow(const UiModel& model, const Snapshot& snapshot);
    std::optional<Intent> choose_firmware(const Snapshot& snapshot);
    std::optional<Intent> fail(std::string why);
    // Hardware mode: the device and connection pages, the display as the person reads it.
    [[nodiscard]] bool on_hardware(const Snapshot& snapshot) const;
    std::optional<Intent> detect_device(const UiModel& model, const Snapshot& snapshot);
    std::optional<Intent> choose_detected_port(const Snapshot& snapshot);
    [[nodiscard]] engine::InstrumentView read_instrument(const Snapshot& snapshot) const;

    std::optional<AutopilotHardware> m_hardware;
    bool m_detect_asked = false;
    std::string m_detected_output; // the port Detect found the device on
    bool m_port_asked = false;
    std::deque<std::pair<Intent, std::chrono::milliseconds>> m_queue; // intent, pause after
    Clock::time_point m_not_before{};
    std::set<std::string> m_handled; // question ids (with text) already acted on
    bool m_backup_started = false;
    bool m_firmware_asked = false;
    bool m_recovery_started = false;
    bool m_bundle_asked = false;
    bool m_resume_asked = false; // the start-up offer of an interrupted update was answered
    bool m_finished = false;
    std::string m_failure;
    std::vector<std::string> m_actions;
};

} // namespace syx::gui
