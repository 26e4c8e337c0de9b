// The update as an engine job (issue 12) driven by a host that is not the CLI, as the wizard
// drives it: typed events, questions through the UserPrompt, a typed result.
#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"
#include "emulator/fault_spec.hpp"
#include "emulator/modelled_firmware.hpp"
#include "engine/transfer_backends.hpp"
#include "engine/update_flow_job.hpp"
#include "transport/emulated_transport.hpp"

namespace {

namespace fs = std::filesystem;
namespace ev = syx::engine::job_event;
using syx::engine::JobStep;

// Answers what a script may answer (as --yes does), through the runner the job attaches.
class RecordingHost final : public syx::engine::JobHost, public syx::engine::UserPrompt {
public:
    explicit RecordingHost(fs::path journal) : m_journal(std::move(journal)) {}

    void on_event(const syx::engine::JobEvent& event) override {
        std::lock_guard lock(m_mutex);
        events.push_back(event);
    }
    syx::engine::UserPrompt* prompt() override { return this; }
    void attach_runner(syx::engine::SessionRunner* runner) override {
        std::lock_guard lock(m_mutex);
        m_runner = runner;
    }
    std::optional<fs::path> journal_folder() override { return m_journal; }

    void ask(const syx::session::Ask& ask) override {
        syx::engine::SessionRunner* runner = nullptr;
        {
            std::lock_guard lock(m_mutex);
            runner = m_runner;
            questions.push_back(ask.question.id);
        }
        for (const char* id : {"ready", "continue", "done", "ok", "yes"}) {
            const auto& choices = ask.question.choices;
            if (std::any_of(choices.begin(), choices.end(),
                            [&](const auto& c) { return c.id == id; })) {
                runner->answer(ask.question.id, id);
                return;
            }
        }
    }
    void withdraw(const std::string&) override {}

    template <class T>
    std::vector<T> of() {
        std::lock_guard lock(m_mutex);
        std::vector<T> out;
        for (const auto& e : events) {
            if (const auto* t = std::get_if<T>(&e)) {
                out.push_back(*t);
            }
        }
        return out;
    }

    std::vector<syx::engine::JobEvent> events;
    std::vector<std::string> questions;

private:
    fs::path m_journal;
    std::mutex m_mutex;
    syx::engine::SessionRunner* m_runner = nullptr;
};

fs::path midifly_firmware(const syx::test::TempDir& dir) {
    const auto path = dir / "midifly.syx";
    syx::test::write_messages(path, syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    return path;
}

TEST(UpdateFlowJob, AnUnknownReleaseIsRefusedInPrepareWithTheFindings) {
    syx::test::TempDir dir;
    syx::test::ScopedEnv config("XDG_CONFIG_HOME", (dir / "config").string());
    RecordingHost host(dir / "journal");
    syx::engine::UpdateJobRequest request;
    request.device_id = "parker-midifly";
    request.file = midifly_firmware(dir);
    auto prepared = syx::engine::UpdateJob::prepare(request, host);
    const auto* problem = std::get_if<syx::engine::JobProblem>(&prepared);
    ASSERT_NE(problem, nullptr);
    EXPECT_EQ(problem->exit, syx::engine::JobExit::refused);
    ASSERT_TRUE(problem->file_check.has_value());
    EXPECT_TRUE(problem->file_check->unknown_release);
    EXPECT_TRUE(host.of<ev::SessionStarted>().empty());
}

TEST(UpdateFlowJob, ARunPublishesTypedEventsAndATypedResultToAHostThatIsNotTheCli) {
    syx::test::TempDir dir;
    syx::test::ScopedEnv config("XDG_CONFIG_HOME", (dir / "config").string());
    syx::transport::configure_emulated_devices({*syx::emu::parse_fault_spec("unplug-at=10%")}, 1);
    RecordingHost host(dir / "journal");
    syx::engine::UpdateJobRequest request;
    request.device_id = "parker-midifly";
    request.file = midifly_firmware(dir);
    request.allow_unknown_release = true;
    request.api = "emulated";
    request.port = "parker-midifly";
    auto prepared = syx::engine::UpdateJob::prepare(request, host);
    ASSERT_TRUE(std::holds_alternative<syx::engine::UpdateJob>(prepared));
    auto& job = std::get<syx::engine::UpdateJob>(prepared);
    EXPECT_TRUE(job.device_never_answers());

    syx::engine::register_transport_backends();
    auto transport = syx::transport::make_transport(syx::transport::MidiApi::emulated);
    ASSERT_TRUE(static_cast<bool>(transport));
    auto mailbox = std::make_shared<syx::engine::SessionMailbox>();
    (*transport)->set_receive_callback(syx::engine::SessionMailbox::callback(mailbox));
    syx::transport::OpenOptions options;
    options.output_port = "parker-midifly";
    ASSERT_TRUE(static_cast<bool>((*transport)->open(options)));
    syx::engine::JobConnection connection;
    connection.transport = transport->get();
    connection.mailbox = mailbox;
    connection.port = "parker-midifly";
    connection.api = "emulated";
    connection.link = syx::Link::din;
    connection.can_receive = false; // output only: a one-way cable
    const auto result = job.run(connection, host);
    (*transport)->close();
    syx::transport::configure_emulated_devices({}, 1);

    EXPECT_EQ(result.exit, syx::engine::JobExit::transfer_failed);
    EXPECT_EQ(result.stage, syx::engine::UpdateJobResult::Stage::updated);
    EXPECT_GT(result.outcome.messages_sent, 0u);
    EXPECT_LT(result.outcome.messages_sent, 40u);
    ASSERT_TRUE(result.recover_command.has_value());
    EXPECT_NE(result.recover_command->find("recover --device parker-midifly --api emulated"),
              std::string::npos)
        << *result.recover_command;
    ASSERT_TRUE(result.journal.has_value());
    EXPECT_TRUE(fs::exists(*result.journal));
    EXPECT_EQ(result.backup_gate.kind, syx::session::BackupGateKind::missing);

    // What the host saw: the one-way notice, no backup procedure, then one transfer session
    // with its snapshots, ending as the result says.
    const auto notices = host.of<ev::Notice>();
    EXPECT_TRUE(std::any_of(notices.begin(), notices.end(), [](const ev::Notice& n) {
        return n.text.find("nothing can be verified over MIDI") != std::string::npos;
    }));
    EXPECT_EQ(host.of<ev::NoBackupProcedure>().size(), 1u);
    const auto started = host.of<ev::SessionStarted>();
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].step, JobStep::transfer);
    EXPECT_FALSE(host.of<ev::SessionUpdate>().empty());
    const auto finished = host.of<ev::SessionFinished>();
    ASSERT_EQ(finished.size(), 1u);
    EXPECT_EQ(finished[0].outcome.messages_sent, result.outcome.messages_sent);
    EXPECT_FALSE(host.questions.empty()); // the bootloader steps, answered through the prompt
}

} // namespace
