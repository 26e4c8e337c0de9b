#include "core/session_base.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

namespace syx::session {

Command SessionBase::handle(const Event& event, SessionTime now) {
    if (now > m_now) {
        m_now = now; // virtual time never goes backwards
    }
    if (m_outcome) {
        return Finish{*m_outcome};
    }
    return on_event(event);
}

void SessionBase::add_log(LogLevel level, std::string text) {
    m_log.push_back(LogLine{m_now, level, std::move(text)});
}
void SessionBase::info(std::string text) {
    add_log(LogLevel::info, std::move(text));
}
void SessionBase::warn(std::string text) {
    add_log(LogLevel::warning, std::move(text));
}
void SessionBase::error(std::string text) {
    add_log(LogLevel::error, std::move(text));
}

Command SessionBase::finish(Outcome outcome) {
    if (outcome.kind == OutcomeKind::success) {
        info(outcome.message);
    } else {
        error(std::string(to_string(outcome.kind)) + ": " + outcome.message);
        if (!outcome.recovery_title.empty()) {
            info("Recovery: " + outcome.recovery_title);
        }
    }
    m_progress.critical = false;
    m_outcome = std::move(outcome);
    return Finish{*m_outcome};
}

Command SessionBase::finish(OutcomeKind kind, std::string message) {
    Outcome o;
    o.kind = kind;
    o.message = std::move(message);
    return finish(std::move(o));
}

void SessionBase::adopt_log(const Session& sub) {
    std::string closing;
    if (const auto& outcome = sub.outcome(); outcome && outcome->kind != OutcomeKind::success) {
        closing = std::string(to_string(outcome->kind)) + ": " + outcome->message;
    }
    for (const auto& line : sub.log()) {
        if (closing.empty() || line.text != closing) {
            info(line.text);
        }
    }
}

void SessionBase::attach_plan(Outcome& outcome, const RecoveryPlan* plan) {
    if (plan == nullptr) {
        return;
    }
    outcome.recovery_plan = plan->id;
    outcome.recovery_title = plan->title;
    outcome.recovery_steps = plan->steps;
}

std::vector<std::string> buttons_mentioned(std::string_view text) {
    // Runs of capitalised words outside quotes: "hold MASTER", "TRIG 3", "MEM. DUMP". Quoted
    // display texts ("READY TO RECEIVE") and link names (MIDI, USB) are not buttons.
    static constexpr std::string_view kNotButtons[] = {"MIDI", "USB", "DIN", "OS",   "CF",
                                                       "OUT",  "IN",  "DAW", "SysEx"};
    std::vector<std::string> out;
    std::vector<std::string> run;
    auto flush = [&] {
        std::string joined;
        for (const auto& w : run) {
            joined += (joined.empty() ? "" : " ") + w;
        }
        run.clear();
        while (!joined.empty() && joined.back() == '.') {
            joined.pop_back();
        }
        if (!joined.empty() && std::find(out.begin(), out.end(), joined) == out.end()) {
            out.push_back(joined);
        }
    };
    bool quoted = false;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && text[i] != ' ') {
            ++i;
        }
        std::string word(text.substr(start, i - start));
        // Quoted display texts and parenthesised remarks ("(MIDI UPGRADE)") are not buttons.
        const bool opens = !word.empty() && (word.front() == '"' || word.front() == '(');
        const bool closes = word.find_first_of("\")", opens ? 1 : 0) != std::string::npos;
        if (quoted || opens) {
            flush();
            quoted = !closes;
            continue;
        }
        // Trailing punctuation ends a run after this word.
        bool ends = false;
        while (!word.empty() && (word.back() == ',' || word.back() == ';' || word.back() == ':')) {
            word.pop_back();
            ends = true;
        }
        std::size_t letters = 0;
        bool caps = !word.empty();
        for (char c : word) {
            const auto u = static_cast<unsigned char>(c);
            if (std::islower(u) != 0) {
                caps = false;
            }
            letters += std::isupper(u) != 0 ? 1U : 0U;
        }
        const bool number = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
        const bool excluded = std::find(std::begin(kNotButtons), std::end(kNotButtons), word) !=
                              std::end(kNotButtons);
        if (caps && letters >= 2 && !excluded) {
            run.push_back(word);
        } else if (number && !run.empty()) {
            run.push_back(word); // "TRIG 3"
        } else {
            flush();
        }
        if (ends) {
            flush();
        }
    }
    flush();
    return out;
}

Question information(std::string id, std::string title, std::string text,
                     std::vector<std::string> steps) {
    Question q;
    q.id = std::move(id);
    q.purpose = QuestionPurpose::information;
    q.title = std::move(title);
    q.text = std::move(text);
    q.steps = std::move(steps);
    q.choices = {Choice{"ok", "OK"}};
    for (const auto& s : q.steps) {
        for (auto& b : buttons_mentioned(s)) {
            q.buttons.push_back(std::move(b));
        }
    }
    return q;
}

} // namespace syx::session
