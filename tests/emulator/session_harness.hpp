#pragma once
// SessionHarness: pumps a core session (core/session.hpp) against an emulated device
// (emulator/device_model.hpp, optionally wrapped in a FaultyDevice) in VIRTUAL time — nothing
// sleeps, a 10-minute firmware transfer runs in milliseconds.
//
// What it models, like the engine's driver would do with a real port:
//   - Send: waits (virtually) until not_before, then delivers the bytes to the device at the
//     link's wire speed in small pieces (so the device sees F0 when it starts and F7 when it
//     ends, and rate faults see the real arrival rate), then reports send_completed with the
//     actual start. Messages the device sends meanwhile are queued and delivered afterwards.
//     A FaultyDevice whose port vanished (unplug-at) makes the write fail: transport_failed.
//   - Wait: lets virtual time run to the deadline, delivering any message the device completes
//     before it (message_received) — the device's own timers run via advance().
//   - Ask: calls the Answerer, which acts like a user reading the question: it may press the
//     emulated device's buttons or power-cycle it while holding some (UserSteps below does that
//     from the question's text), then answers — or answers nothing yet (manual dumps: messages
//     flow while the question stays open, until the Ask's deadline).
//   - Scripted interruptions: cancel_when_bytes_sent(n) delivers a cancel once n bytes went out.
// Everything the session sent and everything the device sent is recorded.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/catalogue.hpp"
#include "core/session.hpp"
#include "core/sysex_file.hpp"
#include "emulator/device_catalogue.hpp"
#include "emulator/device_model.hpp"
#include "emulator/faulty_device.hpp"
#include "emulator/model_base.hpp"

namespace syx::test {

using session::Bytes;
using session::Command;
using session::Event;
using session::SessionTime;

class SessionHarness;
// Returns the answer to the question, or nullopt to leave it open (time then runs on until the
// Ask's deadline or a device message).
using Answerer = std::function<std::optional<Event>(const session::Question&, SessionHarness&)>;

class SessionHarness {
public:
    explicit SessionHarness(emu::DeviceModel& device) : m_device(device) {}

    // ---- configuration
    // A user needs time to read and act (virtual): added before every answer.
    SessionTime think_time = std::chrono::seconds{2};
    // Deliver a cancel once this many bytes were written (critical-phase cancel tests).
    void cancel_when_bytes_sent(std::uint64_t bytes) { m_cancel_at_bytes = bytes; }
    // The backend reports a write error for the first write starting at or after this many
    // bytes (the bytes of that write never leave the computer).
    void write_error_when_bytes_sent(std::uint64_t bytes) { m_write_error_at = bytes; }
    // Bytes per delivery piece (≤ a USB-MIDI packet run; small enough for rate faults).
    std::size_t piece_bytes = 16;
    std::size_t max_steps = 2'000'000;
    // Loses every message the device sends after this many (cable pulled from its MIDI OUT).
    std::optional<std::size_t> device_output_limit;

    // ---- running
    // Runs the session until it finishes; returns the outcome (a test failure if it never does).
    session::Outcome run(session::Session& s, const Answerer& answerer) {
        Command cmd = s.handle(Event::started(), m_now);
        for (std::size_t step = 0; step < max_steps; ++step) {
            if (auto* f = std::get_if<session::Finish>(&cmd)) {
                return f->outcome;
            }
            if (!m_inbox.empty()) {
                Bytes m = std::move(m_inbox.front());
                m_inbox.erase(m_inbox.begin());
                cmd = s.handle(Event::message_received(std::move(m)), m_now);
                continue;
            }
            if (m_cancel_at_bytes && bytes_written >= *m_cancel_at_bytes) {
                m_cancel_at_bytes.reset();
                ++cancels_delivered;
                cmd = s.handle(Event::cancel(), m_now);
                continue;
            }
            if (auto* send = std::get_if<session::Send>(&cmd)) {
                run_until(std::max(m_now, send->not_before));
                if (!m_inbox.empty()) {
                    continue; // deliver first; the session re-issues the send if still wanted
                }
                if (!port_present()) {
                    cmd = s.handle(Event::transport_failed(session::TransportError::port_vanished,
                                                           "emulated port vanished"),
                                   m_now);
                    continue;
                }
                if (m_write_error_at && bytes_written >= *m_write_error_at) {
                    m_write_error_at.reset();
                    cmd = s.handle(Event::transport_failed(session::TransportError::write_error,
                                                           "emulated write error"),
                                   m_now);
                    continue;
                }
                const SessionTime started = m_now;
                write(send->bytes);
                if (send->chunk_index + 1 == send->chunk_count) {
                    ++messages_written;
                }
                if (!port_present()) {
                    // the cable came out during this write: the backend reports it
                    cmd = s.handle(Event::transport_failed(session::TransportError::port_vanished,
                                                           "emulated port vanished"),
                                   m_now);
                    continue;
                }
                cmd = s.handle(Event::send_completed(started), m_now);
                continue;
            }
            if (auto* wait = std::get_if<session::Wait>(&cmd)) {
                const SessionTime deadline = std::max(wait->deadline, m_now);
                run_until(deadline, /*stop_on_message=*/true);
                if (!m_inbox.empty()) {
                    continue;
                }
                cmd = s.handle(Event::deadline_reached(), m_now);
                continue;
            }
            if (auto* ask = std::get_if<session::Ask>(&cmd)) {
                questions.push_back(ask->question);
                run_until(m_now + think_time);
                auto reply = answer_fn(answerer, ask->question);
                if (reply) {
                    cmd = s.handle(*reply, m_now);
                    continue;
                }
                if (!m_inbox.empty()) {
                    continue;
                }
                // Left open: let time run until a device message or the deadline.
                const SessionTime until = ask->deadline.value_or(m_now + std::chrono::hours{1});
                run_until(until, /*stop_on_message=*/true);
                if (!m_inbox.empty()) {
                    continue;
                }
                if (!ask->deadline) {
                    ADD_FAILURE() << "question '" << ask->question.id
                                  << "' left open with nothing arriving";
                    return {};
                }
                cmd = s.handle(Event::deadline_reached(), m_now);
                continue;
            }
        }
        ADD_FAILURE() << "session did not finish within " << max_steps << " steps";
        return {};
    }

    // ---- what the user can do (used by answerers)
    void press(const std::string& button_id) { collect(m_device.press(button_id, device_now())); }
    void power_cycle(const std::vector<std::string>& held) {
        collect(m_device.power_cycle(held, device_now()));
    }
    // Lets virtual time pass (a user waiting for the display).
    void wait_for(SessionTime d) { run_until(m_now + d); }
    // Button id for a printed label (case-insensitive), if the device has it.
    [[nodiscard]] std::optional<std::string> button_for_label(std::string_view label) const {
        for (const auto& b : m_device.buttons()) {
            if (lower(b.label) == lower(std::string(label))) {
                return b.id;
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] emu::DeviceModel& device() { return m_device; }
    [[nodiscard]] SessionTime now() const { return m_now; }

    // ---- records
    std::vector<Bytes> device_sent; // every message the device sent, as sent
    std::vector<Bytes> messages_in; // complete messages the device received (reassembled)
    // When each of messages_in started (F0) and finished (F7) arriving at the device.
    std::vector<std::pair<SessionTime, SessionTime>> arrivals;
    std::uint64_t bytes_written = 0;  // bytes that left the computer
    std::size_t messages_written = 0; // whole messages / last chunks written
    std::vector<session::Question> questions;
    std::size_t cancels_delivered = 0;
    std::vector<std::string> user_actions; // "power-cycle holding master", "press preset"

    static std::string lower(std::string s) {
        for (auto& c : s) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return s;
    }

private:
    std::optional<Event> answer_fn(const Answerer& answer, const session::Question& q) {
        return answer ? answer(q, *this) : std::nullopt;
    }

    [[nodiscard]] emu::Time device_now() const {
        return std::chrono::duration_cast<emu::Time>(m_now);
    }

    bool port_present() const {
        if (const auto* f = dynamic_cast<const emu::FaultyDevice*>(&m_device)) {
            return f->port_present();
        }
        return true;
    }

    void collect(emu::Outputs outs) {
        for (auto& o : outs) {
            if (device_output_limit && m_outputs_seen >= *device_output_limit) {
                continue; // the device's MIDI OUT cable came out
            }
            ++m_outputs_seen;
            m_pending.push_back(std::move(o));
        }
        std::stable_sort(m_pending.begin(), m_pending.end(),
                         [](const emu::Output& a, const emu::Output& b) { return a.at < b.at; });
    }

    // Moves time to `until`, running the device's timers and moving finished outputs to the
    // inbox. With stop_on_message, stops at the first output delivered.
    void run_until(SessionTime until, bool stop_on_message = false) {
        for (;;) {
            // The next thing that happens: a pending output or a device timer.
            std::optional<SessionTime> next;
            if (!m_pending.empty()) {
                next = std::chrono::duration_cast<SessionTime>(m_pending.front().at);
            }
            if (auto d = m_device.next_deadline()) {
                const auto dt = std::chrono::duration_cast<SessionTime>(*d);
                if (!next || dt < *next) {
                    next = dt;
                }
            }
            if (!next || *next > until) {
                break;
            }
            m_now = std::max(m_now, *next);
            collect(m_device.advance(device_now()));
            bool delivered = false;
            while (!m_pending.empty() &&
                   std::chrono::duration_cast<SessionTime>(m_pending.front().at) <= m_now) {
                device_sent.push_back(m_pending.front().bytes);
                m_inbox.push_back(std::move(m_pending.front().bytes));
                m_pending.erase(m_pending.begin());
                delivered = true;
            }
            if (delivered && stop_on_message) {
                return;
            }
            if (!delivered && m_device.next_deadline() &&
                std::chrono::duration_cast<SessionTime>(*m_device.next_deadline()) <= m_now &&
                m_pending.empty()) {
                break; // a timer that does not move: avoid spinning
            }
        }
        m_now = std::max(m_now, until);
        collect(m_device.advance(device_now()));
    }

    // Delivers bytes at the device's wire speed, piece by piece.
    void write(const Bytes& bytes) {
        const auto link = m_device.spec().link;
        for (std::size_t i = 0; i < bytes.size(); i += piece_bytes) {
            const auto n = std::min(piece_bytes, bytes.size() - i);
            const auto piece = std::span<const std::uint8_t>(bytes).subspan(i, n);
            const auto from = m_now;
            m_now += std::chrono::duration_cast<SessionTime>(emu::wire_time(n, link));
            // The piece is complete at the device when its last byte arrived.
            collect(m_device.on_message(piece, device_now()));
            reassemble(piece, from, m_now);
            bytes_written += n;
            // outputs completing meanwhile are queued for after the write
            run_device_timers();
        }
    }

    void run_device_timers() {
        while (!m_pending.empty() &&
               std::chrono::duration_cast<SessionTime>(m_pending.front().at) <= m_now) {
            device_sent.push_back(m_pending.front().bytes);
            m_inbox.push_back(std::move(m_pending.front().bytes));
            m_pending.erase(m_pending.begin());
        }
        collect(m_device.advance(device_now()));
    }

    // Records complete messages and when their F0 / F7 reached the device (arrivals).
    void reassemble(std::span<const std::uint8_t> piece, SessionTime from, SessionTime to) {
        const auto per_byte =
            piece.empty() ? SessionTime{0} : (to - from) / static_cast<long>(piece.size());
        for (std::size_t i = 0; i < piece.size(); ++i) {
            const auto b = piece[i];
            if (b == 0xF0) {
                m_partial = {b};
                m_partial_start = from + per_byte * static_cast<long>(i);
            } else if (!m_partial.empty()) {
                m_partial.push_back(b);
                if (b == 0xF7) {
                    messages_in.push_back(std::move(m_partial));
                    arrivals.emplace_back(m_partial_start,
                                          from + per_byte * static_cast<long>(i + 1));
                    m_partial.clear();
                }
            }
        }
    }

    emu::DeviceModel& m_device;
    SessionTime m_now{0};
    std::vector<emu::Output> m_pending; // device outputs not yet complete
    std::vector<Bytes> m_inbox;         // complete, not yet delivered to the session
    std::optional<std::uint64_t> m_cancel_at_bytes;
    std::optional<std::uint64_t> m_write_error_at;
    Bytes m_partial;
    SessionTime m_partial_start{0};
    std::size_t m_outputs_seen = 0;
};

// ---------------------------------------------------------------------------------------------
// A user who follows the instructions on screen, acting on the emulated device.

// Performs what one instruction asks, as a person would: "Hold MASTER and switch it on" →
// power-cycle holding MASTER; "press TRIG 3", "answer … with PRESET", "press the Recovery
// button" → presses. Labels are matched against the emulated device's panel labels.
inline void perform_step(SessionHarness& h, const std::string& text) {
    const std::string t = SessionHarness::lower(text);
    const auto buttons = h.device().buttons();
    auto labels_in = [&](const std::string& segment) {
        std::vector<std::string> ids;
        for (const auto& b : buttons) {
            const auto label = SessionHarness::lower(b.label);
            if (label.size() >= 2 && segment.find(label) != std::string::npos) {
                ids.push_back(b.id);
            }
        }
        return ids;
    };
    std::string rest = t;
    const auto hold = t.find("hold ");
    std::size_t on = std::string::npos;
    for (const char* phrase : {"switch it on", "switch on", "power on", "power-on"}) {
        const auto p = t.find(phrase, hold == std::string::npos ? 0 : hold);
        if (p != std::string::npos && (on == std::string::npos || p < on)) {
            on = p;
        }
    }
    if (hold != std::string::npos && on != std::string::npos && hold < on) {
        const auto held = labels_in(t.substr(hold, on - hold));
        h.power_cycle(held);
        std::string what = "power-cycle holding";
        for (const auto& id : held) {
            what += " " + id;
        }
        h.user_actions.push_back(what);
        h.wait_for(std::chrono::milliseconds{500});
        rest = t.substr(on);
    } else if (hold == std::string::npos && on != std::string::npos) {
        // "Switch it off, then switch it on again with no button held."
        h.power_cycle({});
        h.user_actions.push_back("power-cycle");
        h.wait_for(std::chrono::milliseconds{500});
        rest = t.substr(on);
    }
    // "Connect it by …": the cable goes back in (an unplugged port reappears).
    if (t.find("connect") != std::string::npos && t.find("disconnect") == std::string::npos) {
        if (auto* f = dynamic_cast<emu::FaultyDevice*>(&h.device())) {
            if (!f->port_present()) {
                f->replug();
                h.user_actions.push_back("replug");
            }
        }
    }
    // Presses: a label after "press " or "with " (answer … with PRESET).
    for (const char* verb : {"press ", "with "}) {
        std::size_t p = 0;
        while ((p = rest.find(verb, p)) != std::string::npos) {
            p += std::string(verb).size();
            std::string after = rest.substr(p, 40);
            if (after.rfind("the ", 0) == 0) {
                after = after.substr(4);
            }
            for (const auto& b : buttons) {
                const auto label = SessionHarness::lower(b.label);
                if (label.size() >= 2 && after.rfind(label, 0) == 0) {
                    h.press(b.id);
                    h.user_actions.push_back("press " + b.id);
                    h.wait_for(std::chrono::milliseconds{300});
                }
            }
        }
    }
}

// Reads the emulated display and picks the matching choice of a display_check question.
inline Event read_display(const session::Question& q, SessionHarness& h) {
    auto squash = [](const std::string& s) {
        std::string out;
        for (char c : s) {
            if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
                out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            }
        }
        return out;
    };
    const std::string shown = h.device().display_text();
    const std::string mode = h.device().mode();
    for (const auto& c : q.choices) {
        if (c.id.rfind("display:", 0) != 0) {
            continue;
        }
        const auto text = c.label.substr(0, c.label.find(" — "));
        if (!shown.empty() && squash(text) == squash(shown)) {
            return Event::user_answered(q.id, c.id);
        }
    }
    const bool has_works = std::any_of(q.choices.begin(), q.choices.end(),
                                       [](const auto& c) { return c.id == "works"; });
    if (has_works) {
        return Event::user_answered(q.id, mode == "normal" ? "works" : "problem");
    }
    if (mode == "normal") {
        return Event::user_answered(q.id, "normal");
    }
    return Event::user_answered(q.id, "other", shown.empty() ? "(blank display)" : shown);
}

struct UserSteps {
    // Manual dumps: what the user does on the panel for the n-th time the question is shown
    // (returns the answer, or nullopt to let the dump arrive).
    std::function<std::optional<Event>(const session::Question&, SessionHarness&, std::size_t)>
        manual_dump;
    // Answers to confirm questions by id ("offer-restore" → "restore"); default "continue".
    std::map<std::string, std::string> confirm;
    // Answer to the "stop the transfer?" question.
    std::string on_stop_question = "stop";
    std::size_t manual_calls = 0;

    std::optional<Event> operator()(const session::Question& q, SessionHarness& h) {
        using session::QuestionPurpose;
        switch (q.purpose) {
        case QuestionPurpose::enter_bootloader:
            for (const auto& s : q.steps) {
                perform_step(h, s);
            }
            return Event::user_answered(q.id, "ready");
        case QuestionPurpose::recovery_step:
            perform_step(h, q.text);
            return Event::user_answered(q.id, "done");
        case QuestionPurpose::display_check:
            return read_display(q, h);
        case QuestionPurpose::manual_dump:
            if (manual_dump) {
                return manual_dump(q, h, manual_calls++);
            }
            return Event::user_answered(q.id, "cancel");
        case QuestionPurpose::typed_confirmation:
            return Event::user_answered(q.id, "continue", q.typed_confirmation.value_or(""));
        case QuestionPurpose::confirm: {
            if (q.id == "confirm-stop-transfer") {
                return Event::user_answered(q.id, on_stop_question);
            }
            const auto it = confirm.find(q.id);
            return Event::user_answered(q.id,
                                        it != confirm.end() ? it->second : q.choices.front().id);
        }
        case QuestionPurpose::reconnect:
        case QuestionPurpose::information:
            return Event::user_answered(q.id, q.choices.front().id);
        }
        return Event::user_answered(q.id, "cancel");
    }
};

} // namespace syx::test

namespace syx::test {

// The shipped manifest for a device id (firmware-manifests/).
inline const Manifest& shipped_manifest(const std::string& id) {
    static const auto load = load_catalogue({source_dir() / "firmware-manifests"}, {});
    const auto* entry = load.catalogue.find(id);
    if (entry == nullptr) {
        throw std::runtime_error("no manifest " + id);
    }
    return entry->manifest;
}

// The emulated device for `id` on `link`, wrapped with the faults (FaultyDevice).
inline std::unique_ptr<emu::FaultyDevice> emulated(const std::string& id, Link link,
                                                   const std::vector<std::string>& faults = {}) {
    auto specs = emu::parse_fault_specs(faults);
    if (!specs) {
        throw std::runtime_error(specs.error().message);
    }
    std::string model_id = id;
    for (const auto& f : *specs) {
        if (f.kind == emu::FaultKind::wrong_device) { // as make_emulated_device swaps models
            model_id = id == "moog-little-phatty" ? "novation-k-station" : "moog-little-phatty";
        }
    }
    auto spec = emu::default_model_spec(model_id);
    if (!spec) {
        throw std::runtime_error("no emulator " + id);
    }
    spec->link = link;
    return std::make_unique<emu::FaultyDevice>(emu::make_device_model(*spec), *specs, 7);
}

// A file as the reader would give it for these messages written back to back (.syx).
inline std::shared_ptr<const SysexFile> syx_file(const std::vector<Bytes>& messages) {
    Bytes all;
    for (const auto& m : messages) {
        all.insert(all.end(), m.begin(), m.end());
    }
    return std::make_shared<const SysexFile>(read_sysex_bytes(all));
}

} // namespace syx::test
