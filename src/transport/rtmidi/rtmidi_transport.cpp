#include "transport/rtmidi/rtmidi_transport.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <thread>

#include <RtMidi.h>
#include <fmt/core.h>

#include "transport/rtmidi/alsa_cards.hpp"
#ifdef SYXFLASH_HAVE_ALSA
#include "transport/alsa/alsa_seq_input.hpp"
#endif
#include "transport/rtmidi/jack_quiesce.hpp"

#ifdef SYXFLASH_HAVE_JACK
#include <jack/jack.h>
#endif

namespace syx::transport {

namespace {

RtMidi::Api to_rtmidi(MidiApi api) {
    switch (api) {
    case MidiApi::alsa:
        return RtMidi::LINUX_ALSA;
    case MidiApi::jack:
        return RtMidi::UNIX_JACK;
    case MidiApi::coremidi:
        return RtMidi::MACOSX_CORE;
    case MidiApi::winmm:
        return RtMidi::WINDOWS_MM;
    case MidiApi::emulated:
        break;
    }
    return RtMidi::UNSPECIFIED;
}

// RtMidi's JACK output copies each message into a 16 KiB ring buffer (JACK_RINGBUFFER_SIZE 16384,
// with a 4-byte length header per message) drained once per period, and silently drops a message
// that does not fit [confirmed: DEVICES.md / RtMidi source]. We keep every send at 4 KiB so even
// several chunks queued within one period fit; the pacer chunks larger messages.
constexpr std::size_t kJackMaxSendBytes = 4095;

// JACK delivers MIDI once per period. Fallback when the server cannot be asked: 256 frames at
// 48 kHz, the configuration we test with.
constexpr std::chrono::microseconds kDefaultJackPeriod{5334};

std::chrono::microseconds query_jack_period() {
#ifdef SYXFLASH_HAVE_JACK
    jack_status_t status{};
    jack_client_t* client = jack_client_open("syxflash-probe", JackNoStartServer, &status);
    if (client != nullptr) {
        const auto frames = jack_get_buffer_size(client);
        const auto rate = jack_get_sample_rate(client);
        jack_client_close(client);
        if (rate > 0) {
            // Round up: a margin must never be smaller than the period.
            const auto us = (static_cast<std::uint64_t>(frames) * 1'000'000ULL + rate - 1) / rate;
            return std::chrono::microseconds{static_cast<std::int64_t>(us)};
        }
    }
#endif
    return kDefaultJackPeriod;
}

// ALSA hands a message to the kernel at once, but it reaches the device later by a varying
// amount: snd-seq-midi's output buffer, snd-usb-audio's URBs (one per USB frame and endpoint),
// the interface's own buffer. With no margin, every message delivered a little later than the one
// before shortens that gap at the device: the VM tests (tests/vm/jobs/din_interface_upload.sh)
// measured 8 of 38 gaps of a MIDIFly upload through a "UM-ONE" under wire time + 150 ms, the
// worst by 4.7 ms. Twice that, as the pacer's margin, costs 10 ms per message. It covers only
// what happens after send() returns: the time the call itself takes (the kernel takes the bytes
// inside it; up to 9 ms for 255 bytes in a loaded VM) is kept by the paced sender, which spaces
// the next piece from the return (engine/paced_sender.hpp).
constexpr std::chrono::microseconds kAlsaDeliveryJitter{10'000};

// Subscribing our ALSA output to a USB-MIDI port makes snd-seq-midi open the device's rawmidi
// output, and what is sent right after that has reached the device late: in the VM tests, 4 of 4
// MIDIFly uploads started at once had their first message's last chunk arrive ~36 ms late at the
// device (F7 to the next F0 135.7 ms against the 150 ms needed; the model refused the upgrade),
// while uploads that started a few hundred ms after opening (a trace file being created
// first; or this settle, 300 ms) had no such delay. Once per opening.
constexpr std::chrono::milliseconds kAlsaOutputSettle{300};

// Realtime priority for our JACK process threads when the server runs without realtime (a
// realtime server schedules its clients itself). The thread only wakes once per period for a
// few microseconds, so it cannot starve anything; the test fixture puts jackd's threads at 40.
constexpr int kJackClientPriority = 30;

// The name of our output port inside our JACK/ALSA client.
constexpr const char* kOutPortName = "out";

class RtMidiTransport final : public MidiTransport {
public:
    explicit RtMidiTransport(MidiApi api) : m_api(api) {}
    ~RtMidiTransport() override { close(); }

    [[nodiscard]] MidiApi api() const override { return m_api; }

    Result<std::vector<PortInfo>> list_ports() override {
        std::vector<PortInfo> ports;
        try {
            RtMidiIn in(to_rtmidi(m_api), "syxflash-list");
            in.setErrorCallback(&RtMidiTransport::on_error, this);
            RtMidiOut out(to_rtmidi(m_api), "syxflash-list");
            out.setErrorCallback(&RtMidiTransport::on_error, this);
            const auto cards = m_api == MidiApi::alsa ? read_alsa_cards() : std::vector<AlsaCard>{};
            auto add = [&](RtMidi& midi, PortDirection direction) {
                const unsigned count = midi.getPortCount();
                for (unsigned i = 0; i < count; ++i) {
                    PortInfo info;
                    info.name = midi.getPortName(i);
                    info.direction = direction;
                    info.api = m_api;
                    if (m_api == MidiApi::alsa) {
                        if (alsa_port_is_gadget_side(info.name, cards)) {
                            continue; // this computer's side of a USB gadget: no instrument
                        }
                        info.os_says_usb = alsa_port_is_usb(info.name, cards);
                    }
                    if (!info.name.empty()) {
                        ports.push_back(std::move(info));
                    }
                }
            };
            add(out, PortDirection::output);
            add(in, PortDirection::input);
        } catch (const RtMidiError& e) {
            return error_with_context("listing ports", e.getMessage());
        }
        if (auto err = take_error()) {
            // Warnings while listing (e.g. "JACK server not running?") matter only when nothing
            // could be listed; otherwise the list is the answer.
            if (ports.empty() && is_fatal_listing_error(*err)) {
                return error_with_context("listing ports", *err);
            }
        }
        return ports;
    }

    void set_receive_callback(ReceiveCallback callback) override {
        m_callback = std::move(callback);
    }

    Status open(const OpenOptions& options) override {
        close();
        m_options = options;
        try {
            if (!options.output_port.empty()) {
                auto out = std::make_unique<RtMidiOut>(to_rtmidi(m_api), options.client_name);
                out->setErrorCallback(&RtMidiTransport::on_error, this);
                auto index = find_port(*out, options.output_port);
                if (!index) {
                    return not_found("output", options.output_port);
                }
                out->openPort(*index, kOutPortName);
                if (auto err = take_error(); err || !out->isPortOpen()) {
                    return error_with_context(
                        fmt::format("opening output '{}'", options.output_port),
                        err.value_or("the port did not open"));
                }
                m_out = std::move(out);
            }
#ifdef SYXFLASH_HAVE_ALSA
            if (!options.input_port.empty() && m_api == MidiApi::alsa) {
                if (auto status = open_alsa_input(options); !status) {
                    m_out.reset();
                    return status;
                }
            } else
#endif
                if (!options.input_port.empty()) {
                // The queue is bypassed while a callback is set, but size it anyway for the
                // largest dump in case a backend queues before the callback is installed.
                const unsigned queue = 1024;
                auto in = std::make_unique<RtMidiIn>(to_rtmidi(m_api), options.client_name, queue);
                in->setErrorCallback(&RtMidiTransport::on_error, this);
                // WinMM hands SysEx over in fixed buffers (default 4 × 1024 bytes): a large dump
                // needs larger ones, set before opening. ALSA and JACK reassemble SysEx of any
                // length into one message themselves.
                const auto size = static_cast<unsigned>(
                    std::clamp<std::size_t>(options.max_input_message_bytes, 1024, 65536));
                in->setBufferSize(size, 8);
                // RtMidi ignores SysEx by default: enable it; filter clock (and MTC) and active
                // sensing as asked.
                in->ignoreTypes(false, options.filter_clock_and_active_sensing,
                                options.filter_clock_and_active_sensing);
                in->setCallback(&RtMidiTransport::on_message, this);
                auto index = find_port(*in, options.input_port);
                if (!index) {
                    m_out.reset();
                    return not_found("input", options.input_port);
                }
                in->openPort(*index, "in");
                if (auto err = take_error(); err || !in->isPortOpen()) {
                    m_out.reset();
                    return error_with_context(fmt::format("opening input '{}'", options.input_port),
                                              err.value_or("the port did not open"));
                }
                m_in = std::move(in);
            }
        } catch (const RtMidiError& e) {
            m_in.reset();
            m_out.reset();
            return error_with_context("opening ports", e.getMessage());
        }
        if (m_api == MidiApi::alsa && m_out) {
            std::this_thread::sleep_for(kAlsaOutputSettle);
        }
        if (m_api == MidiApi::jack) {
            m_jitter = query_jack_period();
            for (RtMidi* midi :
                 {static_cast<RtMidi*>(m_in.get()), static_cast<RtMidi*>(m_out.get())}) {
                if (midi != nullptr) {
                    (void)detail::raise_jack_client_priority(*midi, kJackClientPriority);
                }
            }
            if (m_out) {
                if (auto connected = wait_until_jack_output_connected(); !connected) {
                    close();
                    return connected;
                }
            }
        }
        return Ok{};
    }

    Result<TimePoint> wait_until_sent(std::chrono::milliseconds timeout) override {
        if (!m_out || m_api != MidiApi::jack) {
            return Clock::now();
        }
        if (!m_unsent) {
            return m_last_departure;
        }
        // RtMidi's JACK process callback takes queued messages once per period.
        const auto deadline = Clock::now() + timeout;
        auto pending = detail::jack_output_pending(*m_out);
        if (!pending) {
            // The ring buffer cannot be asked (another RtMidi layout): assume the latest
            // departure a working server allows.
            std::this_thread::sleep_until(m_last_send + 2 * m_jitter);
            m_unsent = false;
            m_last_departure = Clock::now();
            return m_last_departure;
        }
        while (*pending > 0 && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::microseconds{500});
            pending = detail::jack_output_pending(*m_out).value_or(0);
        }
        if (*pending > 0) {
            return make_error(ErrorCode::transfer_failed,
                              fmt::format("{} bytes sent to '{}' were still queued in our JACK "
                                          "client after {} ms: is the JACK server still running?",
                                          *pending, m_options.output_port, timeout.count()));
        }
        m_unsent = false;
        m_last_departure = Clock::now();
        return m_last_departure;
    }

    Status send(std::span<const std::uint8_t> bytes) override {
        if (!m_out) {
            return make_error(ErrorCode::internal, "send: no output port is open");
        }
        if (auto max = max_send_bytes(); max && bytes.size() > *max) {
            return make_error(ErrorCode::refused,
                              fmt::format("a {}-byte send is more than the {} backend carries "
                                          "({} bytes); it must be chunked",
                                          bytes.size(), to_string(m_api), *max));
        }
        try {
            m_out->sendMessage(bytes.data(), bytes.size());
            m_last_send = Clock::now();
            m_unsent = true;
        } catch (const RtMidiError& e) {
            return error_with_context("sending", e.getMessage());
        }
        if (auto err = take_error()) {
            return make_error(ErrorCode::transfer_failed,
                              fmt::format("sending {} bytes to '{}': {}", bytes.size(),
                                          m_options.output_port, *err));
        }
        return Ok{};
    }

    [[nodiscard]] std::optional<std::size_t> max_send_bytes() const override {
        if (m_api == MidiApi::jack) {
            return kJackMaxSendBytes;
        }
        return std::nullopt;
    }

    [[nodiscard]] std::chrono::microseconds delivery_jitter() const override {
        if (m_api == MidiApi::alsa) {
            return kAlsaDeliveryJitter;
        }
        return m_api == MidiApi::jack ? m_jitter : std::chrono::microseconds{0};
    }

    Status ports_still_present() override {
#ifdef SYXFLASH_HAVE_ALSA
        if (m_alsa_in && m_alsa_in->overruns() > m_overruns_reported) {
            m_overruns_reported = m_alsa_in->overruns();
            return make_error(
                ErrorCode::transfer_failed,
                fmt::format("MIDI input from '{}' was lost {} time(s) in the kernel ({} full), "
                            "so a message arrived incomplete",
                            m_options.input_port, m_overruns_reported, m_alsa_in->describe()));
        }
        try {
            if (m_alsa_in && !find_port_in_listing(m_options.input_port)) {
                return vanished("input", m_options.input_port);
            }
        } catch (const RtMidiError& e) {
            return error_with_context("checking ports", e.getMessage());
        }
#endif
        try {
            if (m_out && !find_port(*m_out, m_options.output_port)) {
                return vanished("output", m_options.output_port);
            }
            if (m_in && !find_port(*m_in, m_options.input_port)) {
                return vanished("input", m_options.input_port);
            }
        } catch (const RtMidiError& e) {
            return error_with_context("checking ports", e.getMessage());
        }
        (void)take_error();
        return Ok{};
    }

    void close() override {
        // Deactivating the JACK client below stops its process callback: whatever it has not
        // yet sent would be lost, so let it go out first, and give the cycle that took it time
        // to reach the ports downstream of ours.
        if (m_out && m_api == MidiApi::jack && m_last_send != TimePoint{}) {
            if (auto departed = wait_until_sent(std::chrono::milliseconds{2000})) {
                std::this_thread::sleep_until(*departed + 2 * m_jitter);
            }
        }
        try {
            if (m_in) {
                detail::deactivate_jack_client(*m_in);
                m_in->cancelCallback();
                m_in->closePort();
            }
            if (m_out) {
                detail::deactivate_jack_client(*m_out);
                m_out->closePort();
            }
        } catch (const RtMidiError&) {
            // Closing a port that vanished: nothing left to do.
        }
        m_in.reset();
        m_out.reset();
#ifdef SYXFLASH_HAVE_ALSA
        if (m_alsa_in && m_alsa_in->overruns() > m_overruns_reported) {
            // Not seen by a poll (the session ended first): say it where a person looks.
            std::fprintf(stderr,
                         "warning: MIDI input from '%s' was lost %llu time(s) in the kernel (%s "
                         "full)\n",
                         m_options.input_port.c_str(),
                         static_cast<unsigned long long>(m_alsa_in->overruns()),
                         m_alsa_in->describe().c_str());
        }
        m_alsa_in.reset();
        m_overruns_reported = 0;
#endif
    }

private:
#ifdef SYXFLASH_HAVE_ALSA
    // ALSA input through our own sequencer client (alsa_seq_input.hpp says why).
    Status open_alsa_input(const OpenOptions& options) {
        const auto address = parse_seq_address(options.input_port);
        if (!address || !find_port_in_listing(options.input_port)) {
            return not_found("input", options.input_port);
        }
        auto in = transport::open_alsa_input(
            options.client_name, *address, options.filter_clock_and_active_sensing,
            [this](std::span<const std::uint8_t> bytes, TimePoint arrival) {
                if (m_callback && !bytes.empty()) {
                    m_callback(bytes, arrival);
                }
            });
        if (!in) {
            return in.error();
        }
        m_alsa_in = std::move(*in);
        return Ok{};
    }

    // Whether RtMidi lists an input port of that name (the listing we matched names against).
    bool find_port_in_listing(const std::string& name) {
        if (!m_lister) {
            m_lister =
                std::make_unique<RtMidiIn>(RtMidi::LINUX_ALSA, m_options.client_name + "-list");
            m_lister->setErrorCallback(&RtMidiTransport::on_error, this);
        }
        return find_port(*m_lister, name).has_value();
    }
#endif

    // RtMidi's openPort() asks the JACK server to connect, but the server runs the new graph
    // only from a later cycle: a message sent before then leaves a port with no connection and
    // is lost (the first message of a transfer, now and then). Wait until the connection is in
    // the running graph, then one period more.
    // A connection that never shows up (the server refused it) is an error: every message sent
    // would otherwise leave a port with nothing attached, silently.
    Status wait_until_jack_output_connected() {
        const auto deadline = Clock::now() + std::chrono::milliseconds{1000};
        auto connected = detail::jack_output_connected(*m_out, kOutPortName);
        while (connected && !*connected && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{1});
            connected = detail::jack_output_connected(*m_out, kOutPortName);
        }
        if (connected && !*connected) {
            return make_error(ErrorCode::transfer_failed,
                              fmt::format("opening output '{}' via jack: JACK did not connect our "
                                          "port to it within 1 s (is it still there? 'jack_lsp "
                                          "-c' shows the connections)",
                                          m_options.output_port));
        }
        std::this_thread::sleep_for(connected ? m_jitter : 2 * m_jitter);
        return Ok{};
    }

    static void on_message(double /*delta*/, std::vector<unsigned char>* message, void* user) {
        const auto arrival = Clock::now();
        auto* self = static_cast<RtMidiTransport*>(user);
        if (message != nullptr && !message->empty() && self->m_callback) {
            self->m_callback(std::span<const std::uint8_t>(message->data(), message->size()),
                             arrival);
        }
    }

    static void on_error(RtMidiError::Type type, const std::string& text, void* user) {
        auto* self = static_cast<RtMidiTransport*>(user);
        if (type == RtMidiError::DEBUG_WARNING) {
            return;
        }
        std::lock_guard lock(self->m_error_mutex);
        self->m_error = text;
    }

    std::optional<std::string> take_error() {
        std::lock_guard lock(m_error_mutex);
        auto err = std::move(m_error);
        m_error.reset();
        return err;
    }

    static bool is_fatal_listing_error(const std::string& text) {
        return text.find("JACK server") != std::string::npos ||
               text.find("error creating") != std::string::npos;
    }

    Error error_with_context(std::string_view what, const std::string& detail) const {
        std::string hint;
        if (m_api == MidiApi::jack) {
            hint = " (is a JACK server running? start one or use --api alsa)";
        } else if (m_api == MidiApi::alsa) {
            hint = " (is the ALSA sequencer available? 'ls /dev/snd/seq'; in a container try "
                   "--api jack)";
        }
        return make_error(ErrorCode::transfer_failed,
                          fmt::format("{} via {}: {}{}", what, to_string(m_api), detail, hint));
    }

    static Error not_found(std::string_view side, const std::string& name) {
        return make_error(ErrorCode::not_found,
                          fmt::format("{} port '{}' is not there any more; run 'syxflash-cli "
                                      "ports' to see the current ports",
                                      side, name));
    }

    static Error vanished(std::string_view side, const std::string& name) {
        return make_error(
            ErrorCode::port_vanished,
            fmt::format("{} port '{}' disappeared (unplugged or powered off?)", side, name));
    }

    static std::optional<unsigned> find_port(RtMidi& midi, const std::string& name) {
        const unsigned count = midi.getPortCount();
        for (unsigned i = 0; i < count; ++i) {
            if (midi.getPortName(i) == name) {
                return i;
            }
        }
        return std::nullopt;
    }

    MidiApi m_api;
    OpenOptions m_options;
    ReceiveCallback m_callback;
    std::unique_ptr<RtMidiIn> m_in;
    std::unique_ptr<RtMidiOut> m_out;
#ifdef SYXFLASH_HAVE_ALSA
    std::unique_ptr<AlsaInput> m_alsa_in;
    std::unique_ptr<RtMidiIn> m_lister;
    std::uint64_t m_overruns_reported = 0;
#endif
    std::chrono::microseconds m_jitter{0};
    TimePoint m_last_send{};
    TimePoint m_last_departure{};
    bool m_unsent = false; // sent since the last departure we saw
    std::mutex m_error_mutex;
    std::optional<std::string> m_error;
};

} // namespace

bool rtmidi_has_api(MidiApi api) {
    if (api == MidiApi::emulated) {
        return false;
    }
    std::vector<RtMidi::Api> apis;
    RtMidi::getCompiledApi(apis);
    return std::find(apis.begin(), apis.end(), to_rtmidi(api)) != apis.end();
}

Result<std::unique_ptr<MidiTransport>> make_rtmidi_transport(MidiApi api) {
    if (!rtmidi_has_api(api)) {
        return make_error(ErrorCode::not_found,
                          fmt::format("this build's RtMidi has no '{}' support", to_string(api)));
    }
    return std::unique_ptr<MidiTransport>(std::make_unique<RtMidiTransport>(api));
}

void register_rtmidi_transports() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (MidiApi api : {MidiApi::alsa, MidiApi::jack, MidiApi::coremidi, MidiApi::winmm}) {
            if (rtmidi_has_api(api)) {
                register_transport_factory(api, [api] { return make_rtmidi_transport(api); });
            }
        }
    });
}

} // namespace syx::transport
