// inspect's decoded facts (issue 15): a file is decoded by every manifest whose firmware grammar
// reads it, with the same decoder as validate, and the facts (pages, image size, image CRC,
// release) come out separately.
#include <cstdint>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/catalogue.hpp"
#include "core/checksum.hpp"
#include "core/firmware_grammar.hpp"
#include "core/hash.hpp"
#include "core/sysex_file.hpp"
#include "engine/inspect.hpp"

namespace syx::engine {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes image_of(std::size_t size) {
    Bytes image(size);
    for (std::size_t i = 0; i < size; ++i) {
        image[i] = static_cast<std::uint8_t>(i * 193 + 7);
    }
    return image;
}

Bytes joined(const std::vector<Bytes>& messages) {
    Bytes all;
    for (const auto& m : messages) {
        all.insert(all.end(), m.begin(), m.end());
    }
    return all;
}

Catalogue catalogue_of(const std::vector<Manifest>& manifests) {
    Catalogue c;
    for (const auto& m : manifests) {
        EXPECT_FALSE(c.add(m, m.id + ".toml", ManifestOrigin::shipped).has_value()) << m.id;
    }
    return c;
}

TEST(InspectFirmware, ALaunchpadXFileGivesItsBlocksImageSizeAndImageCrc) {
    const auto& x = test::shipped_manifest("novation-launchpad-x");
    const auto image = image_of(5 * 32);
    const auto file = read_sysex_bytes(joined(encode_firmware(*x.firmware.grammar, image, 351)));
    const auto catalogue = catalogue_of({test::shipped_manifest("mutable-shruthi-1"), x,
                                         test::shipped_manifest("novation-launchpad-mini-mk3"),
                                         test::shipped_manifest("novation-launchpad-pro")});
    const auto found = decode_as_firmware(file, catalogue);
    ASSERT_EQ(found.size(), 1U); // the look-alike Launchpads' grammars do not read it
    const auto& f = found[0];
    EXPECT_EQ(f.device_id, "novation-launchpad-x");
    EXPECT_EQ(f.blocks, 5U);
    EXPECT_EQ(f.block_bytes, 32U);
    ASSERT_TRUE(f.image_bytes.has_value());
    EXPECT_EQ(*f.image_bytes, image.size());
    // CRC-32/MPEG-2 computed here from its parameters, not by the decoder.
    std::uint32_t crc = 0xFFFFFFFFU;
    for (const auto byte : image) {
        crc ^= std::uint32_t{byte} << 24;
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 0x80000000U) != 0 ? (crc << 1) ^ 0x04C11DB7U : crc << 1;
        }
    }
    ASSERT_TRUE(f.image_crc.has_value());
    EXPECT_EQ(*f.image_crc, crc);
    EXPECT_EQ(f.image_crc_width, 32U);
    EXPECT_FALSE(f.release.has_value());
    EXPECT_TRUE(f.carries_checksum);
    EXPECT_EQ(f.summary.rfind("Launchpad X firmware, 5 blocks of 32 bytes", 0), 0U) << f.summary;
}

TEST(InspectFirmware, AKnownReleaseIsNamedAndADamagedFileIsNotDecoded) {
    Manifest shruthi = test::shipped_manifest("mutable-shruthi-1");
    const auto messages = encode_firmware(*shruthi.firmware.grammar, image_of(2 * 256 + 3));
    FirmwareRelease release;
    release.version = "test-2";
    release.sha256 = sha256(joined(messages));
    shruthi.firmware.releases.push_back(release);
    const auto catalogue = catalogue_of({shruthi});

    const auto found = decode_as_firmware(read_sysex_bytes(joined(messages)), catalogue);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].blocks, 3U);
    EXPECT_EQ(found[0].block_noun, "page");
    EXPECT_EQ(found[0].block_bytes, 256U);
    ASSERT_TRUE(found[0].release.has_value());
    EXPECT_EQ(*found[0].release, "test-2");
    EXPECT_NE(found[0].summary.find("every page checksum correct"), std::string::npos);
    EXPECT_NE(found[0].summary.find("; known release test-2"), std::string::npos);
    EXPECT_FALSE(found[0].image_crc.has_value()); // per-page sums, no image CRC

    auto damaged = messages;
    damaged[1][20] ^= 0x01;
    EXPECT_TRUE(decode_as_firmware(read_sysex_bytes(joined(damaged)), catalogue).empty());
}

TEST(InspectFirmware, ALaunchpadProFileSaysItCarriesNoChecksum) {
    const auto& pro = test::shipped_manifest("novation-launchpad-pro");
    const auto file =
        read_sysex_bytes(joined(encode_firmware(*pro.firmware.grammar, image_of(3 * 32), 154)));
    const auto found = decode_as_firmware(file, catalogue_of({pro}));
    ASSERT_EQ(found.size(), 1U);
    EXPECT_FALSE(found[0].carries_checksum);
    EXPECT_EQ(found[0].blocks, 3U);
}

} // namespace
} // namespace syx::engine
