#include "core/identity_reply.hpp"

#include <fmt/core.h>

#include "core/hash.hpp"

namespace syx {

namespace {
constexpr std::size_t kHeader = 5; // F0 7E dev 06 02
}

std::array<std::uint8_t, 6> identity_request(std::uint8_t device_id) {
    return {0xF0, 0x7E, static_cast<std::uint8_t>(device_id & 0x7F), 0x06, 0x01, 0xF7};
}

std::optional<std::uint16_t> IdentityReply::family_code() const {
    if (!family) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>((*family)[0] | ((*family)[1] << 7));
}

std::optional<std::uint16_t> IdentityReply::member_code() const {
    if (!member) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>((*member)[0] | ((*member)[1] << 7));
}

bool is_identity_reply(std::span<const std::uint8_t> m) {
    return m.size() >= kHeader + 1 && m[0] == 0xF0 && m[1] == 0x7E && m[3] == 0x06 &&
           m[4] == 0x02 && m.back() == 0xF7;
}

Result<IdentityReply> parse_identity_reply(std::span<const std::uint8_t> m) {
    if (!is_identity_reply(m)) {
        return make_error(ErrorCode::invalid_data,
                          fmt::format("not an identity reply (expected F0 7E <dev> 06 02 … F7): {}",
                                      to_spaced_hex(m.first(std::min<std::size_t>(m.size(), 16)))));
    }
    const auto body = m.subspan(kHeader, m.size() - kHeader - 1); // between 02 and F7
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] >= 0x80) {
            return make_error(ErrorCode::invalid_data,
                              fmt::format("identity reply byte {} is {:02X}, a status byte inside "
                                          "the reply",
                                          kHeader + i, body[i]));
        }
    }
    IdentityReply reply;
    reply.raw.assign(m.begin(), m.end());
    reply.device_id = m[2];
    if (body.empty()) {
        return make_error(ErrorCode::invalid_data, "identity reply carries no manufacturer ID");
    }
    const std::size_t mfr_len = body[0] == 0x00 ? 3 : 1;
    if (body.size() < mfr_len) {
        return make_error(ErrorCode::invalid_data,
                          "identity reply ends inside its 3-byte manufacturer ID");
    }
    reply.manufacturer.assign(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(mfr_len));
    auto rest = body.subspan(mfr_len);
    if (rest.size() >= 2) {
        reply.family = std::array<std::uint8_t, 2>{rest[0], rest[1]};
        rest = rest.subspan(2);
    }
    if (rest.size() >= 2) {
        reply.member = std::array<std::uint8_t, 2>{rest[0], rest[1]};
        rest = rest.subspan(2);
    }
    // A field only counts when every field before it is complete; leftovers are kept as extra.
    const std::size_t version_len = reply.member ? std::min<std::size_t>(rest.size(), 4) : 0;
    reply.version.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(version_len));
    rest = rest.subspan(version_len);
    reply.extra.assign(rest.begin(), rest.end());

    const std::size_t standard_len = kHeader + mfr_len + 2 + 2 + 4 + 1;
    reply.standard_layout = m.size() == standard_len;
    if (m.size() < standard_len) {
        reply.note = fmt::format(
            "reply is {} bytes, {} short of the standard layout for a {}-byte manufacturer ID; "
            "fields were filled in order and the missing ones left empty",
            m.size(), standard_len - m.size(), mfr_len);
    } else if (m.size() > standard_len) {
        reply.note = fmt::format("reply is {} bytes, {} more than the standard layout; the extra "
                                 "bytes are kept as they are",
                                 m.size(), m.size() - standard_len);
    }
    return reply;
}

} // namespace syx
