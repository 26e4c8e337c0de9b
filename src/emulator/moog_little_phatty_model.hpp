#pragma once
// Moog Little Phatty (Stage II by default). Facts: DEVICES.md "Moog Little Phatty".
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/model_base.hpp"

namespace syx::emu {

class MoogLittlePhattyModel : public ModelBase {
public:
    enum class Mode {
        booting,      // powering up; MIDI now → DATA ERROR 3 [R]
        normal,       // running the OS: answers identity and dump requests
        receiving,    // "RX FIRMWARE" / "RX STAGE 1|2"
        stage1_error, // "Stage 1 Error / Cycle Power" [R]
        bootloader,   // "SEND FIRMWARE SX" loop, optionally "CODE ERROR 2" [R]
        data_error_3, // "SEND_FIRMWARE SX / DATA ERROR 3" [R]
        erase_prompt, // OS 3.x: "Update Firmware? PRESET=Yes" [R]
        please_send,  // OS 3.x: "Please Send Firmware" (waits for PhattyLoader's HEX) [R]
    };

    static constexpr std::size_t kPresetBytes = 193; // [C]
    static constexpr std::size_t kPresetCount = 100; // 0–99 [C]
    // dagargo/phatty phatty/connector.py: RED_BANK_SIZE 17142 / RED_BULK_SIZE 17275 data bytes
    // + F0 and F7 [C]; the larger variants (+202) are accepted on receipt.
    static constexpr std::size_t kBankBytes = 17144;
    static constexpr std::size_t kBulkBytes = 17277; // [C]
    // DIN input while flashing: a buffer (holds two 1 KiB chunks) that the flash writer drains
    // more slowly than the DIN wire fills it. The wire carries 3125 B/s [C]; that a unit writing
    // flash cannot keep up with it is what the reports imply (ERROR 2 over DIN, fixed by slower
    // pacing or by USB, which is flow controlled [R: DEVICES.md, seeds/003]); the buffer size and
    // the drain rate (two thirds of the wire's) are modelled [M]. Bytes that find the buffer full
    // are lost, and the transfer fails.
    static constexpr std::size_t kInputBufferBytes = 2048;
    static constexpr std::uint32_t kDrainBytesPerSecond = 2000;

    explicit MoogLittlePhattyModel(DeviceModelSpec spec);
    static DeviceModelSpec default_spec();

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override;
    [[nodiscard]] std::string firmware_version_text() const override;
    [[nodiscard]] std::string mode() const override;
    [[nodiscard]] std::vector<ModelNote> notes() const override;
    [[nodiscard]] std::optional<Time> next_deadline() const override;
    [[nodiscard]] std::optional<std::uint64_t> expected_transfer_bytes() const override;

    // State inspection (tests, GUI).
    [[nodiscard]] Mode state() const { return m_mode; }
    [[nodiscard]] const std::array<std::uint8_t, 4>& version() const { return m_version; }
    [[nodiscard]] bool firmware_valid() const { return m_firmware_valid; }
    [[nodiscard]] const Bytes& preset(std::size_t n) const { return m_presets.at(n); }
    [[nodiscard]] const Bytes& bank() const { return m_bank; }
    [[nodiscard]] const Bytes& bulk() const { return m_bulk; }
    [[nodiscard]] std::size_t current_preset() const { return m_current; }

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_bytes_arrived(std::size_t count, Time now, Outputs& out) override;
    void on_partial_sysex(std::span<const std::uint8_t> so_far, Time now, Outputs& out) override;
    void on_aborted_sysex(std::span<const std::uint8_t> so_far, Time now, Outputs& out) override;
    void on_press(std::string_view button, Outputs& out) override;
    void on_power_on(std::span<const std::string> held, Outputs& out) override;
    void on_power_loss(Outputs& out) override;
    void on_advance(Outputs& out) override;

private:
    void handle_request(std::span<const std::uint8_t> m, Outputs& out);
    void firmware_failed();
    void set_message(std::string text);
    [[nodiscard]] bool buffer_overflowed() const;
    [[nodiscard]] Bytes preset_message(std::uint8_t type, std::size_t n) const;

    Mode m_mode = Mode::booting;
    std::array<std::uint8_t, 4> m_version{};
    bool m_firmware_valid = true;
    bool m_code_error_2 = false;
    Time m_boot_done{0};
    std::size_t m_current = 0;
    std::vector<Bytes> m_presets; // 186 data bytes each
    Bytes m_panel;
    Bytes m_bank; // whole messages as last received / factory
    Bytes m_bulk;
    // Transient "RECEIVING …" message and when it clears.
    std::string m_message;
    Time m_message_until{0};
    // Firmware reception.
    std::size_t m_fw_expected = 0;
    std::size_t m_fw_received = 0;
    double m_fill = 0.0;
    Time m_fill_time{0};
};

} // namespace syx::emu
