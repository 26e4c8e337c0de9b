#include "emulator/jomox_model.hpp"

#include <fmt/core.h>

namespace syx::emu {

DeviceModelSpec JomoxModel::mbrane_spec() {
    DeviceModelSpec spec;
    spec.device_id = "jomox-mbrane-11";
    spec.display_name = "Jomox MBrane 11";
    spec.link = Link::din;
    return spec;
}

DeviceModelSpec JomoxModel::mbase_spec() {
    DeviceModelSpec spec;
    spec.device_id = "jomox-mbase-11";
    spec.display_name = "Jomox MBase 11";
    spec.link = Link::din;
    return spec;
}

JomoxModel::JomoxModel(DeviceModelSpec spec, std::uint8_t product)
    : ModelBase(std::move(spec)), m_product(product) {
    for (std::size_t n = 0; n < kPatterns; ++n) {
        Bytes data(kPatternData);
        for (std::size_t i = 0; i < kPatternData; ++i) {
            data[i] = static_cast<std::uint8_t>((i * 5 + n * 13 + product) & 0x7F);
        }
        m_patterns.push_back(std::move(data));
    }
}

std::vector<ModelNote> JomoxModel::notes() const {
    return {
        {Confidence::confirmed, "Pattern dumps are started on the front panel, one pattern at a "
                                "time"},
        {Confidence::confirmed, "Manufacturer byte 31 (registered to Viscount) is what Jomox "
                                "sends"},
        {Confidence::modelled, "Scheme F0 31 7F <product> <type 02 = pattern> 55 … F7 is "
                               "confirmed for the AlphaBase only; assumed for this device"},
        {Confidence::modelled, fmt::format("Product code {:02X}, 32 patterns, pattern number "
                                           "byte + 256 data bytes (265-byte messages)",
                                           m_product)},
    };
}

std::vector<Button> JomoxModel::buttons() const {
    return {
        {"pattern-next", "PATTERN +", "Selects the next pattern"},
        {"pattern-prev", "PATTERN -", "Selects the previous pattern"},
        {"dump-pattern", "DUMP", "Sends the selected pattern"},
    };
}

std::string JomoxModel::display_text() const {
    if (m_received > 0) {
        return fmt::format("PATTERN {:02}\nRECEIVED {}", m_current + 1, m_received);
    }
    return fmt::format("PATTERN {:02}", m_current + 1);
}

Bytes JomoxModel::pattern_message(std::size_t n) const {
    const auto& data = m_patterns.at(n);
    // Sized once up front (this also keeps g++ 12's -Warray-bounds false positive on
    // inserting into a vector built from a 7-byte initializer list out of release builds).
    Bytes m;
    m.reserve(7 + data.size() + 1);
    for (const std::uint8_t b :
         {std::uint8_t{0xF0}, std::uint8_t{0x31}, std::uint8_t{0x7F}, m_product, std::uint8_t{0x02},
          std::uint8_t{0x55}, static_cast<std::uint8_t>(n)}) {
        m.push_back(b);
    }
    m.insert(m.end(), data.begin(), data.end());
    m.push_back(0xF7);
    return m;
}

void JomoxModel::on_sysex(const Received& message, Outputs& /*out*/) {
    const auto m = message.bytes;
    if (m.size() != 7 + kPatternData + 1 || m[1] != 0x31 || m[2] != 0x7F || m[3] != m_product ||
        m[4] != 0x02 || m[5] != 0x55 || m[6] >= kPatterns) {
        return;
    }
    m_patterns[m[6]].assign(m.begin() + 7, m.end() - 1);
    ++m_received;
}

void JomoxModel::on_press(std::string_view button, Outputs& out) {
    if (button == "pattern-next") {
        m_current = (m_current + 1) % kPatterns;
    } else if (button == "pattern-prev") {
        m_current = (m_current + kPatterns - 1) % kPatterns;
    } else if (button == "dump-pattern") {
        send(out, pattern_message(m_current), now());
    }
}

} // namespace syx::emu
