// `inspect` reports what a firmware grammar decoded (issue 15): text and --json.
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/firmware_grammar.hpp"

namespace syx {
namespace {

using Bytes = std::vector<std::uint8_t>;
using nlohmann::json;

Bytes launchpad_file(const std::string& id, std::size_t image_bytes) {
    Bytes image(image_bytes);
    for (std::size_t i = 0; i < image.size(); ++i) {
        image[i] = static_cast<std::uint8_t>(i * 37 + 11);
    }
    Bytes all;
    for (const auto& m :
         encode_firmware(*test::shipped_manifest(id).firmware.grammar, image, 407)) {
        all.insert(all.end(), m.begin(), m.end());
    }
    return all;
}

TEST(CliInspectFirmware, TextAndJsonShowTheDecodedFacts) {
    test::TempDir dir;
    test::write_file_bytes(dir / "mini.syx", launchpad_file("novation-launchpad-mini-mk3", 4 * 32));
    const auto text = test::run_cli({"inspect", (dir / "mini.syx").string()});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(
        text.out.find("Firmware:      Novation Launchpad Mini MK3 [novation-launchpad-mini-mk3]"),
        std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("4 blocks of 32 bytes"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("image 128 bytes, image CRC-32 "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("release: unknown"), std::string::npos) << text.out;

    const auto out = test::run_cli({"inspect", "--json", (dir / "mini.syx").string()});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    const json doc = json::parse(out.out);
    ASSERT_EQ(doc["firmware"].size(), 1U) << out.out;
    const json& f = doc["firmware"][0];
    EXPECT_EQ(f["device"], "novation-launchpad-mini-mk3");
    EXPECT_EQ(f["blocks"], 4);
    EXPECT_EQ(f["block_bytes"], 32);
    EXPECT_EQ(f["image_bytes"], 128);
    EXPECT_EQ(f["image_crc"].get<std::string>().rfind("CRC-32 ", 0), 0U);
    EXPECT_EQ(f["image_crc"].get<std::string>().size(), 7U + 8U);
    EXPECT_TRUE(f["release"].is_null());
    EXPECT_EQ(f["carries_checksum"], true);
    // The text shows the same CRC as the JSON.
    EXPECT_NE(text.out.find(f["image_crc"].get<std::string>()), std::string::npos);
}

TEST(CliInspectFirmware, ALaunchpadProFileSaysPlainlyThatItCarriesNoChecksum) {
    test::TempDir dir;
    test::write_file_bytes(dir / "pro.syx", launchpad_file("novation-launchpad-pro", 3 * 32));
    const auto text = test::run_cli({"inspect", (dir / "pro.syx").string()});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("this format carries no checksum; only a known release's SHA-256 "
                            "can show the file is intact"),
              std::string::npos)
        << text.out;
    const auto out = test::run_cli({"inspect", "--json", (dir / "pro.syx").string()});
    const json doc = json::parse(out.out);
    ASSERT_EQ(doc["firmware"].size(), 1U) << out.out;
    EXPECT_EQ(doc["firmware"][0]["carries_checksum"], false);
    EXPECT_NE(doc["firmware"][0]["note"].get<std::string>().find("no checksum"), std::string::npos);
}

TEST(CliInspectFirmware, AFileThatIsNoDevicesFirmwareHasAnEmptyList) {
    test::TempDir dir;
    test::write_file_bytes(dir / "id.syx", Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7});
    const auto out = test::run_cli({"inspect", "--json", (dir / "id.syx").string()});
    const json doc = json::parse(out.out);
    EXPECT_TRUE(doc["firmware"].is_array());
    EXPECT_TRUE(doc["firmware"].empty());
    const auto text = test::run_cli({"inspect", (dir / "id.syx").string()});
    EXPECT_EQ(text.out.find("Firmware:"), std::string::npos) << text.out;
}

} // namespace
} // namespace syx
