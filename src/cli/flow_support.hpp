#pragma once
// Shared plumbing of the session commands (backup, upload, restore, recover): the device
// manifest, opening the device's ports, the terminal / --yes answers to a job's questions, and
// printing an outcome with its recovery steps. The jobs themselves are the engine's
// (engine/update_flow_job.hpp, restore_job.hpp, backup_job.hpp); cli/job_presenter.hpp shows
// what they publish.
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include <nlohmann/json.hpp>

#include "cli/cli_transport.hpp"
#include "core/backup_session.hpp"
#include "core/manifest.hpp"
#include "core/session.hpp"
#include "core/sysex_file.hpp"
#include "engine/backup_store.hpp"
#include "engine/job_host.hpp"
#include "engine/session_runner.hpp"

namespace CLI {
class App;
}

namespace syx::cli {

struct FlowArgs {
    TransportArgs transport;
    std::string device;
    bool yes = false;
};

// Adds --device (required), --yes and the transport options.
void add_flow_options(CLI::App& sub, FlowArgs& args);

// The device's port opened for a session: both directions, input buffers sized for the largest
// message the manifest expects, every received message going to `mailbox`.
struct SessionPorts {
    std::shared_ptr<engine::SessionMailbox> mailbox;
    OpenedTransport transport;
    // The link a sending session uses (open_sending_ports); the manifest's preference otherwise.
    Link link = Link::usb;
};
// `input_optional`: the device never answers, so an output port alone will do (a one-way cable).
std::variant<SessionPorts, CliError> open_session_ports(const TransportArgs& args,
                                                        const Manifest& manifest,
                                                        bool input_optional = false);

// open_session_ports() for a session that sends (upload, restore, recover), with its link
// decided once the port is known: decide_link() for the device (`asked`: --link), --yes
// answering its DIN question. A device that never answers needs no input port.
std::variant<SessionPorts, CliError>
open_sending_ports(const FlowArgs& args, const Manifest& manifest, std::optional<Link> asked);

// The opened ports as an engine job's connection.
engine::JobConnection job_connection(const SessionPorts& ports);

// Answers a session's questions: on the terminal (stderr + stdin lines: a number, a choice id or,
// where the question takes it, free text), or by policy with --yes (scripts). With --json the
// question is an event on stdout and the answer a line on stdin (a choice id, or
// {"choice": "...", "text": "..."}).
class TerminalPrompt final : public engine::UserPrompt {
public:
    using AnswerSink = std::function<void(std::string id, std::string choice, std::string text)>;
    TerminalPrompt(bool yes, bool json);
    ~TerminalPrompt() override;
    TerminalPrompt(const TerminalPrompt&) = delete;
    TerminalPrompt& operator=(const TerminalPrompt&) = delete;

    // Where answers go (the runner of the session now running) and how to give up.
    void attach(AnswerSink sink, std::function<void()> cancel);
    void ask(const session::Ask& ask) override;
    void withdraw(const std::string& question_id) override;

    struct AutoAnswer {
        std::string choice;
        std::string text;
    };
    // Answers some questions before the --yes policy or a person does (the emulated device's
    // "hands and eyes": its display text, its front-panel steps). nullopt: not answered here.
    // Set before the first question.
    void set_auto_answer(std::function<std::optional<AutoAnswer>(const session::Question&)> f) {
        m_auto = std::move(f);
    }

    // The choice the --yes policy takes for a question, or nullopt when a person must answer.
    static std::optional<std::string> policy_choice(const session::Question& question);
    // A question that is a wait rather than a choice: the device moves it on (a front-panel dump
    // arriving), or its only answer is Cancel. With standard input at its end (</dev/null, a
    // service) it is waited on, not cancelled: Ctrl-C or the session's own timeout ends it.
    static bool is_wait(const session::Question& question);

private:
    void reader_loop();
    bool apply_line(const std::string& line, const session::Question& open, const AnswerSink& sink);
    void dispatch();

    bool m_yes;
    bool m_json;
    std::function<std::optional<AutoAnswer>(const session::Question&)> m_auto;
    std::mutex m_mutex;
    std::optional<session::Question> m_open;
    AnswerSink m_sink;
    std::function<void()> m_cancel;
    std::thread m_reader;
    std::atomic<bool> m_stop{false};
    bool m_stdin_closed = false;
    std::string m_told_waiting;      // the question we said we wait on with stdin ended
    std::deque<std::string> m_lines; // typed ahead, not yet used
};

// With --api emulated, lets the in-process device answer what a person at the instrument would:
// its display text for "what does the display show?", and the front-panel steps for entering the
// bootloader or a recovery step (buttons named in the step pressed / held at power-on). A no-op
// for every other api.
void attach_emulated_hands(TerminalPrompt& prompt, transport::MidiApi api,
                           const std::string& device_id);

// Text for people: the outcome's message and, when there is one, its recovery plan as numbered
// steps. `next` is an extra line ("Then run: …").
void print_outcome(const session::Outcome& outcome, const std::string& next = {});

// {"event":"result", "ok", "exit_code", "outcome", "message", "recovery": {...}, ...extra}
nlohmann::json result_event(const session::Outcome& outcome, int exit_code);

// "syxflash-cli: " + message on stderr (or a result event with --json), returning the code.
int fail(const char* command, bool json, int exit_code, const std::string& message);

} // namespace syx::cli
