#include "gui/autopilot.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

#include "gui/controller.hpp"
#include "gui/question_page.hpp"

namespace syx::gui {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string squash(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    return out;
}

} // namespace

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

// Reads an instruction as a person would: "Hold MASTER and switch it on" → power-cycle with
// MASTER held; "press TRIG 3" → press. Labels are the simulated panel's own.
void Autopilot::perform(const std::string& instruction, const Snapshot& snapshot) {
    if (!snapshot.panel) {
        return;
    }
    const std::string t = lower(instruction);
    const auto& buttons = snapshot.panel->buttons;
    const auto hold = t.find("hold ");
    std::size_t on = std::string::npos;
    for (const char* phrase :
         {"switch it on", "switch on", "power on", "power-on", "turn it on", "turn on"}) {
        const auto p = t.find(phrase, hold == std::string::npos ? 0 : hold);
        if (p != std::string::npos && (on == std::string::npos || p < on)) {
            on = p;
        }
    }
    std::string rest = t;
    if (hold != std::string::npos && on != std::string::npos && hold < on) {
        const std::string segment = t.substr(hold, on - hold);
        std::vector<std::string> held;
        for (const auto& b : buttons) {
            const auto label = lower(b.label);
            if (label.size() >= 2 && segment.find(label) != std::string::npos) {
                held.push_back(b.id);
            }
        }
        m_queue.emplace_back(intent::PowerCycle{held}, std::chrono::milliseconds{2000});
        rest = t.substr(on);
    }
    for (const char* verb : {"press ", "with "}) {
        std::size_t p = 0;
        while ((p = rest.find(verb, p)) != std::string::npos) {
            p += std::string(verb).size();
            std::string after = rest.substr(p, 40);
            if (after.rfind("the ", 0) == 0) {
                after = after.substr(4);
            }
            for (const auto& b : buttons) {
                const auto label = lower(b.label);
                if (label.size() >= 2 && after.rfind(label, 0) == 0) {
                    m_queue.emplace_back(intent::PressButton{b.id}, std::chrono::milliseconds{400});
                }
            }
        }
    }
}

std::optional<Intent> Autopilot::hands(const session::Question& q, const Snapshot& snapshot) {
    using session::QuestionPurpose;
    const std::string key = q.id + "|" + std::to_string(static_cast<int>(q.purpose));
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
    if (!m_handled.insert(key + "|" + q.text).second) {
        return std::nullopt; // answered; waiting for the session to move on
    }
    switch (q.purpose) {
    case QuestionPurpose::enter_bootloader:
        for (const auto& s : q.steps) {
            perform(s, snapshot);
        }
        m_queue.emplace_back(intent::Answer{q.id, "ready", ""}, std::chrono::milliseconds{0});
        return std::nullopt;
    case QuestionPurpose::recovery_step:
        perform(q.text, snapshot);
        for (const auto& s : q.steps) {
            perform(s, snapshot);
        }
        m_queue.emplace_back(intent::Answer{q.id, "done", ""}, std::chrono::milliseconds{0});
        return std::nullopt;
    case QuestionPurpose::display_check: {
        const std::string shown = snapshot.panel ? snapshot.panel->display : "";
        const std::string mode = snapshot.panel ? snapshot.panel->mode : "";
        for (const auto& c : q.choices) {
            if (c.id.rfind("display:", 0) == 0 && !shown.empty() &&
                squash(c.label.substr(0, c.label.find(" — "))) == squash(shown)) {
                return intent::Answer{q.id, c.id, ""};
            }
        }
        const bool has_works = std::any_of(q.choices.begin(), q.choices.end(),
                                           [](const auto& c) { return c.id == "works"; });
        if (has_works) {
            return intent::Answer{q.id, mode == "normal" ? "works" : "problem", ""};
        }
        if (mode == "normal") {
            return intent::Answer{q.id, "normal", ""};
        }
        return intent::Answer{q.id, "other", shown.empty() ? "(blank display)" : shown};
    }
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
    switch (model.current) {
    case WizardStep::device:
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

std::optional<Intent> Autopilot::next(const UiModel& model, const Snapshot& snapshot,
                                      Clock::time_point now) {
    if (m_finished || failed() || now < m_not_before) {
        return std::nullopt;
    }
    if (!m_queue.empty()) {
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
