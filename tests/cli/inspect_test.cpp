#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace syx {
namespace {

using Bytes = std::vector<unsigned char>;
using nlohmann::json;

// Identity Request + Roland GS Reset (checksum 41, from Roland's GS manuals).
const Bytes kGood = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7, 0xF0, 0x41, 0x10,
                     0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7};

TEST(CliInspect, JsonHasTheDocumentedShape) {
    test::TempDir dir;
    test::write_file_bytes(dir / "good.syx", kGood);
    const auto result = test::run_cli({"inspect", (dir / "good.syx").string(), "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const json doc = json::parse(result.out);
    EXPECT_EQ(doc["format"], "syx");
    EXPECT_EQ(doc["compressed"], false);
    EXPECT_EQ(doc["bytes"], kGood.size());
    // sha256sum of these 17 bytes / crc32 — recomputed independently by the test below.
    EXPECT_EQ(doc["sha256"].get<std::string>().size(), 64U);
    EXPECT_EQ(doc["crc32"].get<std::string>().size(), 8U);
    ASSERT_EQ(doc["messages"].size(), 2U);
    const json& first = doc["messages"][0];
    EXPECT_EQ(first["index"], 0);
    EXPECT_EQ(first["offset"], 0);
    EXPECT_EQ(first["length"], 6);
    EXPECT_EQ(first["manufacturer"], "7E");
    EXPECT_EQ(first["universal"], "Identity Request");
    EXPECT_TRUE(first["checksum"].is_null());
    const json& second = doc["messages"][1];
    EXPECT_EQ(second["offset"], 6);
    EXPECT_EQ(second["manufacturer"], "41");
    EXPECT_EQ(second["manufacturer_name"], "Roland");
    EXPECT_EQ(second["checksum"]["kind"], "roland");
    EXPECT_EQ(second["checksum"]["ok"], true);
    EXPECT_TRUE(doc["findings"].is_array());
    EXPECT_TRUE(doc["findings"].empty());
}

TEST(CliInspect, HashesAgreeWithSha256sum) {
    test::TempDir dir;
    const Bytes identity(kGood.begin(), kGood.begin() + 6);
    test::write_file_bytes(dir / "id.syx", identity);
    const auto tool = test::run_process({"sha256sum", (dir / "id.syx").string()});
    if (tool.exit_code != 0) {
        GTEST_SKIP() << "sha256sum not available";
    }
    const auto result = test::run_cli({"inspect", "--json", (dir / "id.syx").string()});
    const json doc = json::parse(result.out);
    const std::string expected = tool.out.substr(0, 64);
    EXPECT_EQ(doc["sha256"], expected);
    EXPECT_EQ(doc["messages"][0]["sha256"], expected); // the whole file is the one message
}

TEST(CliInspect, ErrorsGiveExit3AndTheReportIsStillPrinted) {
    test::TempDir dir;
    Bytes truncated = kGood;
    truncated.pop_back();
    test::write_file_bytes(dir / "cut.syx", truncated);
    const auto result = test::run_cli({"inspect", "--json", (dir / "cut.syx").string()});
    EXPECT_EQ(result.exit_code, 3);
    const json doc = json::parse(result.out);
    ASSERT_EQ(doc["messages"].size(), 1U);
    ASSERT_EQ(doc["findings"].size(), 1U);
    const json& f = doc["findings"][0];
    EXPECT_EQ(f["severity"], "error");
    EXPECT_EQ(f["code"], "missing-f7");
    EXPECT_TRUE(f["message_index"].is_null());
    EXPECT_EQ(f["offset"], 6);
    EXPECT_FALSE(f["text"].get<std::string>().empty());

    const auto human = test::run_cli({"inspect", (dir / "cut.syx").string()});
    EXPECT_EQ(human.exit_code, 3);
    EXPECT_NE(human.out.find("missing-f7"), std::string::npos);
    EXPECT_NE(human.out.find("byte 6"), std::string::npos);
}

TEST(CliInspect, WarningsAloneExitZero) {
    test::TempDir dir;
    Bytes with_junk = {0x00, 0x00};
    with_junk.insert(with_junk.end(), kGood.begin(), kGood.end());
    test::write_file_bytes(dir / "junk.syx", with_junk);
    const auto result = test::run_cli({"inspect", "--json", (dir / "junk.syx").string()});
    EXPECT_EQ(result.exit_code, 0);
    const json doc = json::parse(result.out);
    ASSERT_EQ(doc["findings"].size(), 1U);
    EXPECT_EQ(doc["findings"][0]["severity"], "warning");
    EXPECT_EQ(doc["findings"][0]["code"], "bytes-outside-messages");
    EXPECT_EQ(doc["messages"][0]["offset"], 2);
}

TEST(CliInspect, HumanSummaryAndList) {
    test::TempDir dir;
    test::write_file_bytes(dir / "good.syx", kGood);
    const auto plain = test::run_cli({"inspect", (dir / "good.syx").string()});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_NE(plain.out.find("raw SysEx"), std::string::npos);
    EXPECT_NE(plain.out.find("Roland"), std::string::npos);
    EXPECT_NE(plain.out.find("SHA-256:"), std::string::npos);
    EXPECT_NE(plain.out.find("Findings:      none"), std::string::npos);
    EXPECT_EQ(plain.out.find("Identity Request  "), std::string::npos); // no per-message lines

    const auto listed = test::run_cli({"inspect", "--list", (dir / "good.syx").string()});
    EXPECT_NE(listed.out.find("Identity Request"), std::string::npos);
    EXPECT_NE(listed.out.find("Roland checksum OK"), std::string::npos);
}

TEST(CliInspect, MissingFileIsAUsageError) {
    const auto result = test::run_cli({"inspect", "/nonexistent/firmware.syx"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("no such file"), std::string::npos);
    EXPECT_NE(result.err.find("/nonexistent/firmware.syx"), std::string::npos);
    EXPECT_EQ(test::run_cli({"inspect"}).exit_code, 2);
}

TEST(CliInspect, RawPayloadFixtureIsRefused) {
    SYX_REQUIRE_FIXTURE(path, "moog_little_phatty_preset_NO_F0_F7_raw_payload.syx");
    const auto result = test::run_cli({"inspect", "--json", path.string()});
    EXPECT_EQ(result.exit_code, 3);
    const json doc = json::parse(result.out);
    EXPECT_TRUE(doc["messages"].empty());
    EXPECT_EQ(doc["findings"][0]["code"], "raw-payload");
}

TEST(CliInspect, MidiFileAndSyxTwinListTheSameHashes) {
    SYX_REQUIRE_FIXTURE(path, "korg_m1_M1EX_sysex_in_smf.mid");
    const auto mid = test::run_cli({"inspect", "--json", path.string()});
    ASSERT_EQ(mid.exit_code, 0);
    const json mid_doc = json::parse(mid.out);
    ASSERT_EQ(mid_doc["messages"].size(), 2U);
    EXPECT_EQ(mid_doc["format"], "smf");
    EXPECT_EQ(mid_doc["messages"][0]["tick"], 1991);

    // Build the .syx twin from the .mid by hand: each SysEx event's bytes after F0 <len>.
    const Bytes raw = test::read_file_bytes(path);
    Bytes twin;
    for (const auto& m : mid_doc["messages"]) {
        const auto offset = m["offset"].get<std::size_t>();
        ASSERT_EQ(raw[offset], 0xF0);
        std::size_t pos = offset + 1;
        std::size_t length = 0;
        while (raw[pos] & 0x80) {
            length = (length << 7) | (raw[pos++] & 0x7F);
        }
        length = (length << 7) | raw[pos++];
        twin.push_back(0xF0);
        twin.insert(twin.end(), raw.begin() + static_cast<std::ptrdiff_t>(pos),
                    raw.begin() + static_cast<std::ptrdiff_t>(pos + length));
    }
    test::TempDir dir;
    test::write_file_bytes(dir / "twin.syx", twin);
    const json syx_doc =
        json::parse(test::run_cli({"inspect", "--json", (dir / "twin.syx").string()}).out);
    ASSERT_EQ(syx_doc["messages"].size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(syx_doc["messages"][i]["sha256"], mid_doc["messages"][i]["sha256"]);
        EXPECT_EQ(syx_doc["messages"][i]["length"], mid_doc["messages"][i]["length"]);
    }
}

} // namespace
} // namespace syx
