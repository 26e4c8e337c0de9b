#include "core/checksum.hpp"

namespace syx {

const char* to_string(SumForm form) {
    switch (form) {
    case SumForm::mod256:
        return "mod-256";
    case SumForm::low7:
        return "low-7";
    case SumForm::twos_complement_7bit:
        return "twos-complement-7bit";
    }
    return "mod-256";
}

std::optional<SumForm> parse_sum_form(std::string_view text) {
    for (auto f : {SumForm::mod256, SumForm::low7, SumForm::twos_complement_7bit}) {
        if (text == to_string(f)) {
            return f;
        }
    }
    return std::nullopt;
}

namespace {
std::uint32_t reflect(std::uint32_t value, unsigned bits) {
    std::uint32_t out = 0;
    for (unsigned i = 0; i < bits; ++i) {
        if ((value >> i) & 1U) {
            out |= 1U << (bits - 1 - i);
        }
    }
    return out;
}
} // namespace

void Crc::update(std::span<const std::uint8_t> bytes) {
    const unsigned w = m_model.width;
    const std::uint32_t top = 1U << (w - 1);
    const std::uint32_t mask = m_model.mask();
    for (std::uint8_t byte : bytes) {
        const std::uint32_t in = m_model.refin ? reflect(byte, 8) : byte;
        for (int bit = 7; bit >= 0; --bit) {
            const bool feed = ((in >> bit) & 1U) != 0;
            const bool msb = (m_register & top) != 0;
            m_register = (m_register << 1) & mask;
            if (feed != msb) {
                m_register ^= m_model.poly & mask;
            }
        }
    }
}

std::uint32_t Crc::value() const {
    const std::uint32_t r = m_model.refout ? reflect(m_register, m_model.width) : m_register;
    return (r ^ m_model.xorout) & m_model.mask();
}

std::uint32_t crc_of(const CrcModel& model, std::span<const std::uint8_t> bytes) {
    Crc crc(model);
    crc.update(bytes);
    return crc.value();
}

std::uint32_t sum_of(SumForm form, std::span<const std::uint8_t> bytes) {
    std::uint32_t sum = 0;
    for (auto b : bytes) {
        sum += b;
    }
    switch (form) {
    case SumForm::mod256:
        return sum & 0xFFU;
    case SumForm::low7:
        return sum & 0x7FU;
    case SumForm::twos_complement_7bit:
        return (0x80U - (sum & 0x7FU)) & 0x7FU;
    }
    return sum;
}

} // namespace syx
