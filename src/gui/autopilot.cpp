#include "gui/autopilot.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <string_view>

#include <fmt/core.h>

#include "engine/emulated_hands.hpp"
#include "gui/controller.hpp"
#include "gui/question_page.hpp"

namespace syx::gui {

bool Autopilot::leaves_page(const Intent& value) {
    return std::holds_alternative<intent::Next>(value) ||
           std::holds_alternative<intent::GoTo>(value) ||
           std::holds_alternative<intent::ReportProblem>(value) ||
           std::holds_alternative<intent::Quit>(value) ||
           std::holds_alternative<intent::Back>(value) ||
           std::holds_alternative<intent::RecoverInterrupted>(value);
}

std::optional<Intent> Autopilot::fail(std::string why) {
    m_failure = std::move(why);
    return std::nullopt;
}

namespace {

// The simulated panel as the hands see it (engine/emulated_hands.hpp).
engine::InstrumentView instrument(const Snapshot& snapshot) {
    engine::InstrumentView view;
    if (!snapshot.panel) {
        return view;
    }
    for (const auto& b : snapshot.panel->buttons) {
        view.buttons.push_back({b.id, b.label});
    }
    view.display = snapshot.panel->display;
    view.mode = snapshot.panel->mode;
    view.firmware_version = snapshot.panel->firmware_version;
    return view;
}

} // namespace

// The hands' actions become the panel's own intents (PowerCycle / PressButton), as a person
// clicking the side panel would, with time for the device to start after a power cycle.
void Autopilot::perform(const std::vector<engine::HandsAction>& actions) {
    for (const auto& a : actions) {
        if (a.kind == engine::HandsAction::Kind::power_cycle) {
            m_queue.emplace_back(intent::PowerCycle{a.held}, std::chrono::milliseconds{2000});
        } else {
            m_queue.emplace_back(intent::PressButton{a.button}, std::chrono::milliseconds{400});
        }
    }
}

std::optional<Intent> Autopilot::hands(const session::Question& q, const Snapshot& snapshot) {
    using session::QuestionPurpose;
    const std::string key = q.id + "|" + std::to_string(static_cast<int>(q.purpose));
    if (q.purpose == QuestionPurpose::manual_dump && on_hardware(snapshot)) {
        return fail("the backup asks for a front-panel dump: the autopilot presses no button on "
                    "an instrument in hardware mode");
    }
    if (q.purpose == QuestionPurpose::manual_dump) {
        // Start the dump on the panel once, then let the messages arrive (the count goes up).
        if (m_handled.insert(key).second && snapshot.panel) {
            for (const auto& b : snapshot.panel->buttons) {
                if (b.id.find("dump") != std::string::npos) {
                    return intent::PressButton{b.id};
                }
            }
            return fail("the backup asks for a front-panel dump but the panel has no dump button");
        }
        return std::nullopt;
    }
    const auto plan = engine::emulated_hands(q, read_instrument(snapshot));
    if (plan.look_again) {
        return std::nullopt; // the device is still starting: read its display in a moment
    }
    if (!m_handled.insert(key + "|" + q.text).second) {
        return std::nullopt; // answered; waiting for the session to move on
    }
    if (on_hardware(snapshot) && !plan.actions.empty()) {
        return fail(fmt::format("'{}' needs hands on the instrument (a button or its power): the "
                                "autopilot does neither in hardware mode",
                                q.title));
    }
    if (plan.answer) {
        // Entering the loader, a recovery step, reading the display: the same hands as
        // `syxflash-cli --api emulated`. The answer follows the actions.
        perform(plan.actions);
        const intent::Answer answer{q.id, plan.answer->choice_id, plan.answer->text};
        if (plan.actions.empty()) {
            return answer;
        }
        m_queue.emplace_back(answer, std::chrono::milliseconds{0});
        return std::nullopt;
    }
    switch (q.purpose) {
    case QuestionPurpose::typed_confirmation:
        return intent::Answer{q.id, "continue", q.typed_confirmation.value_or("")};
    case QuestionPurpose::confirm:
        if (q.id == "confirm-stop-transfer") {
            return intent::Answer{q.id, "stop", ""};
        }
        return intent::Answer{q.id, q.choices.empty() ? "continue" : q.choices.front().id, ""};
    default:
        return intent::Answer{q.id, q.choices.empty() ? "ok" : q.choices.front().id, ""};
    }
}

// The file chooser as a practising user uses it: the simulated device's practice firmware,
// and the typed confirmation for it (an unknown release). Waits while the file is being read.
std::optional<Intent> Autopilot::choose_firmware(const Snapshot& snapshot) {
    const FlowView& f = snapshot.flow;
    if (!f.firmware.loaded && !m_firmware_asked) {
        m_firmware_asked = true;
        if (on_hardware(snapshot)) {
            if (m_hardware->firmware.empty()) {
                return fail("hardware mode needs the firmware file (--autopilot-firmware)");
            }
            return intent::ChooseFirmware{m_hardware->firmware};
        }
        return intent::UsePracticeFirmware{};
    }
    if (f.firmware.loaded && f.firmware.refused) {
        return fail("the practice firmware was refused: " +
                    (f.firmware.findings.empty() ? "" : f.firmware.findings.front()));
    }
    if (f.firmware.unknown_release && !f.firmware_confirmed) {
        return intent::ConfirmUnknownRelease{f.firmware.typed_confirmation};
    }
    if (!f.firmware.loaded && !f.firmware.findings.empty()) {
        return fail("the practice firmware could not be read: " + f.firmware.findings.front());
    }
    return std::nullopt;
}

std::optional<Intent> Autopilot::flow(const UiModel& model, const Snapshot& snapshot) {
    const FlowView& f = snapshot.flow;
    const auto next_if_open = [&]() -> std::optional<Intent> {
        if (page_gate(model, snapshot, model.current).can_continue) {
            return intent::Next{};
        }
        return std::nullopt;
    };
    if (m_hardware && snapshot.mode != RunMode::hardware) {
        if (!f.hardware.scanned) {
            return std::nullopt; // the engine is still listing the ports
        }
        return fail("hardware mode was asked for but the wizard runs simulated: " +
                    snapshot.mode_reason);
    }
    switch (model.current) {
    case WizardStep::device:
        if (on_hardware(snapshot) && f.interrupted.empty()) {
            if (auto detected = detect_device(model, snapshot); detected || failed()) {
                return detected;
            }
            return next_if_open();
        }
        // A half-flashed instrument comes first: take the start-up offer, as the page asks.
        if (!f.interrupted.empty() && !m_resume_asked) {
            m_resume_asked = true;
            const auto& u = f.interrupted.front();
            if (!u.device_known) {
                return fail("the journal offers an interrupted update of an unknown device");
            }
            return intent::RecoverInterrupted{u.session, u.device_id};
        }
        if (!model.selected_device) {
            if (snapshot.devices.empty()) {
                return fail("no devices in the catalogue");
            }
            return intent::SelectDevice{snapshot.devices.front().id};
        }
        return next_if_open();
    case WizardStep::connection:
        if (on_hardware(snapshot)) {
            if (auto chosen = choose_detected_port(snapshot); chosen || failed()) {
                return chosen;
            }
        }
        return next_if_open();
    case WizardStep::backup:
        if (f.backup == StepState::failed) {
            return fail("the backup failed: " + f.backup_text);
        }
        if (f.backup == StepState::idle && !m_backup_started) {
            m_backup_started = true;
            return intent::StartBackup{};
        }
        return next_if_open();
    case WizardStep::firmware:
        if (!f.firmware_supported) {
            // Backup/restore-only device: prove the backup restores, then finish.
            if (f.restore == StepState::failed) {
                return fail("restoring the backup failed");
            }
            if (f.restore == StepState::idle && !f.backup_file.empty()) {
                return intent::RestoreBackup{f.backup_file};
            }
            if (f.restore == StepState::done) {
                return intent::GoTo{WizardStep::done};
            }
            return fail("no backup to restore and no firmware to send");
        }
        if (!f.firmware_ready()) {
            return choose_firmware(snapshot);
        }
        return next_if_open();
    case WizardStep::confirm:
        return next_if_open();
    case WizardStep::upload:
        if (f.upload == StepState::failed) {
            return intent::ReportProblem{};
        }
        return next_if_open();
    case WizardStep::verify:
        if (f.verify == StepState::failed) {
            return intent::ReportProblem{};
        }
        return next_if_open();
    case WizardStep::recovery:
        if (f.recovery_terminal) {
            return fail("recovery ended at 'service centre'");
        }
        if (f.recovery == StepState::idle && !m_recovery_started) {
            if (f.firmware_supported && !f.firmware_ready()) {
                // The interrupted update's file is gone: the page offers the chooser (and, for
                // the simulated device, the practice firmware) before Start.
                return choose_firmware(snapshot);
            }
            m_recovery_started = true;
            return intent::StartRecovery{};
        }
        if (f.recovery == StepState::failed) {
            return fail("guided recovery failed: " +
                        (f.recovery_outcome ? f.recovery_outcome->message : std::string()));
        }
        return next_if_open();
    case WizardStep::done:
        if (f.firmware_supported ? f.verify != StepState::done : f.restore != StepState::done) {
            return fail(f.firmware_supported ? "reached Done without a verified update"
                                             : "reached Done without a restored backup");
        }
        if (!m_bundle_asked) {
            m_bundle_asked = true;
            return intent::SaveSupportBundle{};
        }
        if (f.bundle_path.empty()) {
            return std::nullopt;
        }
        return intent::GoTo{WizardStep::library};
    case WizardStep::library:
        return intent::GoTo{WizardStep::tools};
    case WizardStep::tools:
        m_finished = true;
        return intent::Quit{};
    }
    return std::nullopt;
}

bool Autopilot::on_hardware(const Snapshot& snapshot) const {
    return m_hardware && snapshot.mode == RunMode::hardware;
}

// Detect (identity requests on every output), then the catalogue device that answered.
std::optional<Intent> Autopilot::detect_device(const UiModel& model, const Snapshot& snapshot) {
    const HardwareView& hw = snapshot.flow.hardware;
    if (!hw.detect_ran) {
        if (!m_detect_asked && !hw.detecting) {
            m_detect_asked = true;
            return intent::DetectDevices{};
        }
        return std::nullopt;
    }
    const auto row = std::find_if(hw.detected.begin(), hw.detected.end(),
                                  [](const DetectRow& r) { return !r.device_id.empty(); });
    if (row == hw.detected.end()) {
        std::string asked;
        for (const auto& r : hw.detected) {
            asked += fmt::format("; '{}': {}", r.output, r.problem.empty() ? "?" : r.problem);
        }
        return fail("Detect found no device of the catalogue" + asked);
    }
    m_detected_output = row->output;
    if (model.selected_device != row->device_id) {
        return intent::SelectDevice{row->device_id};
    }
    return std::nullopt;
}

// The port Detect found the device on (the engine may have taken the recommended one already).
std::optional<Intent> Autopilot::choose_detected_port(const Snapshot& snapshot) {
    const HardwareView& hw = snapshot.flow.hardware;
    if (hw.din_warning) {
        return fail("choosing '" + hw.din_warning->port +
                    "' asks to confirm DIN: " + hw.din_warning->text);
    }
    const auto chosen =
        std::find_if(hw.ports.begin(), hw.ports.end(), [](const PortRow& r) { return r.chosen; });
    if (chosen != hw.ports.end() && chosen->output == m_detected_output) {
        return std::nullopt;
    }
    if (m_port_asked) {
        return fail("the port Detect found the device on, '" + m_detected_output +
                    "', could not be chosen");
    }
    m_port_asked = true;
    return intent::ChoosePort{m_detected_output, false};
}

// What the person sees on the instrument: the simulated panel, or in hardware mode the last
// "display: " line of the display file (the device model's own output).
engine::InstrumentView Autopilot::read_instrument(const Snapshot& snapshot) const {
    if (!on_hardware(snapshot)) {
        return instrument(snapshot);
    }
    engine::InstrumentView view;
    view.mode = "normal";
    if (m_hardware->display_file.empty()) {
        return view;
    }
    std::ifstream in(m_hardware->display_file);
    constexpr std::string_view kPrefix = "display: ";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(kPrefix, 0) == 0) {
            view.display = line.substr(kPrefix.size());
        }
    }
    // `emulate` prints a display's lines joined by " / "; the manifests' messages have them on
    // lines of their own.
    for (std::size_t at = view.display.find(" / "); at != std::string::npos;
         at = view.display.find(" / ", at + 1)) {
        view.display.replace(at, 3, "\n");
    }
    return view;
}

std::optional<Intent> Autopilot::next(const UiModel& model, const Snapshot& snapshot,
                                      Clock::time_point now) {
    if (m_finished || failed() || now < m_not_before) {
        return std::nullopt;
    }
    if (!m_queue.empty()) {
        // As the CLI's hands do (engine/emulated_hands): nothing is pressed while the device is
        // still starting up.
        if (snapshot.panel && snapshot.panel->mode == "booting" &&
            std::holds_alternative<intent::PressButton>(m_queue.front().first)) {
            return std::nullopt;
        }
        auto [value, pause] = m_queue.front();
        m_queue.pop_front();
        m_not_before = now + pause;
        if (const auto* press = std::get_if<intent::PressButton>(&value)) {
            m_actions.push_back("press " + press->id);
        } else if (std::holds_alternative<intent::PowerCycle>(value)) {
            m_actions.push_back(describe(value));
        }
        return value;
    }
    if (snapshot.flow.run && snapshot.flow.run->question) {
        if (const auto owner = question_page(snapshot); owner && *owner != model.current) {
            // Go to the page that asks (the display check is Verify's), as a person would.
            std::optional<Intent> go;
            if (next_step(model.current) == owner &&
                page_gate(model, snapshot, model.current).can_continue) {
                go = intent::Next{};
            } else if (is_reachable(model, snapshot, *owner)) {
                go = intent::GoTo{*owner};
            }
            if (go) {
                m_not_before = now + std::chrono::milliseconds{150};
            }
            return go;
        }
        auto value = hands(*snapshot.flow.run->question, snapshot);
        if (value) {
            if (const auto* press = std::get_if<intent::PressButton>(&*value)) {
                m_actions.push_back("press " + press->id);
            }
            m_not_before = now + std::chrono::milliseconds{300};
        }
        return value;
    }
    // No question open: a question asked again later (a retry's bootloader steps) is new.
    m_handled.clear();
    if (snapshot.flow.engine_busy) {
        return std::nullopt;
    }
    auto value = flow(model, snapshot);
    if (value) {
        m_not_before = now + std::chrono::milliseconds{150};
    }
    return value;
}

} // namespace syx::gui
