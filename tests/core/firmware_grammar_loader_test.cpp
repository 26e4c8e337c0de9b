// [firmware.grammar] is loaded strictly: the real Prophet-600 grammar (the shipped manifest's)
// loads, and a misspelt key inside it is reported at its line.
#include <fstream>
#include <sstream>
#include <string>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/firmware_grammar.hpp"
#include "core/manifest_loader.hpp"

namespace {

using namespace syx;

// The shipped Prophet-600 manifest carries the grammar (gligli/p600fw fw2syx/fw2syx.py).
std::string p600_with_grammar() {
    std::ifstream in(syx::test::source_dir() / "firmware-manifests" / "gligli-prophet-600.toml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(FirmwareGrammarLoader, LoadsAndDecodesTheRealProphet600File) {
    const auto load = parse_manifest(p600_with_grammar(), "p600.toml");
    ASSERT_TRUE(load.problems.empty()) << load.problems.front().to_string();
    const auto& g = *load.manifest->firmware.grammar;
    EXPECT_EQ(g.messages.size(), 2U);
    EXPECT_EQ(g.find("block")->checksum.split_bits, (std::vector<unsigned>{7, 7, 2}));
    SYX_REQUIRE_FIXTURE(path, "gligli_prophet600_firmware_2_0992.syx");
    const auto bytes = syx::test::read_file_bytes(path);
    std::vector<std::span<const std::uint8_t>> messages;
    std::size_t start = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == 0xF0) {
            start = i;
        } else if (bytes[i] == 0xF7) {
            messages.emplace_back(bytes.data() + start, i - start + 1);
        }
    }
    const auto d = decode_firmware(g, messages);
    EXPECT_TRUE(d.ok()) << d.problems.front().text;
    EXPECT_EQ(d.data_messages, 183U);
    EXPECT_EQ(d.checksums_correct, 183U);
}

TEST(FirmwareGrammarLoader, MisspeltKeyIsReportedAtItsLine) {
    auto text = p600_with_grammar();
    text.replace(text.find("split_bits"), 10, "split_bitz");
    const auto load = parse_manifest(text, "p600.toml");
    ASSERT_FALSE(load.problems.empty());
    bool found = false;
    for (const auto& p : load.problems) {
        found = found || p.text.find("split_bitz") != std::string::npos;
        EXPECT_GT(p.line, 0U);
    }
    EXPECT_TRUE(found);
}

} // namespace
