// The runner pumps a session in real time: these tests use a small scripted session (the real
// sessions are tested in virtual time in core, and end to end through the CLI) and an in-memory
// transport, and check the driver contract of core/session.hpp.
#include <fstream>
#include <mutex>
#include <thread>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "engine/journal.hpp"
#include "engine/session_runner.hpp"

namespace {

using namespace std::chrono_literals;
namespace ss = syx::session;
using syx::engine::SessionMailbox;
using syx::engine::SessionRunner;

class MemoryTransport final : public syx::transport::MidiTransport {
public:
    syx::transport::MidiApi api() const override { return syx::transport::MidiApi::emulated; }
    syx::Result<std::vector<syx::transport::PortInfo>> list_ports() override {
        return std::vector<syx::transport::PortInfo>{};
    }
    void set_receive_callback(syx::transport::ReceiveCallback callback) override {
        m_callback = std::move(callback);
    }
    syx::Status open(const syx::transport::OpenOptions&) override { return syx::Ok{}; }
    syx::Status send(std::span<const std::uint8_t> bytes) override {
        std::lock_guard lock(m_mutex);
        if (fail_sends) {
            return syx::make_error(syx::ErrorCode::transfer_failed, "write refused");
        }
        sent.push_back({bytes.begin(), bytes.end()});
        sent_at.push_back(syx::transport::Clock::now());
        if (hand_over_delay > 0ms) {
            std::this_thread::sleep_for(hand_over_delay); // ALSA handing on inside the call
        }
        if (on_send) {
            on_send(sent.back());
        }
        return syx::Ok{};
    }
    std::optional<std::size_t> max_send_bytes() const override { return 16 * 1024 - 1; }
    std::chrono::microseconds delivery_jitter() const override { return 5333us; }
    syx::Result<syx::transport::TimePoint> wait_until_sent(std::chrono::milliseconds) override {
        ++departure_waits;
        if (departure_delay > 0ms && !sent_at.empty()) {
            // The backend's thread hands the last send on late (a starved JACK client).
            const auto departed = sent_at.back() + departure_delay;
            std::this_thread::sleep_until(departed);
            return departed;
        }
        return syx::transport::Clock::now();
    }
    syx::Status ports_still_present() override {
        ++polls;
        if (vanished) {
            return syx::make_error(syx::ErrorCode::port_vanished, "port 'x' disappeared");
        }
        return syx::Ok{};
    }
    void close() override {}

    void deliver(const std::vector<std::uint8_t>& bytes) {
        m_callback(bytes, syx::transport::Clock::now());
    }

    std::mutex m_mutex;
    std::vector<std::vector<std::uint8_t>> sent;
    std::vector<syx::transport::TimePoint> sent_at;
    std::function<void(const std::vector<std::uint8_t>&)> on_send;
    std::atomic<bool> vanished{false};
    bool fail_sends = false;
    std::atomic<int> polls{0};
    std::chrono::milliseconds departure_delay{0};
    std::chrono::milliseconds hand_over_delay{0};
    int departure_waits = 0;

private:
    syx::transport::ReceiveCallback m_callback;
};

// A session driven by a script: `step` gets every event and returns the next command.
class ScriptedSession final : public ss::Session {
public:
    using Step = std::function<ss::Command(const ss::Event&, ss::SessionTime, ScriptedSession&)>;
    explicit ScriptedSession(Step step) : m_step(std::move(step)) {}

    ss::Command handle(const ss::Event& event, ss::SessionTime now) override {
        if (m_outcome) {
            return ss::Finish{*m_outcome};
        }
        events.push_back(event);
        times.push_back(now);
        auto command = m_step(event, now, *this);
        if (auto* f = std::get_if<ss::Finish>(&command)) {
            m_outcome = f->outcome;
        }
        return command;
    }
    std::string_view name() const override { return "scripted"; }
    const ss::Progress& progress() const override { return m_progress; }
    const std::vector<ss::LogLine>& log() const override { return m_log; }
    const std::optional<ss::Outcome>& outcome() const override { return m_outcome; }

    ss::Command finish(ss::OutcomeKind kind, std::string message = {}) {
        ss::Outcome o;
        o.kind = kind;
        o.message = std::move(message);
        o.messages_sent = m_progress.messages_done;
        o.device_touched = m_progress.messages_done > 0;
        return ss::Finish{o};
    }

    std::vector<ss::Event> events;
    std::vector<ss::SessionTime> times;
    ss::Progress m_progress;
    std::vector<ss::LogLine> m_log;

private:
    Step m_step;
    std::optional<ss::Outcome> m_outcome;
};

ss::Send send_at(std::vector<std::uint8_t> bytes, ss::SessionTime at, std::size_t index) {
    ss::Send s;
    s.bytes = std::move(bytes);
    s.not_before = at;
    s.message_index = index;
    s.critical = true;
    return s;
}

struct Fixture {
    MemoryTransport transport;
    std::shared_ptr<SessionMailbox> mailbox = std::make_shared<SessionMailbox>();
    Fixture() { transport.set_receive_callback(SessionMailbox::callback(mailbox)); }
};

TEST(SessionRunner, SendsNoEarlierThanEachAbsoluteDeadlineAndReportsActualStart) {
    Fixture f;
    std::size_t next = 0;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::send_completed) {
                s.m_progress.messages_done = ++next;
            }
            if (next == 3) {
                return s.finish(ss::OutcomeKind::success);
            }
            return send_at({0xF0, static_cast<std::uint8_t>(next), 0xF7},
                           std::chrono::milliseconds(40 * next), next);
        });
    SessionRunner runner(session, f.transport, f.mailbox);
    const auto& outcome = runner.run();
    EXPECT_EQ(outcome.kind, ss::OutcomeKind::success);
    ASSERT_EQ(f.transport.sent.size(), 3u);
    // Each send_completed carries when the write started, never before its not_before.
    std::vector<ss::SessionTime> reported;
    for (const auto& e : session.events) {
        if (e.kind == ss::EventKind::send_completed) {
            ASSERT_TRUE(e.sent_at.has_value());
            reported.push_back(*e.sent_at);
        }
    }
    ASSERT_EQ(reported.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_GE(reported[i], std::chrono::milliseconds(40 * i)) << i;
        EXPECT_EQ(f.transport.sent[i][1], i);
    }
}

// The one paced sender (engine/paced_sender.hpp): where the session asks, the runner waits for the
// message to leave and reports the departure (less the jitter the pacer's margin covers) as
// sent_at, so the next gap is kept from when the message really left, not from the send() call.
TEST(SessionRunner, ReportsALateDepartureSoTheNextGapIsKeptFromIt) {
    Fixture f;
    f.transport.departure_delay = 40ms; // jitter 5.333 + 1 ms margin: 33.7 ms after the call
    std::size_t next = 0;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::send_completed) {
                s.m_progress.messages_done = ++next;
            }
            if (next == 2) {
                return s.finish(ss::OutcomeKind::success);
            }
            auto send = send_at({0xF0, static_cast<std::uint8_t>(next), 0xF7}, 0ms, next);
            send.space_from_departure = next == 0; // the second one is sent as called
            return send;
        });
    SessionRunner runner(session, f.transport, f.mailbox);
    ASSERT_EQ(runner.run().kind, ss::OutcomeKind::success);
    std::vector<ss::SessionTime> reported;
    for (const auto& e : session.events) {
        if (e.kind == ss::EventKind::send_completed) {
            ASSERT_TRUE(e.sent_at.has_value());
            reported.push_back(*e.sent_at);
        }
    }
    ASSERT_EQ(reported.size(), 2u);
    ASSERT_EQ(f.transport.sent_at.size(), 2u);
    // The first was sent at once (not_before 0): what it reports is its departure less the
    // jitter and the wake-up margin, 40 - 6.333 ms after the call (which came at once).
    const auto called = f.transport.sent_at[0];
    EXPECT_GE(reported[0], 33ms);
    EXPECT_LE(reported[0], session.times.back());
    // The second was not asked to wait: reported as its call, which came after the departure.
    EXPECT_GE(f.transport.sent_at[1], called + 40ms);
    // One wait for the asked departure and one final drain at the end of the run.
    EXPECT_EQ(f.transport.departure_waits, 2);
}

// A synchronous backend (ALSA) hands the bytes on inside send(): a slow call put them on the
// wire late, so what the runner reports (and the next piece is spaced from) is when it returned.
TEST(SessionRunner, ReportsWhenASlowSendHandedItsBytesOn) {
    Fixture f;
    f.transport.hand_over_delay = 25ms;
    std::size_t next = 0;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::send_completed) {
                s.m_progress.messages_done = ++next;
                return s.finish(ss::OutcomeKind::success);
            }
            return send_at({0xF0, 0x01, 0xF7}, 0ms, 0); // a chunk: no departure wait
        });
    SessionRunner runner(session, f.transport, f.mailbox);
    ASSERT_EQ(runner.run().kind, ss::OutcomeKind::success);
    ASSERT_EQ(session.events.size(), 2u);
    ASSERT_TRUE(session.events[1].sent_at.has_value());
    EXPECT_GE(*session.events[1].sent_at, 25ms);
}

TEST(SessionRunner, DeliversWholeMessagesAssembledFromPiecesWhileWaiting) {
    Fixture f;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::message_received) {
                return s.finish(ss::OutcomeKind::success, syx::to_spaced_hex(e.message));
            }
            if (e.kind == ss::EventKind::deadline_reached) {
                return s.finish(ss::OutcomeKind::no_answer);
            }
            return ss::Wait{std::chrono::seconds(5), "reply"};
        });
    SessionRunner runner(session, f.transport, f.mailbox);
    runner.start();
    f.transport.deliver({0x90, 0x40, 0x7F}); // a note: not SysEx, not delivered
    f.transport.deliver({0xF0, 0x7E, 0x7F});
    f.transport.deliver({0xF8}); // clock inside the SysEx does not end it
    f.transport.deliver({0x06, 0x02, 0xF7});
    const auto& outcome = runner.wait();
    EXPECT_EQ(outcome.kind, ss::OutcomeKind::success);
    EXPECT_EQ(outcome.message, "F0 7E 7F 06 02 F7");
}

TEST(SessionRunner, WaitDeadlineIsDelivered) {
    Fixture f;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime now, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::deadline_reached) {
                EXPECT_GE(now, 30ms);
                return s.finish(ss::OutcomeKind::no_answer);
            }
            return ss::Wait{30ms, "reply"};
        });
    SessionRunner runner(session, f.transport, f.mailbox);
    EXPECT_EQ(runner.run().kind, ss::OutcomeKind::no_answer);
}

TEST(SessionRunner, VanishedPortBetweenMessagesBecomesTransportFailure) {
    Fixture f;
    syx::engine::RunnerOptions options;
    options.port_poll_interval = 0ms; // poll before every message
    std::size_t next = 0;
    f.transport.on_send = [&](const std::vector<std::uint8_t>&) {
        if (f.transport.sent.size() == 2) {
            f.transport.vanished = true; // unplugged after the second message
        }
    };
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::transport_failed) {
                EXPECT_EQ(e.error, ss::TransportError::port_vanished);
                EXPECT_NE(e.detail.find("disappeared"), std::string::npos);
                return s.finish(ss::OutcomeKind::transfer_failed, "unplugged");
            }
            if (e.kind == ss::EventKind::send_completed) {
                s.m_progress.messages_done = ++next;
            }
            return send_at({0xF0, 0x01, 0xF7}, std::chrono::milliseconds(5 * next), next);
        });
    SessionRunner runner(session, f.transport, f.mailbox, options);
    EXPECT_EQ(runner.run().kind, ss::OutcomeKind::transfer_failed);
    EXPECT_EQ(f.transport.sent.size(), 2u); // nothing sent to a vanished port
}

TEST(SessionRunner, WriteErrorBecomesTransportFailure) {
    Fixture f;
    f.transport.fail_sends = true;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::transport_failed) {
                EXPECT_EQ(e.error, ss::TransportError::write_error);
                return s.finish(ss::OutcomeKind::transfer_failed);
            }
            return send_at({0xF0, 0xF7}, 0ms, 0);
        });
    SessionRunner runner(session, f.transport, f.mailbox);
    EXPECT_EQ(runner.run().kind, ss::OutcomeKind::transfer_failed);
}

TEST(SessionRunner, CtrlCFlagIsDeliveredAsOneCancelEvent) {
    Fixture f;
    std::atomic<bool> interrupted{false};
    syx::engine::RunnerOptions options;
    options.cancel_flag = &interrupted;
    int cancels = 0;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::cancel) {
                ++cancels;
                return s.finish(ss::OutcomeKind::cancelled, "stopped before sending");
            }
            return ss::Wait{std::chrono::seconds(30), "forever"};
        });
    SessionRunner runner(session, f.transport, f.mailbox, options);
    runner.start();
    std::this_thread::sleep_for(30ms);
    interrupted = true; // what the SIGINT handler does
    EXPECT_EQ(runner.wait().kind, ss::OutcomeKind::cancelled);
    EXPECT_EQ(cancels, 1);
}

class RecordingPrompt final : public syx::engine::UserPrompt {
public:
    std::function<void(const ss::Ask&)> on_ask;
    void ask(const ss::Ask& ask) override {
        std::lock_guard lock(mutex);
        asked.push_back(ask.question.id + ":" + ask.question.text);
        if (on_ask) {
            on_ask(ask);
        }
    }
    void withdraw(const std::string& id) override {
        std::lock_guard lock(mutex);
        withdrawn.push_back(id);
    }
    std::mutex mutex;
    std::vector<std::string> asked;
    std::vector<std::string> withdrawn;
};

TEST(SessionRunner, QuestionsGoToThePromptAndAnswersComeBackFromAnyThread) {
    Fixture f;
    RecordingPrompt prompt;
    syx::engine::RunnerOptions options;
    options.prompt = &prompt;
    std::size_t received = 0;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            if (e.kind == ss::EventKind::user_answered) {
                EXPECT_EQ(e.question_id, "dump");
                EXPECT_EQ(e.choice_id, "done");
                return s.finish(ss::OutcomeKind::success, std::to_string(received));
            }
            if (e.kind == ss::EventKind::message_received) {
                ++received;
            }
            ss::Ask ask;
            ask.question.id = "dump";
            ask.question.purpose = ss::QuestionPurpose::manual_dump;
            ask.question.text = std::to_string(received) + " dumps so far";
            ask.question.choices = {{"done", "Done"}};
            return ask;
        });
    SessionRunner runner(session, f.transport, f.mailbox, options);
    // The worker keeps delivering messages while the question is open; each changes the text.
    std::vector<std::thread> others;
    prompt.on_ask = [&](const ss::Ask& ask) {
        if (ask.question.text == "0 dumps so far") {
            others.emplace_back([&] {
                f.transport.deliver({0xF0, 0x01, 0xF7});
                f.transport.deliver({0xF0, 0x02, 0xF7});
            });
        } else if (ask.question.text == "2 dumps so far") {
            others.emplace_back([&] { runner.answer("dump", "done"); });
        }
    };
    const auto& outcome = runner.run();
    for (auto& t : others) {
        t.join();
    }
    EXPECT_EQ(outcome.message, "2");
    std::lock_guard lock(prompt.mutex);
    EXPECT_EQ(prompt.asked, (std::vector<std::string>{"dump:0 dumps so far", "dump:1 dumps so far",
                                                      "dump:2 dumps so far"}));
    EXPECT_EQ(prompt.withdrawn, (std::vector<std::string>{"dump"}));
}

TEST(SessionRunner, PublishesImmutableSnapshotsEndingWithTheOutcome) {
    Fixture f;
    std::atomic<int> notifications{0};
    std::vector<std::shared_ptr<const syx::engine::RunSnapshot>> seen;
    std::mutex seen_mutex;
    syx::engine::RunnerOptions options;
    SessionRunner* runner_ptr = nullptr;
    options.on_snapshot = [&] {
        ++notifications;
        std::lock_guard lock(seen_mutex);
        seen.push_back(runner_ptr->snapshot());
    };
    std::size_t next = 0;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            s.m_progress.phase = "transfer";
            s.m_progress.critical = true;
            s.m_progress.messages_total = 4;
            if (e.kind == ss::EventKind::send_completed) {
                s.m_progress.messages_done = ++next;
                s.m_log.push_back({{}, ss::LogLevel::info, "sent " + std::to_string(next)});
            }
            if (next == 4) {
                return s.finish(ss::OutcomeKind::success, "verified");
            }
            return send_at({0xF0, 0xF7}, std::chrono::milliseconds(25 * next), next);
        });
    SessionRunner runner(session, f.transport, f.mailbox, options);
    runner_ptr = &runner;
    runner.run();
    ASSERT_GE(notifications.load(), 5);
    std::lock_guard lock(seen_mutex);
    for (std::size_t i = 1; i < seen.size(); ++i) {
        EXPECT_GT(seen[i]->generation, seen[i - 1]->generation);
    }
    // An early snapshot is not changed by later steps.
    EXPECT_FALSE(seen.front()->finished);
    EXPECT_TRUE(seen.front()->critical());
    const auto last = runner.snapshot();
    EXPECT_TRUE(last->finished);
    ASSERT_TRUE(last->outcome.has_value());
    EXPECT_EQ(last->outcome->message, "verified");
    EXPECT_EQ(last->log->size(), 4u);
    EXPECT_EQ(last->progress.messages_done, 4u);
    EXPECT_FALSE(last->critical());
}

TEST(SessionRunner, JournalsPhasesProgressAndTheEnd) {
    Fixture f;
    syx::test::TempDir dir;
    syx::engine::JournalStart start;
    start.device_id = "parker-midifly";
    auto journal = syx::engine::UpdateJournal::start(start, dir.path());
    ASSERT_TRUE(journal.ok());
    syx::engine::RunnerOptions options;
    options.journal = &*journal;
    std::size_t next = 0;
    ScriptedSession session(
        [&](const ss::Event& e, ss::SessionTime, ScriptedSession& s) -> ss::Command {
            s.m_progress.phase = "transfer";
            s.m_progress.critical = true;
            if (e.kind == ss::EventKind::send_completed) {
                s.m_progress.messages_done = ++next;
            }
            if (next == 3) {
                f.transport.vanished = true;
                return s.finish(ss::OutcomeKind::transfer_failed, "port vanished");
            }
            return send_at({0xF0, 0xF7}, 0ms, next);
        });
    SessionRunner runner(session, f.transport, f.mailbox, options);
    runner.run();
    std::ifstream in(journal->path());
    std::vector<std::string> records;
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line);
        records.push_back(j["record"].get<std::string>() +
                          (j.contains("messages_sent")
                               ? std::to_string(j["messages_sent"].get<int>())
                               : std::string{}));
    }
    EXPECT_EQ(records, (std::vector<std::string>{"start", "phase", "progress1", "progress2",
                                                 "progress3", "finished"}));
    const auto sessions = syx::engine::list_sessions(dir.path());
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].device_state, "unknown"); // touched, not verified: needs recovery
}

} // namespace
