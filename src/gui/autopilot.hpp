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
#include <vector>

#include "engine/emulated_hands.hpp"
#include "gui/intent.hpp"
#include "gui/snapshot.hpp"
#include "gui/ui_model.hpp"

namespace syx::gui {

class Autopilot {
public:
    using Clock = std::chrono::steady_clock;

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
