#include "engine/job_host.hpp"

#include "engine/journal.hpp"

namespace syx::engine {

JobExit job_exit_for(session::OutcomeKind kind) {
    // One mapping (core's, DESIGN.md §8); JobExit names its values.
    return static_cast<JobExit>(session::exit_code_for(kind));
}

const char* to_string(JobStep step) {
    switch (step) {
    case JobStep::backup:
        return "backup";
    case JobStep::transfer:
        return "transfer";
    case JobStep::restore:
        return "restore";
    }
    return "transfer";
}

std::optional<std::filesystem::path> JobHost::journal_folder() {
    return journal_dir();
}

session::Outcome run_job_session(session::Session& session, JobStep step,
                                 const JobConnection& connection, JobHost& host,
                                 UpdateJournal* journal) {
    RunnerOptions options;
    options.prompt = host.prompt();
    options.cancel_flag = host.cancel_flag();
    options.stop_flag = host.stop_flag();
    options.stop_reason = [&host] { return host.stop_reason(); };
    options.journal = journal;
    // Snapshots come from the worker, which run() starts after runner_ptr is set.
    SessionRunner* runner_ptr = nullptr;
    options.on_snapshot = [&] {
        if (runner_ptr != nullptr) {
            host.on_event(job_event::SessionUpdate{step, runner_ptr->snapshot()});
        }
    };
    options.on_step = [&host](const session::Session& s, const session::Command& command) {
        host.on_step(s, command);
    };
    host.on_event(job_event::SessionStarted{step});
    SessionRunner runner(session, *connection.transport, connection.mailbox, options);
    runner_ptr = &runner;
    host.attach_runner(&runner);
    connection.mailbox->clear();
    session::Outcome outcome = runner.run();
    host.attach_runner(nullptr);
    host.on_event(job_event::SessionFinished{step, outcome});
    return outcome;
}

} // namespace syx::engine
