#pragma once
// Sequential Prophet-600 with the GliGli firmware. Facts: DEVICES.md "GliGli Prophet-600".
#include <cstdint>

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

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_aborted_sysex(std::span<const std::uint8_t> so_far, Time now, Outputs& out) override;
    void on_power_on(std::span<const std::string> held, Outputs& out) override;
    void on_power_loss(Outputs& out) override;

private:
    void fail(std::string reason);

    Mode m_mode = Mode::normal;
    std::size_t m_blocks = 0;
    std::size_t m_flashed_blocks = 0; // blocks of the firmware now running (0 = factory)
    bool m_firmware_valid = true;
    std::string m_reason;
};

} // namespace syx::emu
