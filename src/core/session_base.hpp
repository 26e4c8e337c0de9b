#pragma once
// What every session shares: the log, progress, the finish latch and small helpers for building
// commands. Internal to the session implementations (drivers use core/session.hpp).
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest.hpp"
#include "core/session.hpp"

namespace syx::session {

class SessionBase : public Session {
public:
    [[nodiscard]] const Progress& progress() const override { return m_progress; }
    [[nodiscard]] const std::vector<LogLine>& log() const override { return m_log; }
    [[nodiscard]] const std::optional<Outcome>& outcome() const override { return m_outcome; }

    // Once finished, every event returns the same Finish; otherwise on_event() decides.
    Command handle(const Event& event, SessionTime now) final;

protected:
    virtual Command on_event(const Event& event) = 0;

    [[nodiscard]] SessionTime now() const { return m_now; }
    void info(std::string text);
    void warn(std::string text);
    void error(std::string text);
    Command finish(Outcome outcome);
    Command finish(OutcomeKind kind, std::string message);
    // Copies a finished sub-session's log (identify inside backup or update) as info lines, except
    // the line that closed it with a failure: this session's own outcome repeats that message, and
    // printed twice it read as two failures.
    void adopt_log(const Session& sub);
    // Attaches the plan (id, title, steps) to an outcome.
    static void attach_plan(Outcome& outcome, const RecoveryPlan* plan);

    Progress m_progress;

private:
    void add_log(LogLevel level, std::string text);

    SessionTime m_now{0};
    std::vector<LogLine> m_log;
    std::optional<Outcome> m_outcome;
};

// Panel labels written in capitals in `text` ("hold MASTER", "TRIG 3", "MEM. DUMP").
std::vector<std::string> buttons_mentioned(std::string_view text);
// A question with one "ok" choice.
Question information(std::string id, std::string title, std::string text,
                     std::vector<std::string> steps = {});

} // namespace syx::session
