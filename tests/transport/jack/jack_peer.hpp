#pragma once
// A separate JACK client for the end-to-end tests: it plays the device. Its own RtMidi clients
// (not our transport code) receive what we send and record when each message arrived, and can
// send back (identity replies, dumps).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <RtMidi.h>
#include <dirent.h>
#include <sched.h>

#include "transport/rtmidi/jack_quiesce.hpp"

namespace syx::test {

struct Arrival {
    std::vector<std::uint8_t> bytes;
    std::chrono::steady_clock::time_point time;
};

class JackPeer {
public:
    // Creates input port "<client>:in" and output port "<client>:out".
    explicit JackPeer(const std::string& client)
        : m_in(RtMidi::UNIX_JACK, client + "-rx", 4096), m_out(RtMidi::UNIX_JACK, client + "-tx") {
        m_in.ignoreTypes(false, true, true);
        m_in.setCallback(&JackPeer::on_message, this);
        m_in.openVirtualPort("in");
        m_out.openVirtualPort("out");
        m_in_name = client + "-rx:in";
        m_out_name = client + "-tx:out";
        raise_thread_priorities();
    }

    // The peer stands in for a device: its arrival times should show what JACK delivered, not
    // how loaded the test machine is. Where permitted (root / CAP_SYS_NICE), every thread of this
    // process (JACK's process threads included) gets a realtime priority just below the server.
    static void raise_thread_priorities() {
        DIR* tasks = opendir("/proc/self/task");
        if (tasks == nullptr) {
            return;
        }
        sched_param param{};
        param.sched_priority = 30;
        while (dirent* entry = readdir(tasks)) {
            const int tid = std::atoi(entry->d_name);
            if (tid > 0) {
                sched_setscheduler(tid, SCHED_FIFO, &param);
            }
        }
        closedir(tasks);
    }
    ~JackPeer() {
        // RtMidi 5.0 JACK can crash in closePort() while its client is active (see
        // transport/rtmidi/jack_quiesce.hpp).
        syx::transport::detail::deactivate_jack_client(m_in);
        syx::transport::detail::deactivate_jack_client(m_out);
        m_in.cancelCallback();
        m_in.closePort();
        m_out.closePort();
    }

    // Answers each received message (runs on the JACK thread; keep it short).
    void
    set_responder(std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>&)> f) {
        std::lock_guard lock(m_mutex);
        m_responder = std::move(f);
    }

    void send(const std::vector<std::uint8_t>& bytes) { m_out.sendMessage(&bytes); }

    bool wait_for(std::size_t count, std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, timeout, [&] { return m_arrivals.size() >= count; });
    }

    std::vector<Arrival> arrivals() {
        std::lock_guard lock(m_mutex);
        return m_arrivals;
    }

    const std::string& in_name() const { return m_in_name; }
    const std::string& out_name() const { return m_out_name; }

private:
    static void on_message(double /*delta*/, std::vector<unsigned char>* message, void* user) {
        const auto now = std::chrono::steady_clock::now();
        auto* self = static_cast<JackPeer*>(user);
        std::vector<std::uint8_t> reply;
        {
            std::lock_guard lock(self->m_mutex);
            self->m_arrivals.push_back(Arrival{{message->begin(), message->end()}, now});
            if (self->m_responder) {
                reply = self->m_responder(self->m_arrivals.back().bytes);
            }
        }
        self->m_cv.notify_all();
        if (!reply.empty()) {
            self->m_out.sendMessage(&reply);
        }
    }

    // Everything the JACK thread touches is constructed before the RtMidi clients start it.
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<Arrival> m_arrivals;
    std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>&)> m_responder;
    RtMidiIn m_in;
    RtMidiOut m_out;
    std::string m_in_name;
    std::string m_out_name;
};

// Waits until a JACK port has a connection (a CLI run in another process connected to it).
bool wait_for_jack_connection(const std::string& port, std::chrono::milliseconds timeout);

} // namespace syx::test
