#pragma once
// Elektron Octatrack. Facts: DEVICES.md "Elektron Octatrack".
#include <array>
#include <cstdint>

#include "emulator/model_base.hpp"

namespace syx::emu {

class ElektronOctatrackModel : public ModelBase {
public:
    enum class Mode {
        booting,
        normal,       // ignores SysEx dumps [C]
        startup_menu, // FUNC held at power-on [R]
        ready,        // TRIG 3 "MIDI UPGRADE": "READY TO RECEIVE" [R]
        preparing,    // first block received: "PREPARING FLASH" [R]
        updating,     // "UPDATING FLASH" [R]
        sync_lost,    // gaps too small [R: 100–300 ms pauses help]; display text [M]
        no_os,        // a failed update left no valid OS [M]
    };

    explicit ElektronOctatrackModel(DeviceModelSpec spec);
    static DeviceModelSpec default_spec();

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override;
    [[nodiscard]] std::string firmware_version_text() const override;
    [[nodiscard]] std::string mode() const override;
    [[nodiscard]] std::vector<ModelNote> notes() const override;
    [[nodiscard]] std::optional<Time> next_deadline() const override;
    [[nodiscard]] std::optional<std::uint64_t> expected_transfer_bytes() const override;

    [[nodiscard]] Mode state() const { return m_mode; }
    [[nodiscard]] const std::array<std::uint8_t, 4>& version() const { return m_version; }
    [[nodiscard]] bool os_valid() const { return m_os_valid; }
    [[nodiscard]] std::size_t sysex_ignored() const { return m_ignored; }

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_press(std::string_view button, Outputs& out) override;
    void on_power_on(std::span<const std::string> held, Outputs& out) override;
    void on_power_loss(Outputs& out) override;
    void on_advance(Outputs& out) override;

private:
    void lose_sync();

    Mode m_mode = Mode::normal;
    std::array<std::uint8_t, 4> m_version{};
    std::array<std::uint8_t, 4> m_incoming{};
    bool m_os_valid = true;
    Time m_boot_done{0};
    std::size_t m_blocks = 0;
    std::size_t m_expected = 0;
    std::size_t m_block_bytes = 0;
    std::size_t m_ignored = 0;
};

} // namespace syx::emu
