#include "gui/controller.hpp"

#include <algorithm>
#include <type_traits>

#include <fmt/core.h>

#include "gui/question_page.hpp"

namespace syx::gui {

namespace {

bool beside_flow(WizardStep step) {
    return !step_info(step).in_flow;
}

bool reached(const UiModel& model, WizardStep step) {
    return step_index(step) <= step_index(model.furthest);
}

} // namespace

std::string describe(const Intent& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, intent::GoTo>) {
                return fmt::format("go to {}", step_slug(v.step));
            } else if constexpr (std::is_same_v<T, intent::Next>) {
                return "next";
            } else if constexpr (std::is_same_v<T, intent::Back>) {
                return "back";
            } else if constexpr (std::is_same_v<T, intent::SelectDevice>) {
                return fmt::format("select device {}", v.id);
            } else if constexpr (std::is_same_v<T, intent::ReportProblem>) {
                return "report a problem";
            } else if constexpr (std::is_same_v<T, intent::ToggleLog>) {
                return "toggle log";
            } else if constexpr (std::is_same_v<T, intent::Quit>) {
                return "quit";
            } else if constexpr (std::is_same_v<T, intent::ChooseLink>) {
                return fmt::format("choose link {}", v.link);
            } else if constexpr (std::is_same_v<T, intent::StartBackup>) {
                return "start backup";
            } else if constexpr (std::is_same_v<T, intent::SkipBackup>) {
                return "skip backup";
            } else if constexpr (std::is_same_v<T, intent::ChooseFirmware>) {
                return fmt::format("choose firmware {}", v.path);
            } else if constexpr (std::is_same_v<T, intent::UsePracticeFirmware>) {
                return "use practice firmware";
            } else if constexpr (std::is_same_v<T, intent::ConfirmUnknownRelease>) {
                return "confirm unknown release";
            } else if constexpr (std::is_same_v<T, intent::StartUpload>) {
                return "start upload";
            } else if constexpr (std::is_same_v<T, intent::StartRecovery>) {
                return "start recovery";
            } else if constexpr (std::is_same_v<T, intent::Answer>) {
                return fmt::format("answer {} with {}", v.question_id, v.choice_id);
            } else if constexpr (std::is_same_v<T, intent::Cancel>) {
                return "cancel";
            } else if constexpr (std::is_same_v<T, intent::PressButton>) {
                return fmt::format("press {}", v.id);
            } else if constexpr (std::is_same_v<T, intent::PowerCycle>) {
                std::string held;
                for (const auto& id : v.held) {
                    held += " " + id;
                }
                return "power-cycle holding" + (held.empty() ? std::string(" nothing") : held);
            } else if constexpr (std::is_same_v<T, intent::ArmFault>) {
                return fmt::format("arm fault {}", v.spec);
            } else if constexpr (std::is_same_v<T, intent::ClearFaults>) {
                return "clear faults";
            } else if constexpr (std::is_same_v<T, intent::RestoreBackup>) {
                return fmt::format("restore {}", v.file);
            } else if constexpr (std::is_same_v<T, intent::SaveSupportBundle>) {
                return "save support bundle";
            } else if constexpr (std::is_same_v<T, intent::RefreshLibrary>) {
                return "refresh library";
            } else if constexpr (std::is_same_v<T, intent::BrowseFolder>) {
                return fmt::format("browse {}", v.path);
            } else if constexpr (std::is_same_v<T, intent::Rescan>) {
                return "rescan ports";
            } else if constexpr (std::is_same_v<T, intent::DetectDevices>) {
                return "detect devices";
            } else if constexpr (std::is_same_v<T, intent::ChoosePort>) {
                return fmt::format("choose port {}{}", v.output,
                                   v.confirm_din ? " (DIN confirmed)" : "");
            } else if constexpr (std::is_same_v<T, intent::RunSelfTest>) {
                return fmt::format("self-test {}", v.output);
            } else if constexpr (std::is_same_v<T, intent::ToolsChooseFile>) {
                return fmt::format("tools: choose {}", v.path);
            } else if constexpr (std::is_same_v<T, intent::ToolsSend>) {
                return fmt::format("tools: send {} with {} ms gap over {}", v.path, v.gap_ms,
                                   v.link);
            } else if constexpr (std::is_same_v<T, intent::ToolsReceive>) {
                return fmt::format("tools: receive until {} ms idle", v.idle_ms);
            } else if constexpr (std::is_same_v<T, intent::SendMidiflySetting>) {
                return fmt::format("midifly: set {} to channel {}", v.setting, v.channel + 1);
            } else if constexpr (std::is_same_v<T, intent::ExportBackup>) {
                return fmt::format("export {} to {}", v.file, v.folder);
            } else if constexpr (std::is_same_v<T, intent::RecoverInterrupted>) {
                return fmt::format("recover interrupted {}", v.session);
            } else {
                static_assert(std::is_same_v<T, intent::DismissInterrupted>, "describe() it");
                return fmt::format("later for interrupted {}", v.session);
            }
        },
        value);
}

bool is_engine_intent(const Intent& value) {
    return value.index() >= 7; // ChooseLink and everything after it (intent.hpp)
}

bool is_reachable(const UiModel& model, const Snapshot& snapshot, WizardStep step) {
    if (snapshot.transfer_running) {
        // Leaving the Upload page mid-transfer would hide the one page that matters.
        return step == model.current;
    }
    switch (step) {
    case WizardStep::library:
    case WizardStep::tools:
    case WizardStep::device:
        return true;
    case WizardStep::done:
        // Backup/restore-only devices: nothing to upload, so Done follows the backup.
        if (!snapshot.flow.firmware_supported && !snapshot.flow.device_id.empty() &&
            reached(model, WizardStep::firmware)) {
            return true;
        }
        return reached(model, step);
    case WizardStep::recovery:
        // Someone holding a half-flashed unit picks the device and goes straight here.
        return model.recovery_open || step_index(model.furthest) > step_index(WizardStep::device);
    default:
        return reached(model, step);
    }
}

PageGate page_gate(const UiModel& model, const Snapshot& snapshot, WizardStep step) {
    if (snapshot.transfer_running) {
        return {false, "Wait until the upload has finished."};
    }
    if (!next_step(step)) {
        return {false, beside_flow(step) ? "" : "This is the last page."};
    }
    if (step == WizardStep::device) {
        if (!model.selected_device) {
            return {false, "Choose a device first."};
        }
        if (snapshot.flow.device_id != *model.selected_device) {
            return {false, "Getting the device ready…"};
        }
        return {true, ""};
    }
    const FlowView& flow = snapshot.flow;
    if (step == WizardStep::upload && update_verifying(snapshot)) {
        // Every message is out; the check of the device (and its question) is Verify's.
        return {true, ""};
    }
    if (flow.engine_busy) {
        return {false, "Wait until this step has finished."};
    }
    switch (step) {
    case WizardStep::connection:
        if (flow.port.empty()) {
            return {false, "No port for this device yet."};
        }
        return {true, ""};
    case WizardStep::backup:
        if (flow.backup == StepState::done || flow.backup == StepState::skipped ||
            flow.backup == StepState::unavailable) {
            return {true, ""};
        }
        return {false, "Make the backup first (or skip it by typing the phrase)."};
    case WizardStep::firmware:
        if (!flow.firmware.loaded) {
            return {false, "Choose a firmware file."};
        }
        if (flow.firmware.refused) {
            return {false, "This file failed validation; nothing can be sent."};
        }
        if (flow.firmware.unknown_release && !flow.firmware_confirmed) {
            return {false, "Type the confirmation for an unknown release first."};
        }
        return {true, ""};
    case WizardStep::confirm:
        return {true, ""};
    case WizardStep::upload:
        if (flow.upload == StepState::done) {
            return {true, ""};
        }
        return {false, flow.upload == StepState::failed
                           ? "The upload did not finish: go to Recovery."
                           : "The upload has not finished."};
    case WizardStep::verify:
        if (flow.verify == StepState::done) {
            return {true, ""};
        }
        return {false, "The device has not confirmed the new firmware."};
    case WizardStep::recovery:
        if (flow.recovery == StepState::done || flow.recovery == StepState::failed) {
            return {true, ""};
        }
        return {false, "Follow the recovery plan first."};
    default:
        return {true, ""};
    }
}

bool can_go_back(const UiModel& model, const Snapshot& snapshot) {
    if (snapshot.transfer_running) {
        return false;
    }
    return beside_flow(model.current) || previous_step(model.current).has_value();
}

void Controller::show(WizardStep step) {
    if (step != m_model.current) {
        m_model.current = step;
        m_model.visited.push_back(step);
    }
}

bool Controller::forward(const Intent& value, const Snapshot& snapshot) {
    if (!m_engine) {
        return false;
    }
    const bool live = std::holds_alternative<intent::Answer>(value) ||
                      std::holds_alternative<intent::Cancel>(value) ||
                      std::holds_alternative<intent::PressButton>(value) ||
                      std::holds_alternative<intent::PowerCycle>(value) ||
                      std::holds_alternative<intent::ArmFault>(value) ||
                      std::holds_alternative<intent::ClearFaults>(value);
    // While a job runs only the things that talk to it (answers, cancel, the device's panel,
    // faults) are taken; starting a second job would race the first for the port.
    if (snapshot.flow.engine_busy && !live) {
        return false;
    }
    m_engine(value);
    return true;
}

bool Controller::apply(const Intent& value, const Snapshot& snapshot) {
    if (const auto* resume = std::get_if<intent::RecoverInterrupted>(&value)) {
        // The engine picks the device and the journal's file; the user lands on Recovery.
        if (snapshot.transfer_running || !forward(value, snapshot)) {
            return false;
        }
        m_model.selected_device = resume->device_id;
        m_model.recovery_open = true;
        show(WizardStep::recovery);
        return true;
    }
    if (is_engine_intent(value)) {
        return forward(value, snapshot);
    }
    return std::visit(
        [&](const auto& v) -> bool {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, intent::GoTo>) {
                if (!is_reachable(m_model, snapshot, v.step)) {
                    return false;
                }
                if (beside_flow(v.step) && !beside_flow(m_model.current)) {
                    m_model.return_step = m_model.current;
                }
                show(v.step);
                return true;
            } else if constexpr (std::is_same_v<T, intent::Next>) {
                const auto next = next_step(m_model.current);
                if (!next || !page_gate(m_model, snapshot, m_model.current).can_continue) {
                    return false;
                }
                if (m_model.current == WizardStep::confirm) {
                    // "Start the upload" is the Confirm page's Next.
                    if (!forward(intent::StartUpload{}, snapshot)) {
                        return false;
                    }
                }
                if (!reached(m_model, *next)) {
                    m_model.furthest = *next;
                }
                show(*next);
                return true;
            } else if constexpr (std::is_same_v<T, intent::Back>) {
                if (!can_go_back(m_model, snapshot)) {
                    return false;
                }
                show(beside_flow(m_model.current) ? m_model.return_step
                                                  : *previous_step(m_model.current));
                return true;
            } else if constexpr (std::is_same_v<T, intent::SelectDevice>) {
                if (snapshot.transfer_running) {
                    return false;
                }
                const bool known =
                    std::any_of(snapshot.devices.begin(), snapshot.devices.end(),
                                [&](const DeviceCard& card) { return card.id == v.id; });
                if (!known) {
                    return false;
                }
                m_model.selected_device = v.id;
                if (m_engine) {
                    m_engine(value);
                }
                return true;
            } else if constexpr (std::is_same_v<T, intent::ReportProblem>) {
                if (snapshot.transfer_running) {
                    return false;
                }
                m_model.recovery_open = true;
                show(WizardStep::recovery);
                return true;
            } else if constexpr (std::is_same_v<T, intent::ToggleLog>) {
                m_model.show_log = !m_model.show_log;
                return true;
            } else if constexpr (std::is_same_v<T, intent::Quit>) {
                if (snapshot.transfer_running) {
                    // Quitting mid-upload is a cancel with consequences; the Upload page asks.
                    return false;
                }
                m_model.quit_requested = true;
                return true;
            } else {
                return false; // engine intents were forwarded above
            }
        },
        value);
}

} // namespace syx::gui
