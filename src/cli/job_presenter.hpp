#pragma once
// The CLI's presenter of engine jobs (engine/job_host.hpp, issue 12): it prints what a job
// publishes (text on stderr, or JSON Lines events on stdout with --json) and answers the job's
// questions through the TerminalPrompt. The jobs decide; nothing here is a gate.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cli/cli_transport.hpp"
#include "cli/flow_support.hpp"
#include "engine/job_host.hpp"

namespace syx::cli {

class CliJobHost final : public engine::JobHost {
public:
    explicit CliJobHost(bool json) : m_json(json) {}

    // After the ports are open (the DIN question reads stdin before): the terminal / --yes
    // answers, the emulated device's hands, and Ctrl-C as the job's cancel flags.
    void start_prompt(bool yes, transport::MidiApi api, const std::string& device_id);
    // The update announces its backup gate's dump ("First, a backup of …").
    void announce_backup(std::string device_name) { m_backup_device = std::move(device_name); }

    void on_event(const engine::JobEvent& event) override;
    engine::UserPrompt* prompt() override { return m_prompt.get(); }
    void attach_runner(engine::SessionRunner* runner) override;
    const std::atomic<bool>* cancel_flag() override { return m_interrupted; }
    const std::atomic<bool>* stop_flag() override {
        return m_interrupted != nullptr ? &second_interrupt_flag() : nullptr;
    }
    std::string stop_reason() override { return cli::stop_reason(); }

private:
    void notice(const std::string& text) const;
    void session_started(engine::JobStep step);
    void session_update(const engine::RunSnapshot& snap);
    void print_log(const engine::RunSnapshot& snap);
    void print_phase(const engine::RunSnapshot& snap);
    void print_progress(const engine::RunSnapshot& snap);
    void print_piped_progress(const session::Progress& p);

    bool m_json;
    std::unique_ptr<TerminalPrompt> m_prompt;
    const std::atomic<bool>* m_interrupted = nullptr;
    std::optional<std::string> m_backup_device;
    // Per session (reset when one starts); the worker prints, the main thread may too.
    std::mutex m_print_mutex;
    std::unique_ptr<ProgressBar> m_bar;
    std::size_t m_log_printed = 0;
    std::size_t m_notes_printed = 0;
    std::string m_phase;
    std::chrono::steady_clock::time_point m_last_piped{};
};

// How often a piped (non-terminal) run prints a progress line: every few seconds
// (SYXFLASH_PROGRESS_INTERVAL_MS overrides it, for tests and logs).
std::chrono::milliseconds piped_progress_interval();

// "syxflash-cli COMMAND: message" (or a result event with --json) for a job that stopped before
// sending; the exit code to return.
int fail_job(const char* command, bool json, const engine::JobProblem& problem);

} // namespace syx::cli
