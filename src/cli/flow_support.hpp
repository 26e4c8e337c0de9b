#pragma once
// Shared plumbing of the session commands (backup, upload, restore, recover): the device
// manifest, the terminal / --yes answers to a session's questions, running a session with
// progress and JSON Lines events, and printing an outcome with its recovery steps.
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
#include "engine/session_runner.hpp"

namespace CLI {
class App;
}

namespace syx::engine {
class UpdateJournal;
}

namespace syx::cli {

struct FlowArgs {
    TransportArgs transport;
    std::string device;
    bool yes = false;
};

// Adds --device (required), --yes and the transport options.
void add_flow_options(CLI::App& sub, FlowArgs& args);

// The device's manifest, or a usage error listing the known ids.
std::variant<Manifest, CliError> load_manifest(const std::string& device_id);

// What every session command needs before it opens a port: the device's manifest, the link
// (--link when given, else the one the manifest prefers) and, when `file_path` is not empty, that
// file read. Problems are usage errors with the reason.
struct FlowStart {
    Manifest manifest;
    // --link, else the manifest's preference: what validation assumes before a port is open.
    // Sessions use open_sending_ports() instead, which also looks at the port.
    Link link = Link::usb;
    std::optional<Link> asked_link;        // --link as given
    std::shared_ptr<const SysexFile> file; // null when no file was asked for
    // What every run says: a user manifest in use, a documented gap it could not lower.
    std::vector<std::string> notices;
    bool gap_floor_overridden = false; // the typed override let a smaller gap through
};
// `gap_override`: the phrase the user typed to go below a documented gap (empty: none).
std::variant<FlowStart, CliError> start_flow(const std::string& device_id,
                                             const std::string& link_text,
                                             const std::string& file_path,
                                             const std::string& gap_override = {});

// The device's port opened for a session: both directions, input buffers sized for the largest
// message the manifest expects, every received message going to `mailbox`.
struct SessionPorts {
    std::shared_ptr<engine::SessionMailbox> mailbox;
    OpenedTransport transport;
    // The link a sending session uses (open_sending_ports); the manifest's preference otherwise.
    Link link = Link::usb;
};
std::variant<SessionPorts, CliError> open_session_ports(const TransportArgs& args,
                                                        const Manifest& manifest);

// open_session_ports() for a session that sends (upload, restore, recover), with its link
// decided once the port is known: decide_link() for the device, --yes answering its DIN
// question.
std::variant<SessionPorts, CliError> open_sending_ports(const FlowArgs& args,
                                                        const FlowStart& start);

// "\n  first\n  second": problems listed under a sentence.
std::string indented_lines(const std::vector<std::string>& lines);

// The largest message the device may send us (backup replies, identity), for the input buffers.
std::size_t max_input_bytes(const Manifest& manifest);

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

// Runs a session over an opened transport with progress bar / JSON events / log lines, and
// returns its outcome. `journal` may be null.
struct RunContext {
    bool json = false;
    TerminalPrompt* prompt = nullptr;
    const std::atomic<bool>* interrupted = nullptr;
    engine::UpdateJournal* journal = nullptr;
};
session::Outcome run_session(session::Session& session, transport::MidiTransport& transport,
                             const std::shared_ptr<engine::SessionMailbox>& mailbox,
                             const RunContext& context);

// Text for people: the outcome's message and, when there is one, its recovery plan as numbered
// steps. `next` is an extra line ("Then run: …").
void print_outcome(const session::Outcome& outcome, const std::string& next = {});

// {"event":"result", "ok", "exit_code", "outcome", "message", "recovery": {...}, ...extra}
nlohmann::json result_event(const session::Outcome& outcome, int exit_code);

// "syxflash-cli: " + message on stderr (or a result event with --json), returning the code.
int fail(const char* command, bool json, int exit_code, const std::string& message);

} // namespace syx::cli
