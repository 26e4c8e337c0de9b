#pragma once
// Jomox MBrane 11 and MBase 11: manual pattern dumps, one pattern at a time [C: seed].
// Message scheme F0 31 7F <product> 02 55 … F7 is confirmed for the AlphaBase only; the product
// codes, pattern count and sizes below are MODELLED [M].
#include <cstdint>
#include <vector>

#include "emulator/model_base.hpp"

namespace syx::emu {

class JomoxModel : public ModelBase {
public:
    static constexpr std::size_t kPatterns = 32;           // [M]
    static constexpr std::size_t kPatternData = 256;       // [M]
    static constexpr std::uint8_t kProductMBase11 = 0x0B;  // [M]
    static constexpr std::uint8_t kProductMBrane11 = 0x0C; // [M]

    JomoxModel(DeviceModelSpec spec, std::uint8_t product);
    static DeviceModelSpec mbrane_spec();
    static DeviceModelSpec mbase_spec();

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override;
    [[nodiscard]] std::string firmware_version_text() const override { return {}; }
    [[nodiscard]] std::string mode() const override { return "normal"; }
    [[nodiscard]] std::vector<ModelNote> notes() const override;

    [[nodiscard]] std::uint8_t product() const { return m_product; }
    [[nodiscard]] const Bytes& pattern(std::size_t n) const { return m_patterns.at(n); }
    [[nodiscard]] std::size_t current_pattern() const { return m_current; }
    // F0 31 7F <product> 02 55 <pattern> <data> F7 (modelled after the AlphaBase scheme).
    [[nodiscard]] Bytes pattern_message(std::size_t n) const;

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_press(std::string_view button, Outputs& out) override;

private:
    std::uint8_t m_product;
    std::vector<Bytes> m_patterns;
    std::size_t m_current = 0;
    std::size_t m_received = 0;
};

} // namespace syx::emu
