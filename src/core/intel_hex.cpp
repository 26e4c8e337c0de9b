#include "core/intel_hex.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/core.h>

namespace syx {

namespace {

std::optional<std::uint8_t> hex_digit(std::uint8_t c) {
    if (c >= '0' && c <= '9') {
        return static_cast<std::uint8_t>(c - '0');
    }
    if (c >= 'A' && c <= 'F') {
        return static_cast<std::uint8_t>(c - 'A' + 10);
    }
    if (c >= 'a' && c <= 'f') {
        return static_cast<std::uint8_t>(c - 'a' + 10);
    }
    return std::nullopt;
}

bool is_separator(std::uint8_t c) {
    return c == 0x00 || c == '\r' || c == '\n';
}

} // namespace

IntelHexText read_intel_hex(std::span<const std::uint8_t> text) {
    IntelHexText out;
    bool ended = false;
    std::size_t i = 0;
    auto fail = [&](std::size_t at, std::string why) {
        out.problem = IntelHexProblem{at, std::move(why)};
        return out;
    };
    // Reads the byte of two hex digits at `at`.
    auto byte_at = [&](std::size_t at) -> std::optional<std::uint8_t> {
        if (at + 1 >= text.size()) {
            return std::nullopt;
        }
        const auto hi = hex_digit(text[at]);
        const auto lo = hex_digit(text[at + 1]);
        if (!hi || !lo) {
            return std::nullopt;
        }
        return static_cast<std::uint8_t>((*hi << 4) | *lo);
    };
    while (i < text.size()) {
        if (is_separator(text[i])) {
            ++i;
            continue;
        }
        if (text[i] != ':') {
            return fail(i, fmt::format("byte {:02X} where an Intel HEX record (':') or padding "
                                       "(00) should be",
                                       text[i]));
        }
        if (ended) {
            return fail(i, "a record after the end-of-file record");
        }
        const std::size_t start = i;
        const auto count = byte_at(i + 1);
        if (!count) {
            return fail(i + 1, "the record's length is not two hex digits");
        }
        // LL AAAA TT, the data, CC: 5 + count bytes, 2 digits each.
        const std::size_t digits = 2 * (5 + static_cast<std::size_t>(*count));
        std::vector<std::uint8_t> bytes;
        bytes.reserve(5 + *count);
        for (std::size_t k = 0; k < digits; k += 2) {
            const auto b = byte_at(i + 1 + k);
            if (!b) {
                return fail(i + 1 + k, fmt::format("the record starting at text byte {} is cut "
                                                   "short or has a character that is not a hex "
                                                   "digit",
                                                   start));
            }
            bytes.push_back(*b);
        }
        std::uint8_t sum = 0;
        for (const auto b : bytes) {
            sum = static_cast<std::uint8_t>(sum + b);
        }
        if (sum != 0) {
            const auto carried = bytes.back();
            const auto expected = static_cast<std::uint8_t>(carried - sum);
            return fail(i + digits - 1,
                        fmt::format("the record starting at text byte {} has checksum {:02X} but "
                                    "its bytes give {:02X}: the record is damaged",
                                    start, carried, expected));
        }
        const std::uint8_t type = bytes[3];
        if (type == 0x00) {
            out.data.insert(out.data.end(), bytes.begin() + 4, bytes.end() - 1);
        } else if (type == 0x01) {
            ended = true;
        } else if (type > 0x05) {
            return fail(i + 7,
                        fmt::format("record type {:02X} is not an Intel HEX record type", type));
        }
        ++out.records;
        i += 1 + digits;
    }
    if (!ended) {
        return fail(text.size(), "the Intel HEX text has no end-of-file record (:00000001FF): it "
                                 "is truncated");
    }
    return out;
}

std::vector<std::uint8_t> write_intel_hex(std::span<const std::uint8_t> data, std::size_t padding) {
    std::vector<std::uint8_t> out;
    auto put = [&](std::uint8_t b, std::uint8_t& sum) {
        const auto s = fmt::format("{:02X}", b);
        out.insert(out.end(), s.begin(), s.end());
        sum = static_cast<std::uint8_t>(sum + b);
    };
    for (std::size_t at = 0; at < data.size(); at += 16) {
        if (at % 64 == 0) {
            out.insert(out.end(), padding, 0x00);
        }
        const std::size_t n = std::min<std::size_t>(16, data.size() - at);
        std::uint8_t sum = 0;
        out.push_back(':');
        put(static_cast<std::uint8_t>(n), sum);
        put(static_cast<std::uint8_t>((at >> 8) & 0xFF), sum);
        put(static_cast<std::uint8_t>(at & 0xFF), sum);
        put(0x00, sum);
        for (std::size_t k = 0; k < n; ++k) {
            put(data[at + k], sum);
        }
        std::uint8_t ignored = 0;
        put(static_cast<std::uint8_t>(0x100 - sum), ignored);
    }
    for (const char c : std::string_view(":00000001FF")) {
        out.push_back(static_cast<std::uint8_t>(c));
    }
    return out;
}

} // namespace syx
