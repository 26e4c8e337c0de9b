#include "gui/snapshot.hpp"

#include <array>
#include <utility>

namespace syx::gui {

const char* to_string(StepState state) {
    switch (state) {
    case StepState::idle:
        return "not started";
    case StepState::running:
        return "running";
    case StepState::done:
        return "done";
    case StepState::failed:
        return "failed";
    case StepState::skipped:
        return "skipped";
    case StepState::unavailable:
        return "not available";
    }
    return "?";
}

namespace {

// Core's names for sessions and phases (Session::name(), Progress::phase), one table each so
// the text and the parse cannot disagree.
constexpr std::array<std::pair<RunKind, const char*>, 5> kRunKinds{{
    {RunKind::identify, "identify"},
    {RunKind::backup, "backup"},
    {RunKind::update, "update"},
    {RunKind::recover, "recover"},
    {RunKind::restore, "restore"},
}};

constexpr std::array<std::pair<RunPhase, const char*>, 8> kRunPhases{{
    {RunPhase::validate, "validate"},
    {RunPhase::identify, "identify"},
    {RunPhase::backup, "backup"},
    {RunPhase::enter_bootloader, "enter-bootloader"},
    {RunPhase::transfer, "transfer"},
    {RunPhase::verify, "verify"},
    {RunPhase::restore, "restore"},
    {RunPhase::recovery, "recovery"},
}};

template <typename Enum, std::size_t N>
const char* text_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value,
                    const char* otherwise) {
    for (const auto& [e, text] : table) {
        if (e == value) {
            return text;
        }
    }
    return otherwise;
}

template <typename Enum, std::size_t N>
Enum parse_of(const std::array<std::pair<Enum, const char*>, N>& table, std::string_view text,
              Enum otherwise) {
    for (const auto& [e, name] : table) {
        if (text == name) {
            return e;
        }
    }
    return otherwise;
}

} // namespace

const char* to_text(RunKind kind) {
    return text_of(kRunKinds, kind, "other");
}

RunKind run_kind(std::string_view session_name) {
    return parse_of(kRunKinds, session_name, RunKind::other);
}

const char* to_text(RunPhase phase) {
    return phase == RunPhase::none ? "" : text_of(kRunPhases, phase, "other");
}

RunPhase run_phase(std::string_view phase) {
    return phase.empty() ? RunPhase::none : parse_of(kRunPhases, phase, RunPhase::other);
}

const char* to_text(ToolJob job) {
    switch (job) {
    case ToolJob::none:
        return "";
    case ToolJob::send:
        return "send";
    case ToolJob::receive:
        return "receive";
    case ToolJob::setting:
        return "setting";
    }
    return "";
}

} // namespace syx::gui
