// Identity Request/Reply pinned from the MIDI 1.0 spec and DEVICES.md, not from our own output.
#include <gtest/gtest.h>

#include "core/identity_reply.hpp"

using Bytes = std::vector<std::uint8_t>;

TEST(IdentityReply, RequestIsTheUniversalAllCallRequest) {
    const auto req = syx::identity_request();
    EXPECT_EQ(Bytes(req.begin(), req.end()), (Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
    const auto dev3 = syx::identity_request(3);
    EXPECT_EQ(dev3[2], 0x03);
}

TEST(IdentityReply, LittlePhattyStandardReply) {
    // DEVICES.md: F0 7E 7F 06 02 04 00 05 00 01 v1 v2 v3 v4 F7 [confirmed].
    const Bytes reply{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05,
                      0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0xF7};
    auto r = syx::parse_identity_reply(reply);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->standard_layout);
    EXPECT_EQ(r->device_id, 0x7F);
    EXPECT_EQ(r->manufacturer, Bytes{0x04});
    ASSERT_TRUE(r->family_code());
    EXPECT_EQ(*r->family_code(), 0x05 << 7);
    EXPECT_EQ(*r->member_code(), 0x01 << 7);
    EXPECT_EQ(r->version, (Bytes{0x01, 0x02, 0x03, 0x04}));
    EXPECT_TRUE(r->extra.empty());
    EXPECT_TRUE(r->note.empty());
}

TEST(IdentityReply, ThreeByteManufacturerStandardReply) {
    const Bytes reply{0xF0, 0x7E, 0x10, 0x06, 0x02, 0x00, 0x20, 0x29, 0x41,
                      0x00, 0x02, 0x00, 0x00, 0x01, 0x02, 0x03, 0xF7};
    auto r = syx::parse_identity_reply(reply);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->standard_layout);
    EXPECT_EQ(r->device_id, 0x10);
    EXPECT_EQ(r->manufacturer, (Bytes{0x00, 0x20, 0x29}));
    EXPECT_EQ(*r->family_code(), 0x41);
    EXPECT_EQ(*r->member_code(), 0x02);
    EXPECT_EQ(r->version.size(), 4u);
}

TEST(IdentityReply, ShortFifteenByteReplyWithThreeByteManufacturerIsParsedNotInvented) {
    // M-Audio Code: 15-byte reply, 2 bytes short of the standard 17 for 00 01 05 [reported].
    const Bytes reply{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x00, 0x01, 0x05,
                      0x63, 0x0E, 0x25, 0x00, 0x01, 0x00, 0xF7};
    auto r = syx::parse_identity_reply(reply);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->standard_layout);
    EXPECT_EQ(r->manufacturer, (Bytes{0x00, 0x01, 0x05}));
    EXPECT_TRUE(r->family.has_value());
    EXPECT_TRUE(r->member.has_value());
    EXPECT_EQ(r->version, (Bytes{0x01, 0x00})); // only what was sent
    EXPECT_NE(r->note.find("2 short"), std::string::npos);
    EXPECT_EQ(r->raw, reply);
}

TEST(IdentityReply, VeryShortReplyLeavesFieldsEmpty) {
    const Bytes reply{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x41, 0x01, 0xF7};
    auto r = syx::parse_identity_reply(reply);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->family.has_value());
    EXPECT_FALSE(r->member.has_value());
    EXPECT_TRUE(r->version.empty());
    EXPECT_EQ(r->extra, Bytes{0x01});
}

TEST(IdentityReply, LongerReplyKeepsExtraBytes) {
    const Bytes reply{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00,
                      0x01, 0x01, 0x02, 0x03, 0x04, 0x55, 0x66, 0xF7};
    auto r = syx::parse_identity_reply(reply);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->standard_layout);
    EXPECT_EQ(r->extra, (Bytes{0x55, 0x66}));
}

TEST(IdentityReply, NonRepliesAreErrors) {
    EXPECT_FALSE(syx::parse_identity_reply(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}).ok());
    EXPECT_FALSE(syx::parse_identity_reply(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04}).ok());
    EXPECT_FALSE(syx::parse_identity_reply(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0xF7}).ok());
    EXPECT_FALSE(
        syx::parse_identity_reply(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x90, 0xF7}).ok());
    EXPECT_FALSE(
        syx::parse_identity_reply(Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x00, 0x01, 0xF7}).ok());
    EXPECT_FALSE(syx::is_identity_reply(Bytes{}));
}
