#include <string>

#include <gtest/gtest.h>

#include "core/hash.hpp"

namespace syx {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// FIPS 180-2 appendix B.1 and the well-known empty-string digest.
TEST(Hash, Sha256MatchesPublishedVectors) {
    EXPECT_EQ(to_hex(sha256(bytes_of("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256({})),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hash, IncrementalSha256EqualsOneShot) {
    Sha256 hasher;
    hasher.update(bytes_of("a"));
    hasher.update(bytes_of("bc"));
    EXPECT_EQ(hasher.finish(), sha256(bytes_of("abc")));
    // Reusable after finish().
    hasher.update(bytes_of("abc"));
    EXPECT_EQ(hasher.finish(), sha256(bytes_of("abc")));
}

// The CRC-32 check value from the zlib/PNG specification: crc32("123456789") = CBF43926.
TEST(Hash, Crc32CheckValue) {
    EXPECT_EQ(crc32(bytes_of("123456789")), 0xCBF43926U);
    EXPECT_EQ(crc32(bytes_of("6789"), crc32(bytes_of("12345"))), 0xCBF43926U);
    EXPECT_EQ(crc32_hex(0xCBF43926U), "cbf43926");
}

TEST(Hash, SpacedHexIsHowMidiPeopleWriteBytes) {
    const std::uint8_t bytes[] = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
    EXPECT_EQ(to_spaced_hex(bytes), "F0 7E 7F 06 01 F7");
}

} // namespace
} // namespace syx
