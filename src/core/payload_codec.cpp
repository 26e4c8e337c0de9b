#include "core/payload_codec.hpp"

#include <fmt/core.h>

namespace syx {

const char* to_string(PayloadEncoding encoding) {
    switch (encoding) {
    case PayloadEncoding::raw7:
        return "raw7";
    case PayloadEncoding::nibbles:
        return "nibbles";
    case PayloadEncoding::groups:
        return "groups";
    case PayloadEncoding::bitstream7:
        return "bitstream7";
    }
    return "raw7";
}

std::optional<PayloadEncoding> parse_payload_encoding(std::string_view text) {
    for (auto e : {PayloadEncoding::raw7, PayloadEncoding::nibbles, PayloadEncoding::groups,
                   PayloadEncoding::bitstream7}) {
        if (text == to_string(e)) {
            return e;
        }
    }
    return std::nullopt;
}

std::size_t PayloadCodec::wire_size(std::size_t data_bytes) const {
    switch (encoding) {
    case PayloadEncoding::raw7:
        return data_bytes;
    case PayloadEncoding::nibbles:
        return data_bytes * 2;
    case PayloadEncoding::groups: {
        const std::size_t full = data_bytes / group_bytes;
        const std::size_t rest = data_bytes % group_bytes;
        return full * (group_bytes + 1) + (rest > 0 ? rest + 1 : 0);
    }
    case PayloadEncoding::bitstream7:
        return (data_bytes * 8 + 6) / 7;
    }
    return data_bytes;
}

std::optional<std::size_t> PayloadCodec::data_size(std::size_t wire_bytes) const {
    switch (encoding) {
    case PayloadEncoding::raw7:
        return wire_bytes;
    case PayloadEncoding::nibbles:
        if (wire_bytes % 2 != 0) {
            return std::nullopt;
        }
        return wire_bytes / 2;
    case PayloadEncoding::groups: {
        const std::size_t full = wire_bytes / (group_bytes + 1);
        const std::size_t rest = wire_bytes % (group_bytes + 1);
        if (rest == 1) {
            return std::nullopt; // a high-bit byte with no data
        }
        return full * group_bytes + (rest > 0 ? rest - 1 : 0);
    }
    case PayloadEncoding::bitstream7: {
        // The longest data that fits, and it must need every wire byte (at most 6 pad bits).
        const std::size_t data = wire_bytes * 7 / 8;
        if (wire_size(data) != wire_bytes) {
            return std::nullopt;
        }
        return data;
    }
    }
    return std::nullopt;
}

std::vector<std::uint8_t> PayloadCodec::encode(std::span<const std::uint8_t> data) const {
    std::vector<std::uint8_t> out;
    out.reserve(wire_size(data.size()));
    switch (encoding) {
    case PayloadEncoding::raw7:
        for (auto b : data) {
            out.push_back(static_cast<std::uint8_t>(b & 0x7F));
        }
        break;
    case PayloadEncoding::nibbles:
        for (auto b : data) {
            const auto high = static_cast<std::uint8_t>(b >> 4);
            const auto low = static_cast<std::uint8_t>(b & 0x0F);
            out.push_back(high_nibble_first ? high : low);
            out.push_back(high_nibble_first ? low : high);
        }
        break;
    case PayloadEncoding::groups:
        for (std::size_t start = 0; start < data.size(); start += group_bytes) {
            const std::size_t n = std::min(group_bytes, data.size() - start);
            std::uint8_t highs = 0;
            for (std::size_t i = 0; i < n; ++i) {
                if ((data[start + i] & 0x80) != 0) {
                    const std::size_t bit = first_byte_in_low_bit ? i : group_bytes - 1 - i;
                    highs = static_cast<std::uint8_t>(highs | (1U << bit));
                }
            }
            if (high_bits_before) {
                out.push_back(highs);
            }
            for (std::size_t i = 0; i < n; ++i) {
                out.push_back(static_cast<std::uint8_t>(data[start + i] & 0x7F));
            }
            if (!high_bits_before) {
                out.push_back(highs);
            }
        }
        break;
    case PayloadEncoding::bitstream7: {
        const std::size_t bits = data.size() * 8;
        out.assign(wire_size(data.size()), 0);
        for (std::size_t k = 0; k < bits; ++k) {
            const unsigned bit = (data[k / 8] >> (7 - k % 8)) & 1U;
            out[k / 7] = static_cast<std::uint8_t>(out[k / 7] | (bit << (6 - k % 7)));
        }
        break;
    }
    }
    return out;
}

std::string PayloadCodec::describe() const {
    switch (encoding) {
    case PayloadEncoding::raw7:
        return "raw 7-bit bytes";
    case PayloadEncoding::nibbles:
        return high_nibble_first ? "nibbles, high first" : "nibbles, low first";
    case PayloadEncoding::groups:
        return fmt::format("{} in {} (high bits {}, byte 0 in bit {})", group_bytes,
                           group_bytes + 1, high_bits_before ? "first" : "last",
                           first_byte_in_low_bit ? 0 : group_bytes - 1);
    case PayloadEncoding::bitstream7:
        return "7-bit MSB-first bit stream";
    }
    return {};
}

Decoded decode_payload(const PayloadCodec& codec, std::span<const std::uint8_t> wire) {
    Decoded out;
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] >= 0x80) {
            out.problem =
                DecodeProblem{i, fmt::format("byte {:02X} is not a 7-bit data byte", wire[i])};
            return out;
        }
    }
    const auto size = codec.data_size(wire.size());
    if (!size) {
        out.problem = DecodeProblem{
            wire.empty() ? 0 : wire.size() - 1,
            fmt::format("{} payload bytes cannot be {}", wire.size(), codec.describe())};
        return out;
    }
    out.data.reserve(*size);
    switch (codec.encoding) {
    case PayloadEncoding::raw7:
        out.data.assign(wire.begin(), wire.end());
        break;
    case PayloadEncoding::nibbles:
        for (std::size_t i = 0; i + 1 < wire.size(); i += 2) {
            for (std::size_t k = i; k < i + 2; ++k) {
                if (wire[k] > 0x0F) {
                    out.problem = DecodeProblem{
                        k, fmt::format("byte {:02X} is not a nibble (00–0F)", wire[k])};
                    return out;
                }
            }
            const auto high = codec.high_nibble_first ? wire[i] : wire[i + 1];
            const auto low = codec.high_nibble_first ? wire[i + 1] : wire[i];
            out.data.push_back(static_cast<std::uint8_t>((high << 4) | low));
        }
        break;
    case PayloadEncoding::groups: {
        const std::size_t g = codec.group_bytes;
        for (std::size_t start = 0; start < wire.size(); start += g + 1) {
            const std::size_t n = std::min(g + 1, wire.size() - start) - 1;
            const std::uint8_t highs = codec.high_bits_before ? wire[start] : wire[start + n];
            const std::size_t first = codec.high_bits_before ? start + 1 : start;
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t bit = codec.first_byte_in_low_bit ? i : g - 1 - i;
                const unsigned high = (highs >> bit) & 1U;
                out.data.push_back(static_cast<std::uint8_t>(wire[first + i] | (high << 7)));
            }
        }
        break;
    }
    case PayloadEncoding::bitstream7: {
        out.data.assign(*size, 0);
        const std::size_t bits = *size * 8; // the bits after these are padding
        for (std::size_t k = 0; k < bits; ++k) {
            const unsigned bit = (wire[k / 7] >> (6 - k % 7)) & 1U;
            out.data[k / 8] = static_cast<std::uint8_t>(out.data[k / 8] | (bit << (7 - k % 8)));
        }
        break;
    }
    }
    return out;
}

} // namespace syx
