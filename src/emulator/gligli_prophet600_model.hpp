#pragma once
// Sequential Prophet-600 with the GliGli firmware. Sources: gligli/p600fw
// documentation/latex/firmware.tex (update procedure, U/S/E, 250 ms), sysex_patch.tex and
// patchmgmt.tex (patch dumps, patch management mode) and common/midi.c (sysexSend: 4 data bytes
// in 5 MIDI bytes; patch dump command 01, dump request 02 in later versions).
#include <array>
#include <cstdint>
#include <optional>

#include "emulator/model_base.hpp"

namespace syx::emu {

class GligliProphet600Model : public ModelBase {
public:
    enum class Mode { normal, waiting, receiving, success, error, no_firmware };
    static constexpr std::size_t kBlockBytes = 333; // [C: the 2.0992 release]

    explicit GligliProphet600Model(DeviceModelSpec spec);
    static DeviceModelSpec default_spec();

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override;
    [[nodiscard]] std::string firmware_version_text() const override;
    [[nodiscard]] std::string mode() const override;
    [[nodiscard]] std::vector<ModelNote> notes() const override;
    [[nodiscard]] std::optional<std::uint64_t> expected_transfer_bytes() const override;

    [[nodiscard]] Mode state() const { return m_mode; }
    [[nodiscard]] std::size_t blocks_received() const { return m_blocks; }
    [[nodiscard]] std::size_t blocks_flashed() const { return m_flashed_blocks; }
    [[nodiscard]] const std::string& error_reason() const { return m_reason; }
    // Stored patch (decoded storage bytes, patch number first) or nullopt for an empty slot.
    [[nodiscard]] const std::optional<Bytes>& patch(std::size_t n) const { return m_patches.at(n); }
    [[nodiscard]] bool patch_management() const { return m_patch_management; }
    // The patch dump message for decoded storage bytes (F0 00 61 16 01 … F7).
    [[nodiscard]] static Bytes patch_message(const Bytes& storage);

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_press(std::string_view button, Outputs& out) override;
    void on_aborted_sysex(std::span<const std::uint8_t> so_far, Time now, Outputs& out) override;
    void on_power_on(std::span<const std::string> held, Outputs& out) override;
    void on_power_loss(Outputs& out) override;

private:
    void fail(std::string reason);
    void on_patch_message(std::span<const std::uint8_t> m, Outputs& out);

    Mode m_mode = Mode::normal;
    std::size_t m_blocks = 0;
    std::size_t m_flashed_blocks = 0; // blocks of the firmware now running (0 = factory)
    bool m_firmware_valid = true;
    std::string m_reason;
    std::array<std::optional<Bytes>, 100> m_patches{}; // 100 slots [C: sysex_patch.tex]
    Bytes m_current_patch;                             // the active controls' patch
    bool m_patch_management = false;
    bool m_shift = false;
    std::optional<std::uint8_t> m_last_stored;
};

} // namespace syx::emu
