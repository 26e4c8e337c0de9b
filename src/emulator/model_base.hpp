#pragma once
// ModelBase: what every device model shares — reassembling SysEx from arbitrary chunks (with
// the arrival time of each message's F0 and F7, which is where pacing rules are measured),
// and putting replies on the device's output one after another at the link's speed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "emulator/device_model.hpp"

namespace syx::emu {

// Time a message of `bytes` bytes occupies the link. DIN: 320 µs per byte [C: MIDI 1.0].
// USB-MIDI: modelled as 1 µs per byte (full-speed USB is ~40× faster than DIN) [M].
Time wire_time(std::size_t bytes, Link link);

// Sum of the bytes, masked to 7 bits (the modelled firmware checksum).
std::uint8_t checksum7(std::span<const std::uint8_t> bytes);

// F0 7E <any device> 06 01 F7 [C: MIDI 1.0].
bool is_identity_request(std::span<const std::uint8_t> message);

class ModelBase : public DeviceModel {
public:
    explicit ModelBase(DeviceModelSpec spec) : m_spec(std::move(spec)) {}

    [[nodiscard]] const DeviceModelSpec& spec() const override { return m_spec; }
    Outputs on_message(std::span<const std::uint8_t> bytes, Time now) final;
    Outputs advance(Time now) override;
    [[nodiscard]] std::optional<Time> next_deadline() const override { return std::nullopt; }
    Outputs press(std::string_view /*button*/, Time now) override;
    Outputs power_cycle(std::span<const std::string> held_buttons, Time now) override;
    Outputs power_loss(Time now) override;
    void set_input_link(Link link) override { m_input_link = link; }

protected:
    struct Received {
        std::span<const std::uint8_t> bytes; // F0 … F7
        Time first_byte{0};                  // when its F0 arrived
        Time last_byte{0};                   // when its F7 arrived
        // Silence at the input before this F0, since the previous message's F7 (nullopt for the
        // first message since power-on).
        std::optional<Time> gap_before;
    };

    // A complete SysEx message arrived.
    virtual void on_sysex(const Received& message, Outputs& out) = 0;
    // Non-realtime bytes arrived (before framing): models with input buffers count them here.
    virtual void on_bytes_arrived(std::size_t /*count*/, Time /*now*/, Outputs& /*out*/) {}
    // Part of a SysEx message arrived (the bytes so far, starting with F0).
    virtual void on_partial_sysex(std::span<const std::uint8_t> /*so_far*/, Time /*now*/,
                                  Outputs& /*out*/) {}
    // A message was cut short by another status byte (its bytes so far).
    virtual void on_aborted_sysex(std::span<const std::uint8_t> /*so_far*/, Time /*now*/,
                                  Outputs& /*out*/) {}
    // Model-specific reactions; the public overrides handle bookkeeping first.
    virtual void on_press(std::string_view /*button*/, Outputs& /*out*/) {}
    virtual void on_power_on(std::span<const std::string> /*held*/, Outputs& /*out*/) {}
    virtual void on_power_loss(Outputs& out) { on_power_on({}, out); }
    virtual void on_advance(Outputs& /*out*/) {}

    // Queues a message on the device's output no earlier than `earliest` (default: now plus the
    // reply latency); messages follow each other at the link's speed.
    void send(Outputs& out, Bytes message, std::optional<Time> earliest = std::nullopt);
    // The identity reply built from spec().identity_reply and `version` (nullopt: no reply).
    [[nodiscard]] std::optional<Bytes>
    identity_reply(const std::array<std::uint8_t, 4>& version) const;
    // Forgets any partly received message and the gap history (power cycle).
    void reset_input();

    [[nodiscard]] Time now() const { return m_now; }
    // The link the bytes being handled arrived by (set_input_link; spec().link by default).
    [[nodiscard]] Link input_link() const { return m_input_link.value_or(m_spec.link); }
    [[nodiscard]] bool receiving_sysex() const { return m_in_sysex; }

    DeviceModelSpec m_spec;

private:
    void set_now(Time now);

    Time m_now{0};
    Time m_output_free{0};
    bool m_in_sysex = false;
    Bytes m_partial;
    Time m_partial_first{0};
    std::optional<Time> m_last_f7;
    std::optional<Link> m_input_link;
};

} // namespace syx::emu
