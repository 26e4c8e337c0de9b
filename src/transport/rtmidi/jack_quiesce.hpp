#pragma once
// Works around a crash in RtMidi 5.0's JACK backend: closePort() unregisters the JACK port while
// the client is still active, so the JACK process thread can call jack_port_get_buffer() on the
// port being removed, get NULL and crash inside libjack (seen in our end-to-end tests: SIGSEGV in
// the process thread while the main thread was in MidiInJack::closePort()). Deactivating the
// client first stops the process callback; RtMidi never reactivates it (we do not reopen a closed
// RtMidi object), and its destructor then closes the client as usual.
//
// RtMidi does not expose its jack_client_t. We reach it through the protected members RtMidi::
// rtapi_ and MidiApi::apiData_ (standard C++: a pointer-to-member formed inside a derived class),
// relying on jack_client_t* being the first member of RtMidi's private JackMidiData — true for
// every RtMidi release with a JACK backend up to 5.0 that we know of. Header-only so the test peer
// and the benchmark (which own RtMidi JACK clients too) use the same fix.
#include <RtMidi.h>
#include <jack/jack.h>

namespace syx::transport::detail {

struct RtMidiApiAccess : RtMidi {
    static ::MidiApi* api_of(RtMidi& midi) { return midi.*(&RtMidiApiAccess::rtapi_); }
};

struct MidiApiDataAccess : ::MidiApi {
    static void* data_of(::MidiApi& api) { return api.*(&MidiApiDataAccess::apiData_); }
};

// Stops the JACK process callback of an RtMidi object using the JACK api. No-op otherwise.
inline void deactivate_jack_client(RtMidi& midi) {
    ::MidiApi* api = RtMidiApiAccess::api_of(midi);
    if (api == nullptr || api->getCurrentApi() != RtMidi::UNIX_JACK) {
        return;
    }
    auto* data = static_cast<jack_client_t**>(MidiApiDataAccess::data_of(*api));
    if (data != nullptr && *data != nullptr) {
        jack_deactivate(*data);
    }
}

} // namespace syx::transport::detail
