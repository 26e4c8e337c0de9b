#pragma once
// FaultyDevice: wraps any DeviceModel and injects the faults given with --fault (fault_spec.hpp).
// Deterministic: the only randomness (which byte corrupt-message damages) comes from a seeded
// generator, so a run with the same seed and the same input behaves identically.
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "emulator/device_model.hpp"
#include "emulator/fault_spec.hpp"

namespace syx::emu {

class FaultyDevice : public DeviceModel {
public:
    // Bytes an interface buffers before drop-above-rate starts losing them [M].
    static constexpr double kDropBurstBytes = 64.0;
    // How long an unplugged port with reappear-as=bootloader stays away [M].
    static constexpr Time kReappearDelay = std::chrono::milliseconds{2000};

    FaultyDevice(std::unique_ptr<DeviceModel> inner, std::vector<FaultSpec> faults,
                 std::uint64_t seed);

    [[nodiscard]] const DeviceModelSpec& spec() const override { return m_inner->spec(); }
    Outputs on_message(std::span<const std::uint8_t> bytes, Time now) override;
    Outputs advance(Time now) override;
    [[nodiscard]] std::optional<Time> next_deadline() const override;
    [[nodiscard]] std::string display_text() const override { return m_inner->display_text(); }
    [[nodiscard]] std::vector<Button> buttons() const override { return m_inner->buttons(); }
    Outputs press(std::string_view button, Time now) override;
    Outputs power_cycle(std::span<const std::string> held_buttons, Time now) override;
    Outputs power_loss(Time now) override;
    [[nodiscard]] std::string firmware_version_text() const override {
        return m_inner->firmware_version_text();
    }
    [[nodiscard]] std::string mode() const override { return m_inner->mode(); }
    [[nodiscard]] std::vector<ModelNote> notes() const override;
    void set_input_link(Link link) override { m_inner->set_input_link(link); }
    [[nodiscard]] std::optional<std::uint64_t> expected_transfer_bytes() const override {
        return m_inner->expected_transfer_bytes();
    }

    // False while an unplug fault holds the port away: the transport reports it vanished.
    [[nodiscard]] bool port_present() const { return !m_unplugged; }
    // Plugs the cable back in (tests, GUI "replug" action).
    void replug() { m_unplugged = false; }
    // Declares the size of the transfer that percentages refer to, when the model cannot tell.
    void set_transfer_size(std::uint64_t bytes) { m_transfer_size = bytes; }
    // What fired and when, for logs and the CLI ("power-loss-at=50% fired after 12007 bytes").
    [[nodiscard]] const std::vector<std::string>& events() const { return m_events; }
    [[nodiscard]] std::uint64_t bytes_dropped() const { return m_dropped; }
    [[nodiscard]] std::uint64_t bytes_received() const { return m_bytes_in; }
    [[nodiscard]] DeviceModel& inner() { return *m_inner; }
    [[nodiscard]] const DeviceModel& inner() const { return *m_inner; }

private:
    struct Armed {
        FaultSpec spec;
        bool fired = false;
    };
    void deliver(Bytes& chunk, Time now, Outputs& out);
    void filter(Outputs& outputs) const;
    [[nodiscard]] std::optional<std::uint64_t> threshold(const FaultSpec& spec);
    void check_reappear(Time now, Outputs& out);
    [[nodiscard]] const FaultSpec* find(FaultKind kind) const;
    [[nodiscard]] bool percent_armed() const;
    static constexpr std::size_t kSizeProbeBytes = 32;

    std::unique_ptr<DeviceModel> m_inner;
    std::vector<Armed> m_faults;
    std::mt19937_64 m_rng;
    std::vector<std::string> m_events;
    std::optional<std::uint64_t> m_transfer_size;
    std::uint64_t m_bytes_in = 0;
    std::uint64_t m_dropped = 0;
    std::uint64_t m_message_number = 0;
    bool m_unplugged = false;
    std::optional<Time> m_reappear_at;
    // drop-above-rate token bucket
    double m_tokens = kDropBurstBytes;
    Time m_tokens_time{0};
    // the message being held back for corrupt-message / nak-message
    bool m_holding = false;
    std::optional<FaultKind> m_hold_kind;
    Bytes m_held;
};

} // namespace syx::emu
