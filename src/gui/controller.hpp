#pragma once
// Applies intents to the UI model. The single place where navigation rules live: which pages
// are reachable, when Next is allowed and why not.
#include <functional>
#include <string>

#include "gui/intent.hpp"
#include "gui/snapshot.hpp"
#include "gui/ui_model.hpp"

namespace syx::gui {

// Whether the user may leave a page forward, and if not, the sentence that says why.
struct PageGate {
    bool can_continue = false;
    std::string reason;
};

// Pure rules, shared by the views (to enable buttons) and the controller (to refuse).
[[nodiscard]] bool is_reachable(const UiModel& model, const Snapshot& snapshot, WizardStep step);
[[nodiscard]] PageGate page_gate(const UiModel& model, const Snapshot& snapshot, WizardStep step);
[[nodiscard]] bool can_go_back(const UiModel& model, const Snapshot& snapshot);

class Controller {
public:
    // Where engine intents go (the WizardEngine's post()); empty: they are refused.
    using EngineSink = std::function<void(const Intent&)>;

    Controller() = default;
    explicit Controller(UiModel model, EngineSink engine = {})
        : m_model(std::move(model)), m_engine(std::move(engine)) {}
    void set_engine(EngineSink engine) { m_engine = std::move(engine); }

    // Applies one intent against the current snapshot. Returns false when the intent was refused
    // (a disabled step, a closed gate): the model is then unchanged.
    bool apply(const Intent& value, const Snapshot& snapshot);

    [[nodiscard]] const UiModel& model() const { return m_model; }

private:
    void show(WizardStep step);

    bool forward(const Intent& value, const Snapshot& snapshot);

    UiModel m_model;
    EngineSink m_engine;
};

} // namespace syx::gui
