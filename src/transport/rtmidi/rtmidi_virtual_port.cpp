#include "transport/rtmidi/rtmidi_virtual_port.hpp"

#include <RtMidi.h>
#include <fmt/core.h>

namespace syx::transport {

namespace {

// Well below RtMidi's 16 KiB JACK ring: its process callback silently drops an event that does
// not fit the port's MIDI buffer in that cycle, and a 16 000-byte event was seen lost that way
// under load (tests/transport/emulate_over_jack_test.cpp); 4 KiB events were not.
constexpr std::size_t kJackMaxSend = 4096;

class RtMidiVirtualPort final : public VirtualMidiPort {
public:
    RtMidiVirtualPort(MidiApi api, std::string name, ReceiveCallback on_receive)
        : m_api(api), m_name(std::move(name)), m_on_receive(std::move(on_receive)) {}

    ~RtMidiVirtualPort() override {
        try {
            if (m_in) {
                m_in->cancelCallback();
                m_in->closePort();
            }
            if (m_out) {
                m_out->closePort();
            }
        } catch (const RtMidiError&) { // NOLINT(bugprone-empty-catch): closing is best effort
        }
    }

    RtMidiVirtualPort(const RtMidiVirtualPort&) = delete;
    RtMidiVirtualPort& operator=(const RtMidiVirtualPort&) = delete;

    Status open() {
        const RtMidi::Api api = m_api == MidiApi::jack ? RtMidi::UNIX_JACK : RtMidi::LINUX_ALSA;
        try {
            m_in = std::make_unique<RtMidiIn>(api, m_name, 1024);
            // Receive SysEx; drop clock and active sensing (they would flood a log) [RtMidi].
            m_in->ignoreTypes(false, true, true);
            m_in->setCallback(&RtMidiVirtualPort::on_message, this);
            m_in->openVirtualPort("in");
            // A second client: JACK would rename a second "NAME" to "NAME-01" anyway.
            m_out = std::make_unique<RtMidiOut>(api, m_name + "-out");
            m_out->openVirtualPort("out");
        } catch (const RtMidiError& e) {
            return make_error(ErrorCode::io, fmt::format("cannot create virtual {} ports '{}': {}",
                                                         to_string(m_api), m_name, e.getMessage()));
        }
        return Ok{};
    }

    Status send(std::span<const std::uint8_t> bytes) override {
        if (const auto max = max_send_bytes(); max && bytes.size() > *max) {
            return make_error(
                ErrorCode::usage,
                fmt::format("{} bytes is more than one send can carry ({})", bytes.size(), *max));
        }
        try {
            m_out->sendMessage(bytes.data(), bytes.size());
        } catch (const RtMidiError& e) {
            return make_error(ErrorCode::io, e.getMessage());
        }
        return Ok{};
    }

    [[nodiscard]] std::optional<std::size_t> max_send_bytes() const override {
        return m_api == MidiApi::jack ? std::optional<std::size_t>{kJackMaxSend} : std::nullopt;
    }
    [[nodiscard]] std::string input_port_name() const override { return m_name + ":in"; }
    [[nodiscard]] std::string output_port_name() const override { return m_name + "-out:out"; }

private:
    static void on_message(double /*delta*/, std::vector<unsigned char>* message, void* self) {
        auto* port = static_cast<RtMidiVirtualPort*>(self);
        if (message != nullptr && port->m_on_receive) {
            port->m_on_receive(*message, Clock::now());
        }
    }

    MidiApi m_api;
    std::string m_name;
    ReceiveCallback m_on_receive;
    std::unique_ptr<RtMidiIn> m_in;
    std::unique_ptr<RtMidiOut> m_out;
};

} // namespace

Result<std::unique_ptr<VirtualMidiPort>>
open_virtual_midi_port(MidiApi api, const std::string& name, ReceiveCallback on_receive) {
    if (api != MidiApi::jack && api != MidiApi::alsa) {
        return make_error(
            ErrorCode::usage,
            fmt::format("virtual ports need --api jack or alsa, not {}", to_string(api)));
    }
    auto port = std::make_unique<RtMidiVirtualPort>(api, name, std::move(on_receive));
    if (auto status = port->open(); !status) {
        return status.error();
    }
    return std::unique_ptr<VirtualMidiPort>(std::move(port));
}

} // namespace syx::transport
