#pragma once
// Checksums as parameters, not names (firmware-manifests/README.md "Firmware grammar"):
//  - sums: the bytes added up, then mod 256, & 7F, or the 7-bit two's complement −sum & 7F;
//  - CRCs by the usual parameter model (width, poly, init, refin, refout, xorout), so
//    CRC-16/XMODEM (16, 1021, 0, false, false, 0) and CRC-32/MPEG-2 (32, 04C11DB7, FFFFFFFF,
//    false, false, 0) are data. A CRC's "check" value is its result over "123456789".
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace syx {

enum class SumForm {
    mod256,               // sum & 0xFF
    low7,                 // sum & 0x7F
    twos_complement_7bit, // (−sum) & 0x7F
};
const char* to_string(SumForm form); // "mod-256" | "low-7" | "twos-complement-7bit"
std::optional<SumForm> parse_sum_form(std::string_view text);

struct CrcModel {
    unsigned width = 16; // 1..32
    std::uint32_t poly = 0x1021;
    std::uint32_t init = 0;
    bool refin = false;
    bool refout = false;
    std::uint32_t xorout = 0;

    [[nodiscard]] std::uint32_t mask() const {
        return width >= 32 ? 0xFFFFFFFFU : ((1U << width) - 1U);
    }
};

// Bit-by-bit (the firmware files are small; clarity beats tables here).
class Crc {
public:
    explicit Crc(const CrcModel& model) : m_model(model), m_register(model.init & model.mask()) {}
    void update(std::span<const std::uint8_t> bytes);
    [[nodiscard]] std::uint32_t value() const;

private:
    CrcModel m_model;
    std::uint32_t m_register;
};

[[nodiscard]] std::uint32_t crc_of(const CrcModel& model, std::span<const std::uint8_t> bytes);
[[nodiscard]] std::uint32_t sum_of(SumForm form, std::span<const std::uint8_t> bytes);

} // namespace syx
