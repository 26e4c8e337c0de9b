#pragma once
// Novation K-Station. Facts: DEVICES.md "Novation K-Station" (manual appendix A-7, seeds/).
#include <array>
#include <cstdint>
#include <vector>

#include "emulator/model_base.hpp"

namespace syx::emu {

class NovationKStationModel : public ModelBase {
public:
    static constexpr std::size_t kBanks = 4;          // B = 1–4 [C]
    static constexpr std::size_t kPrograms = 100;     // P = 0–99 [C]
    static constexpr std::size_t kProgramBytes = 128; // [C]
    static constexpr std::size_t kGlobalBytes = 256;  // [C]
    static constexpr std::size_t kHeaderBytes = 13;   // F0 00 20 29 01 41 SyCh type C Vv Vi B P

    explicit NovationKStationModel(DeviceModelSpec spec);
    static DeviceModelSpec default_spec();

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override;
    [[nodiscard]] std::string firmware_version_text() const override;
    [[nodiscard]] std::string mode() const override { return "normal"; }
    [[nodiscard]] std::vector<ModelNote> notes() const override;

    // 1-based bank as on the wire.
    [[nodiscard]] const Bytes& program(std::size_t bank, std::size_t program) const {
        return m_programs.at(bank - 1).at(program);
    }
    [[nodiscard]] const Bytes& current_sound() const { return m_current_sound; }
    [[nodiscard]] const Bytes& globals() const { return m_globals; }
    [[nodiscard]] std::size_t current_bank() const { return m_bank; }
    [[nodiscard]] std::size_t current_program() const { return m_program; }
    void set_receive_channel(std::uint8_t channel) { m_receive_channel = channel; }

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_press(std::string_view button, Outputs& out) override;

private:
    [[nodiscard]] Bytes header(std::uint8_t type, std::uint8_t c, std::uint8_t b,
                               std::uint8_t p) const;
    void send_pair(Outputs& out, std::uint8_t c, std::size_t bank, std::size_t program);

    std::array<std::vector<Bytes>, kBanks> m_programs;
    Bytes m_current_sound;
    Bytes m_globals;
    std::size_t m_bank = 1;
    std::size_t m_program = 0;
    std::uint8_t m_receive_channel = 0;
};

} // namespace syx::emu
