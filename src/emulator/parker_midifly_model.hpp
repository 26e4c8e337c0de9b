#pragma once
// Parker MIDIFly guitar (MidiAxe engine). Facts: DEVICES.md "Parker MIDIFly".
// It has no display: display_text() describes its modelled status.
#include <array>
#include <cstdint>
#include <optional>

#include "emulator/model_base.hpp"

namespace syx::emu {

class ParkerMidiflyModel : public ModelBase {
public:
    enum class Memory { ok, upgrading, corrupted, recovered };

    // Settings the documented messages change [C: manual, seeds/].
    struct Settings {
        bool single_channel_mode = true; // [M] default
        std::uint8_t single_channel = 0;
        // Strings 1–3 have documented messages; 4–6 do not [M: unavailable], so they are absent.
        std::array<std::optional<std::uint8_t>, 3> string_channel{};
    };

    explicit ParkerMidiflyModel(DeviceModelSpec spec);
    static DeviceModelSpec default_spec();

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override;
    [[nodiscard]] std::string firmware_version_text() const override;
    [[nodiscard]] std::string mode() const override;
    [[nodiscard]] std::vector<ModelNote> notes() const override;
    [[nodiscard]] std::optional<std::uint64_t> expected_transfer_bytes() const override;

    [[nodiscard]] Memory memory() const { return m_memory; }
    [[nodiscard]] const Settings& settings() const { return m_settings; }
    [[nodiscard]] const std::array<std::uint8_t, 4>& version() const { return m_version; }
    [[nodiscard]] std::size_t blocks_received() const { return m_blocks; }
    // Why the program memory got corrupted (empty when it is not).
    [[nodiscard]] const std::string& corruption_reason() const { return m_reason; }

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_press(std::string_view button, Outputs& out) override;
    void on_power_on(std::span<const std::string> held, Outputs& out) override;
    void on_power_loss(Outputs& out) override;

private:
    void corrupt(std::string reason);
    bool apply_setting(std::span<const std::uint8_t> m);

    Memory m_memory = Memory::ok;
    Settings m_settings;
    std::array<std::uint8_t, 4> m_version{};
    std::size_t m_blocks = 0;
    std::size_t m_expected_blocks = 0;
    std::size_t m_first_block_bytes = 0;
    std::array<std::uint8_t, 4> m_incoming_version{};
    std::string m_reason;
};

} // namespace syx::emu
