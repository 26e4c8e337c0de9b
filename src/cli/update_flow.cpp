#include "cli/update_flow.hpp"

#include <utility>

#include <fmt/core.h>

#include "cli/exit_codes.hpp"
#include "cli/job_presenter.hpp"
#include "core/hash.hpp"
#include "engine/update_flow_job.hpp"

namespace syx::cli {
namespace {

engine::UpdateJobRequest job_request(const UpdateRequest& r, std::optional<Link> link) {
    engine::UpdateJobRequest job;
    job.command = r.command;
    job.device_id = r.flow.device;
    job.file = r.file;
    job.backup = r.backup;
    job.skip_backup = r.skip_backup;
    job.allow_unknown_release = r.allow_unknown_release;
    job.link = link;
    job.gap_override = r.gap_override;
    job.api = r.flow.transport.api;
    job.port = r.flow.transport.port;
    job.recovery = r.recovery;
    job.plan = r.plan;
    job.attempts = r.attempts;
    job.not_the_journaled_file = r.not_the_journaled_file;
    return job;
}

void print_start(const UpdateRequest& r, const engine::UpdateJob& job, const SessionPorts& ports) {
    const auto& m = job.manifest();
    const auto& t = ports.transport;
    const auto& check = job.file_check();
    const auto& recovery = job.recovery();
    if (r.flow.transport.json) {
        emit_event({{"event", "start"},
                    {"command", r.command},
                    {"device", m.id},
                    {"port", t.ports.output},
                    {"file", r.file},
                    {"sha256", to_hex(job.file().sha256)},
                    {"messages", job.file().messages.size()},
                    {"link", to_string(ports.link)},
                    {"plan", recovery.plan},
                    {"interrupted_sessions", recovery.interrupted.size()},
                    {"release",
                     check.release_version ? nlohmann::json(*check.release_version) : nullptr}});
        return;
    }
    fmt::print(stderr, "{} the {} on '{}' over {} with '{}' ({} message(s), {}){}\n",
               job.half_written() ? "Recovering" : "Updating", m.name, t.ports.output,
               to_string(ports.link), r.file, job.file().messages.size(),
               check.release_version ? "release " + *check.release_version
                                     : std::string("unknown release, allowed"),
               recovery.interrupted.empty()
                   ? std::string{}
                   : fmt::format(" ({} interrupted update(s) in the journal)",
                                 recovery.interrupted.size()));
}

nlohmann::json restore_event(const engine::UpdateJobResult& done) {
    if (!done.restore) {
        return nullptr;
    }
    return result_event(*done.restore, session::exit_code_for(done.restore->kind));
}

int report(const UpdateRequest& r, const engine::UpdateJobResult& done, Link link) {
    const bool json = r.flow.transport.json;
    const auto& outcome = done.outcome;
    const int code = engine::exit_code(done.exit);
    if (done.stage == engine::UpdateJobResult::Stage::backup_not_saved) {
        return fail(r.command, json, code, done.problem->message);
    }
    if (done.stage == engine::UpdateJobResult::Stage::backup_failed) {
        json ? emit_event(result_event(outcome, code)) : print_outcome(outcome);
        return code;
    }
    std::string next;
    if (done.recover_command) {
        next = fmt::format("\nWhen the steps are done, send the firmware again, guided and "
                           "slower:\n  {}\n('syxflash-cli recover' alone lists interrupted "
                           "updates.)",
                           *done.recover_command);
    }
    if (!done.resolved_sessions.empty()) {
        next += fmt::format("{} interrupted update(s) marked resolved in the journal.",
                            done.resolved_sessions.size());
    }
    if (!json) {
        print_outcome(outcome, next);
        return code;
    }
    auto event = result_event(outcome, code);
    event["backup"] = done.backup_file ? nlohmann::json(done.backup_file->string()) : nullptr;
    event["backup_gate"] = session::to_string(done.backup_gate.kind);
    event["link"] = to_string(link);
    event["journal"] = done.journal ? nlohmann::json(done.journal->string()) : nullptr;
    event["restore"] = restore_event(done);
    event["attempts"] = done.attempts;
    event["slowdown"] = done.slowdown;
    event["resolved_sessions"] = done.resolved_sessions;
    if (done.recover_command) {
        event["next"] = *done.recover_command;
    }
    emit_event(event);
    return code;
}

} // namespace

int run_update_flow(const UpdateRequest& request) {
    const bool json = request.flow.transport.json;
    std::optional<Link> link;
    if (!request.link.empty()) {
        link = parse_link(request.link);
        if (!link) {
            return fail(request.command, json, kExitUsage,
                        fmt::format("--link must be usb or din, not '{}'", request.link));
        }
    }
    CliJobHost host(json);
    auto prepared = engine::UpdateJob::prepare(job_request(request, link), host);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        return fail_job(request.command, json, *problem);
    }
    auto& job = std::get<engine::UpdateJob>(prepared);
    auto opened = open_sending_ports(request.flow, job.manifest(), link);
    if (auto* err = std::get_if<CliError>(&opened)) {
        return fail(request.command, json, err->exit_code, err->message);
    }
    auto& ports = std::get<SessionPorts>(opened);
    print_start(request, job, ports);
    host.start_prompt(request.flow.yes, ports.transport.api, job.manifest().id);
    host.announce_backup(job.manifest().name);
    const auto done = job.run(job_connection(ports), host);
    ports.transport.transport->close();
    return report(request, done, ports.link);
}

} // namespace syx::cli
