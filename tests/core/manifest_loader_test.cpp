// The strict manifest loader: every problem in a broken manifest is reported with its line, and
// nothing else is. Broken files live in tests/data/manifests-broken/, each annotated with the
// findings it must produce:  `# EXPECT: text ;; text` on the offending line, or
// `# EXPECT-AT <line>: text` where the problem cannot carry a comment (syntax errors).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/manifest_loader.hpp"

namespace {

using namespace syx;

struct Expectation {
    std::uint32_t line = 0;
    std::string text;
};

std::vector<Expectation> expectations_in(const std::filesystem::path& file) {
    std::vector<Expectation> out;
    std::ifstream in(file);
    std::string line;
    std::uint32_t n = 0;
    const std::regex at(R"(# EXPECT-AT (\d+): (.*)$)");
    while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (std::regex_search(line, m, at)) {
            out.push_back({static_cast<std::uint32_t>(std::stoul(m[1].str())), m[2].str()});
            continue;
        }
        const auto pos = line.find("# EXPECT: ");
        if (pos == std::string::npos) {
            continue;
        }
        std::string rest = line.substr(pos + 10);
        std::size_t start = 0;
        while (true) {
            const auto sep = rest.find(" ;; ", start);
            out.push_back({n, rest.substr(start, sep == std::string::npos ? std::string::npos
                                                                          : sep - start)});
            if (sep == std::string::npos) {
                break;
            }
            start = sep + 4;
        }
    }
    return out;
}

std::vector<std::filesystem::path> broken_files() {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(syx::test::source_dir() / "tests" /
                                                             "data" / "manifests-broken")) {
        if (e.path().extension() == ".toml") {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

TEST(ManifestLoader, EveryBrokenManifestReportsExactlyItsExpectedProblems) {
    const auto files = broken_files();
    ASSERT_GE(files.size(), 8U);
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const auto expected = expectations_in(file);
        ASSERT_FALSE(expected.empty()) << "no EXPECT annotations";
        const auto load = load_manifest_file(file);
        EXPECT_FALSE(load.manifest.has_value());
        std::string all;
        for (const auto& p : load.problems) {
            all += p.to_string() + "\n";
        }
        for (const auto& e : expected) {
            const bool found =
                std::any_of(load.problems.begin(), load.problems.end(), [&](const auto& p) {
                    return p.line == e.line && p.text.find(e.text) != std::string::npos;
                });
            EXPECT_TRUE(found) << "expected at line " << e.line << ": " << e.text << "\ngot:\n"
                               << all;
        }
        EXPECT_EQ(load.problems.size(), expected.size()) << all;
        for (const auto& p : load.problems) {
            EXPECT_EQ(p.file, file.string());
            EXPECT_GT(p.line, 0U) << p.to_string();
        }
    }
}

TEST(ManifestLoader, ProblemsAreSortedByLineAndPrintAsFileLineColumn) {
    const auto file = syx::test::source_dir() / "tests/data/manifests-broken/wrong-types.toml";
    const auto load = load_manifest_file(file);
    ASSERT_GE(load.problems.size(), 2U);
    EXPECT_TRUE(std::is_sorted(load.problems.begin(), load.problems.end(),
                               [](const auto& a, const auto& b) { return a.line < b.line; }));
    EXPECT_EQ(load.problems.front().to_string(),
              file.string() + ":5:9: 'maker' must be a string, found an integer");
}

const char* const kMinimal = R"(schema = 1
id = "tiny"
name = "Tiny"
maker = "test"
[identity]
manufacturer_id = "00 01 25"
answers_identity = true
reply_pattern = "F0 7E ?? 06 02 00 01 25 ?? ?? F7"
confidence = "reported"
[transports]
usb = "preferred"
din = "allowed"
confidence = "modelled"
[firmware]
supported = true
message_prefixes = ["F0 00 01 25"]
min_message_bytes = 6
max_message_bytes = 300
min_messages = 1
max_messages = 10
checksum = "none"
max_file_bytes = 3000
bootloader_steps = ["Hold the button at power-on."]
confidence = "modelled"
[pacing.usb]
gap_ms = 150
chunk_bytes = 30
confidence = "confirmed"
source = "manual"
[pacing.din]
gap_ms = 150
max_bytes_per_second = 3125
settle_after_last_ms = 500
confidence = "confirmed"
[backup]
kind = "none"
reason = "No dump exists."
confidence = "modelled"
[restore]
kind = "none"
confidence = "modelled"
[[display]]
text = "ERR 2"
meaning = "Transfer error."
outcome = "error"
plan = "again"
confidence = "reported"
[[recovery]]
id = "again"
title = "Try again"
steps = ["Press recovery.", "Send again."]
phases = ["enter-bootloader", "transfer", "verify"]
confidence = "reported"
)";

TEST(ManifestLoader, MinimalManifestLoadsEveryField) {
    const auto load = parse_manifest(kMinimal, "tiny.toml");
    for (const auto& p : load.problems) {
        ADD_FAILURE() << p.to_string();
    }
    ASSERT_TRUE(load.ok());
    const Manifest& m = *load.manifest;
    EXPECT_EQ(m.id, "tiny");
    EXPECT_EQ(m.identity.manufacturer_id, (std::vector<std::uint8_t>{0x00, 0x01, 0x25}));
    ASSERT_TRUE(m.identity.reply_pattern);
    EXPECT_EQ(m.identity.reply_pattern->to_string(), "F0 7E ?? 06 02 00 01 25 ?? ?? F7");
    EXPECT_EQ(m.identity.evidence.confidence, Confidence::reported);
    EXPECT_EQ(m.transports.preferred_link(), Link::usb);
    ASSERT_NE(m.pacing.for_link(Link::usb), nullptr);
    EXPECT_EQ(m.pacing.for_link(Link::usb)->rules.gap_after_message,
              std::chrono::milliseconds(150));
    EXPECT_EQ(m.pacing.for_link(Link::usb)->rules.chunk_bytes, 30U);
    EXPECT_EQ(m.pacing.for_link(Link::usb)->evidence.source, "manual");
    EXPECT_EQ(m.pacing.for_link(Link::din)->rules.max_bytes_per_second, 3125U);
    EXPECT_EQ(m.pacing.for_link(Link::din)->rules.settle_after_last,
              std::chrono::milliseconds(500));
    EXPECT_EQ(m.firmware.max_file_bytes, 3000U);
    EXPECT_EQ(m.backup.kind, BackupKind::none);
    ASSERT_NE(m.find_display("err  2"), nullptr); // what the user types, loosely
    EXPECT_EQ(m.find_display("err  2")->plan, "again");
    EXPECT_EQ(m.plan_for_phase(Phase::verify)->id, "again");
}

TEST(ManifestLoader, DinRequiredWithUsbUnsupportedNeedsNoUsbPacing) {
    std::string text = kMinimal;
    const std::string links = "usb = \"preferred\"\ndin = \"allowed\"";
    text.replace(text.find(links), links.size(), "usb = \"unsupported\"\ndin = \"required\"");
    const auto start = text.find("[pacing.usb]");
    text.erase(start, text.find("[pacing.din]") - start);
    const auto load = parse_manifest(text, "din-only.toml");
    for (const auto& p : load.problems) {
        ADD_FAILURE() << p.to_string();
    }
    ASSERT_TRUE(load.ok());
    EXPECT_EQ(load.manifest->transports.preferred_link(), Link::din);
    EXPECT_EQ(load.manifest->pacing.for_link(Link::usb), nullptr);
}

// An acknowledged transfer (issue 15): the MIOS8 loader's ack/NAK and its error codes' meanings
// [C: midibox/mios8 doc/mios/mios_sysex_implementation.txt, via ../shared/FIRMWARE_FORMATS.md].
TEST(ManifestLoader, AckHandshakeWithNakCodesLoadsAndBadCodesAreLocated) {
    const std::string handshake = R"([pacing.handshake]
kind = "ack"
ack_pattern = "F0 00 00 7E 40 ?? 0F"
nak_pattern = "F0 00 00 7E 40 ?? 0E"
timeout_ms = 2000
confidence = "confirmed"
source = "mios_sysex_implementation.txt"
[pacing.handshake.nak_codes]
"03" = "checksum error"
"0B" = "MIDI IN overrun"
)";
    std::string text = kMinimal;
    text.insert(text.find("[backup]"), handshake);
    const auto load = parse_manifest(text, "acked.toml");
    for (const auto& p : load.problems) {
        ADD_FAILURE() << p.to_string();
    }
    ASSERT_TRUE(load.ok());
    const auto& hs = load.manifest->pacing.handshake;
    EXPECT_EQ(hs.kind, HandshakeKind::ack);
    EXPECT_EQ(hs.timeout, std::chrono::milliseconds(2000));
    ASSERT_EQ(hs.nak_codes.size(), 2u);
    EXPECT_EQ(hs.nak_codes.at(0x03), "checksum error");
    EXPECT_EQ(hs.nak_codes.at(0x0B), "MIDI IN overrun");

    // A code that is no data byte, and codes without a nak_pattern, are problems with a line.
    std::string bad = text;
    bad.replace(bad.find("\"0B\""), 4, "\"8B\"");
    const auto bad_load = parse_manifest(bad, "acked.toml");
    ASSERT_FALSE(bad_load.ok());
    ASSERT_EQ(bad_load.problems.size(), 1u);
    EXPECT_NE(bad_load.problems[0].to_string().find("acked.toml:"), std::string::npos);
    EXPECT_NE(bad_load.problems[0].text.find("'8B' is not a 7-bit data byte"), std::string::npos)
        << bad_load.problems[0].text;
    std::string no_nak = text;
    no_nak.erase(no_nak.find("nak_pattern"),
                 no_nak.find("timeout_ms") - no_nak.find("nak_pattern"));
    const auto no_nak_load = parse_manifest(no_nak, "acked.toml");
    ASSERT_FALSE(no_nak_load.ok());
    EXPECT_NE(no_nak_load.problems[0].text.find("needs a 'nak_pattern'"), std::string::npos)
        << no_nak_load.problems[0].text;
}

TEST(ManifestLoader, UnreadableAndOversizedFilesAreProblemsNotCrashes) {
    const auto missing = load_manifest_file("/nonexistent/dir/x.toml");
    ASSERT_EQ(missing.problems.size(), 1U);
    EXPECT_NE(missing.problems[0].text.find("cannot read"), std::string::npos);

    syx::test::TempDir dir;
    std::vector<unsigned char> big(kMaxManifestFileBytes + 1, '#');
    syx::test::write_file_bytes(dir / "big.toml", big);
    const auto load = load_manifest_file(dir / "big.toml");
    ASSERT_EQ(load.problems.size(), 1U);
    EXPECT_NE(load.problems[0].text.find("limited"), std::string::npos);
}

TEST(BytePattern, ParsesHexAndWildcardsAndMatches) {
    auto p = BytePattern::parse("f0 7e ?? 06 02 04 00 05 00 01 ?? ?? ?? ?? F7");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->size(), 15U);
    EXPECT_TRUE(p->has_wildcards());
    const std::vector<std::uint8_t> lp_reply{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05,
                                             0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0xF7};
    EXPECT_TRUE(p->matches_exactly(lp_reply));
    auto other = lp_reply;
    other[5] = 0x41;
    EXPECT_FALSE(p->matches_exactly(other));
    EXPECT_EQ(p->first_mismatch(other), 5U);
    EXPECT_EQ(p->first_mismatch(std::span(lp_reply).first(3)), 3U);
    EXPECT_FALSE(BytePattern::parse("F0 ?? F7", false).ok());
    EXPECT_FALSE(BytePattern::parse("F0 0").ok());
    EXPECT_FALSE(BytePattern::parse("F0 XYZ").ok());
    EXPECT_FALSE(BytePattern::parse("   ").ok());
    EXPECT_EQ(BytePattern::parse("0xF0 0x00")->to_string(), "F0 00");
}

TEST(BytePattern, OverlapConsidersWildcards) {
    auto a = BytePattern::parse("F0 7E ?? 06 02 04").value();
    auto b = BytePattern::parse("F0 7E 7F 06 02 ??").value();
    auto c = BytePattern::parse("F0 7E 7F 06 02 05").value();
    EXPECT_TRUE(a.overlaps_as_prefix(b));
    EXPECT_TRUE(b.overlaps_as_prefix(c));
    EXPECT_FALSE(a.overlaps_as_prefix(c));
}

} // namespace
