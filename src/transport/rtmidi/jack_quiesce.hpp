#pragma once
// Works around three gaps in RtMidi 5.0's JACK backend. RtMidi does not expose its JACK client or
// output ring buffer; we reach them through the protected members RtMidi::rtapi_ and
// MidiApi::apiData_ (standard C++: a pointer-to-member formed inside a derived class) and the
// layout of RtMidi's private JackMidiData, which starts
//     jack_client_t* client; jack_port_t* port; jack_ringbuffer_t* buff; int buffMaxWrite; …
// in every release with a JACK backend up to 5.0 (checked against Debian 12's librtmidi.so.6:
// MidiOutJack::sendMessage reads the ring buffer at offset 0x10 and its writable size at 0x18).
// The ring-buffer pointer is checked against the ring buffer's own invariants before use, and
// callers fall back to waiting by time when the check fails. Header-only so the test peer and the
// benchmark (which own RtMidi JACK clients too) use the same fixes.
//
// 1. closePort() unregisters the JACK port while the client is still active, so the process
//    thread can call jack_port_get_buffer() on the port being removed, get NULL and crash inside
//    libjack (seen in our end-to-end tests). deactivate_jack_client() stops the process callback
//    first; RtMidi never reactivates it (we never reopen a closed RtMidi object).
// 2. sendMessage() only queues the message in a ring buffer that the process callback drains
//    once per period. Deactivating (or exiting) before that drain loses the last messages: a
//    `syxflash-cli send` run lost its last message about one run in three. jack_output_pending()
//    tells how many bytes are still queued, so close() waits until they have left.
// 3. openPort() calls jack_connect(), but the server switches to the new graph at a later cycle;
//    a message drained before that goes out of a port with no connection and is lost.
//    jack_output_connected() tells when the connection is in the graph.
// 4. Against a server started with --no-realtime, libjack runs the client's process thread at
//    normal priority; on a busy machine it misses cycles (the server logs "client … was not
//    finished") and the events of a missed cycle never reach the receiver — we lost one message
//    in twenty runs that way while a build ran. raise_jack_client_priority() asks libjack for
//    realtime scheduling of that thread, as a realtime server would have given it.
#include <cstddef>
#include <optional>
#include <string>

#include <RtMidi.h>
#include <jack/jack.h>
#include <jack/ringbuffer.h>
#include <jack/thread.h>

namespace syx::transport::detail {

struct RtMidiApiAccess : RtMidi {
    static ::MidiApi* api_of(RtMidi& midi) { return midi.*(&RtMidiApiAccess::rtapi_); }
};

struct MidiApiDataAccess : ::MidiApi {
    static void* data_of(::MidiApi& api) { return api.*(&MidiApiDataAccess::apiData_); }
};

// The leading members of RtMidi's JackMidiData (see above).
struct JackMidiDataPrefix {
    jack_client_t* client;
    jack_port_t* port;
    jack_ringbuffer_t* buff;
};

inline JackMidiDataPrefix* jack_data_of(RtMidi& midi) {
    ::MidiApi* api = RtMidiApiAccess::api_of(midi);
    if (api == nullptr || api->getCurrentApi() != RtMidi::UNIX_JACK) {
        return nullptr;
    }
    return static_cast<JackMidiDataPrefix*>(MidiApiDataAccess::data_of(*api));
}

// Stops the JACK process callback of an RtMidi object using the JACK api. No-op otherwise.
inline void deactivate_jack_client(RtMidi& midi) {
    auto* data = jack_data_of(midi);
    if (data != nullptr && data->client != nullptr) {
        jack_deactivate(data->client);
    }
}

// Gives the JACK process thread of an RtMidi object a realtime priority unless the server
// already did. Returns false where the OS does not allow it (no CAP_SYS_NICE / rtprio limit):
// then the thread keeps normal priority and the transfer still works on a quiet machine.
inline bool raise_jack_client_priority(RtMidi& midi, int priority) {
    auto* data = jack_data_of(midi);
    if (data == nullptr || data->client == nullptr) {
        return false;
    }
    if (jack_is_realtime(data->client) != 0) {
        return true;
    }
    return jack_acquire_real_time_scheduling(jack_client_thread_id(data->client), priority) == 0;
}

// Bytes an RtMidiOut on JACK still holds for its process callback to send; nullopt when this is
// not a JACK output or its ring buffer does not look like one (then wait by time instead).
inline std::optional<std::size_t> jack_output_pending(RtMidiOut& midi) {
    auto* data = jack_data_of(midi);
    if (data == nullptr || data->buff == nullptr) {
        return std::nullopt;
    }
    const jack_ringbuffer_t* rb = data->buff;
    const bool sane = rb->size >= 1024 && (rb->size & (rb->size - 1)) == 0 &&
                      rb->size_mask == rb->size - 1 && rb->read_ptr < rb->size &&
                      rb->write_ptr < rb->size;
    if (!sane) {
        return std::nullopt;
    }
    return jack_ringbuffer_read_space(rb);
}

// Whether the JACK output port RtMidi registered under `port_short_name` is connected in the
// graph the server runs; nullopt when that cannot be asked.
inline std::optional<bool> jack_output_connected(RtMidiOut& midi,
                                                 const std::string& port_short_name) {
    auto* data = jack_data_of(midi);
    if (data == nullptr || data->client == nullptr) {
        return std::nullopt;
    }
    const std::string full =
        std::string(jack_get_client_name(data->client)) + ":" + port_short_name;
    jack_port_t* port = jack_port_by_name(data->client, full.c_str());
    if (port == nullptr) {
        return std::nullopt;
    }
    return jack_port_connected(port) > 0;
}

} // namespace syx::transport::detail
