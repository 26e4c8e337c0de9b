#include "core/sysex_analysis.hpp"

#include <fmt/core.h>

namespace syx {
namespace {

bool is_framed(std::span<const std::uint8_t> m) {
    return m.size() >= 2 && m.front() == 0xF0 && m.back() == 0xF7;
}

ChecksumCheck seven_bit_sum_check(ChecksumKind kind, std::span<const std::uint8_t> message,
                                  std::size_t first, std::size_t checksum_at) {
    unsigned sum = 0;
    for (std::size_t i = first; i < checksum_at; ++i) {
        sum += message[i];
    }
    ChecksumCheck check;
    check.kind = kind;
    check.expected = static_cast<std::uint8_t>((128U - (sum & 0x7FU)) & 0x7FU);
    check.found = message[checksum_at];
    check.ok = check.expected == check.found;
    check.position = checksum_at;
    return check;
}

struct UniversalName {
    std::uint8_t realtime; // 0x7E or 0x7F
    std::uint8_t sub1;
    int sub2; // -1: any
    const char* name;
};

// MIDI 1.0 Detailed Specification, Universal System Exclusive ID numbers.
constexpr UniversalName kUniversalNames[] = {
    {0x7E, 0x01, -1, "Sample Dump Header"},
    {0x7E, 0x02, -1, "Sample Data Packet"},
    {0x7E, 0x03, -1, "Sample Dump Request"},
    {0x7E, 0x04, -1, "MIDI Time Code Setup"},
    {0x7E, 0x05, -1, "Sample Dump Extensions"},
    {0x7E, 0x06, 0x01, "Identity Request"},
    {0x7E, 0x06, 0x02, "Identity Reply"},
    {0x7E, 0x07, -1, "File Dump"},
    {0x7E, 0x08, -1, "MIDI Tuning Standard"},
    {0x7E, 0x09, 0x01, "General MIDI System On"},
    {0x7E, 0x09, 0x02, "General MIDI System Off"},
    {0x7E, 0x09, 0x03, "General MIDI 2 System On"},
    {0x7E, 0x7B, -1, "End of File"},
    {0x7E, 0x7C, -1, "Wait"},
    {0x7E, 0x7D, -1, "Cancel"},
    {0x7E, 0x7E, -1, "NAK"},
    {0x7E, 0x7F, -1, "ACK"},
    {0x7F, 0x01, -1, "MIDI Time Code"},
    {0x7F, 0x02, -1, "MIDI Show Control"},
    {0x7F, 0x04, 0x01, "Master Volume"},
    {0x7F, 0x04, 0x02, "Master Balance"},
    {0x7F, 0x06, -1, "MIDI Machine Control Command"},
    {0x7F, 0x07, -1, "MIDI Machine Control Response"},
    {0x7F, 0x08, -1, "MIDI Tuning Standard (Real Time)"},
};

} // namespace

const char* to_string(ChecksumKind kind) {
    switch (kind) {
    case ChecksumKind::roland:
        return "roland";
    case ChecksumKind::yamaha_bulk:
        return "yamaha-bulk";
    }
    return "roland";
}

std::optional<ChecksumCheck> check_roland_checksum(std::span<const std::uint8_t> message) {
    // Manufacturer byte first: it is in the cache line already read for the manufacturer ID,
    // while the last byte of a long message is usually not.
    if (message.size() < 8 || message[1] != 0x41 || !is_framed(message)) {
        return std::nullopt;
    }
    // Model ID: leading 00 bytes extend it (00 00 3B), up to 4 bytes.
    std::size_t model_length = 1;
    while (model_length <= 4 && 3 + model_length - 1 < message.size() &&
           message[3 + model_length - 1] == 0x00) {
        ++model_length;
    }
    if (model_length > 4) {
        return std::nullopt;
    }
    const std::size_t command_at = 3 + model_length;
    const std::size_t checksum_at = message.size() - 2;
    if (command_at >= checksum_at || (message[command_at] != 0x11 && message[command_at] != 0x12)) {
        return std::nullopt;
    }
    // At least an address byte before the checksum.
    if (checksum_at - (command_at + 1) < 1) {
        return std::nullopt;
    }
    return seven_bit_sum_check(ChecksumKind::roland, message, command_at + 1, checksum_at);
}

std::optional<ChecksumCheck> check_yamaha_bulk_checksum(std::span<const std::uint8_t> message) {
    if (message.size() < 9 || message[1] != 0x43 || (message[2] & 0xF0) != 0x00 ||
        !is_framed(message)) {
        return std::nullopt;
    }
    const std::size_t count = (std::size_t{message[4]} << 7) | message[5];
    if (message[4] >= 0x80 || message[5] >= 0x80 || message.size() != count + 8) {
        return std::nullopt;
    }
    return seven_bit_sum_check(ChecksumKind::yamaha_bulk, message, 6, message.size() - 2);
}

std::optional<std::string> universal_sysex_kind(std::span<const std::uint8_t> message) {
    if (message.size() < 4 || message[0] != 0xF0 || (message[1] != 0x7E && message[1] != 0x7F)) {
        return std::nullopt;
    }
    const std::uint8_t realtime = message[1];
    const std::uint8_t sub1 = message[3];
    const int sub2 = message.size() > 5 ? message[4] : -2;
    for (const UniversalName& entry : kUniversalNames) {
        if (entry.realtime == realtime && entry.sub1 == sub1 &&
            (entry.sub2 == -1 || entry.sub2 == sub2)) {
            return std::string(entry.name);
        }
    }
    const char* family = realtime == 0x7E ? "Universal Non-Real Time" : "Universal Real Time";
    if (sub2 >= 0 && sub2 < 0x80) {
        return fmt::format("{} (sub-ID {:02X} {:02X})", family, sub1, sub2);
    }
    return fmt::format("{} (sub-ID {:02X})", family, sub1);
}

MessageAnalysis analyze_message(std::span<const std::uint8_t> message) {
    MessageAnalysis analysis;
    analysis.manufacturer = manufacturer_id_of(message);
    if (analysis.manufacturer) {
        analysis.manufacturer_name = manufacturer_name(*analysis.manufacturer);
    }
    analysis.universal_kind = universal_sysex_kind(message);
    analysis.checksum = check_roland_checksum(message);
    if (!analysis.checksum) {
        analysis.checksum = check_yamaha_bulk_checksum(message);
    }
    return analysis;
}

} // namespace syx
