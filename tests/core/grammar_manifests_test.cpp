// The shipped manifests with a [firmware.grammar] (issue 15's devices), each exercised through
// validate() with files built by the grammar's own encoder (encode_firmware) from the documented
// encodings: a well-formed file validates; one changed payload byte is refused at the damaged
// message (per-message checksums) or at the image check (whole-image CRC); a reordered or
// truncated file is refused; messages of the same maker that are not firmware are refused.
// The hand-worked encodings these rest on are pinned in firmware_grammar_test.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/catalogue.hpp"
#include "core/firmware_grammar.hpp"
#include "core/hash.hpp"
#include "core/session_validation.hpp"
#include "core/sysex_file.hpp"
#include "core/validation.hpp"

namespace {

using namespace syx;
using Bytes = std::vector<std::uint8_t>;

const Manifest& device(const std::string& id) {
    return syx::test::shipped_manifest(id);
}

SysexFile file_of(const std::vector<Bytes>& messages) {
    Bytes all;
    for (const auto& m : messages) {
        all.insert(all.end(), m.begin(), m.end());
    }
    return read_sysex_bytes(all);
}

ValidationReport check(const std::string& id, const std::vector<Bytes>& messages) {
    const auto& m = device(id);
    return validate(file_of(messages), m, m.transports.preferred_link());
}

bool has_code(const ValidationReport& r, const std::string& code) {
    return std::any_of(r.findings.begin(), r.findings.end(),
                       [&](const Finding& f) { return f.code == code; });
}

std::string all_text(const ValidationReport& r) {
    std::string s;
    for (const auto& f : r.findings) {
        s += f.code + ": " + f.text + "\n";
    }
    return s;
}

// A deterministic image whose bytes use all 8 bits (so high bits travel).
Bytes image_of(std::size_t size, unsigned seed) {
    Bytes image(size);
    for (std::size_t i = 0; i < size; ++i) {
        image[i] = static_cast<std::uint8_t>(i * 197 + seed * 31 + (i >> 3));
    }
    return image;
}

struct DeviceCase {
    std::string id;
    std::size_t image_bytes;    // not a whole number of blocks: the last one is padded
    bool per_message_checksum;  // else whole-image CRC (or none)
    bool image_crc;             // a whole-image CRC against a header
    std::string summary_starts; // the decoded summary in words
};

std::vector<Bytes> firmware_for(const DeviceCase& c) {
    const auto& g = *device(c.id).firmware.grammar;
    return encode_firmware(g, image_of(c.image_bytes, 5), 123);
}

const std::vector<DeviceCase>& cases() {
    static const std::vector<DeviceCase> all{
        {"mutable-shruthi-1", 3 * 256 + 17, true, false,
         "Shruthi-1 firmware, 4 pages of 256 bytes"},
        {"mutable-midipal", 3 * 128 + 5, true, false, "MIDIpal firmware, 4 pages of 128 bytes"},
        {"mutable-ambika", 2 * 256 + 1, true, false, "Ambika firmware, 3 pages of 256 bytes"},
        {"mutable-anushri", 2 * 128 + 9, true, false, "Anushri firmware, 3 pages of 128 bytes"},
        {"mutable-yarns", 1024 + 100, true, false, "Yarns firmware, 2 pages of 1024 bytes"},
        {"gligli-prophet-600", 3 * 256, true, false, "Prophet-600 GliGli firmware, 3 pages"},
        {"midibox-mios8", 2 * 1024 + 64, true, false, "MIOS8 code upload, 3 blocks"},
        {"novation-launchpad-pro", 5 * 32 + 3, false, false, "Launchpad Pro firmware, 6 blocks"},
        {"novation-launchpad-mk2", 4 * 32, false, false, "Launchpad MK2 firmware, 4 blocks"},
        // Whole blocks: bytes past the header's image size are padding, outside the image CRC.
        {"novation-launchpad-x", 6 * 32, false, true, "Launchpad X firmware, 6 blocks"},
        {"novation-launchpad-mini-mk3", 4 * 32, false, true,
         "Launchpad Mini MK3 firmware, 4 blocks"},
        {"novation-launchpad-pro-mk3", 5 * 32, false, true, "Launchpad Pro MK3 firmware, 5 blocks"},
        // One message of Intel HEX records: a damaged record is found in message 0.
        {"lpzw-tram8", 3 * 64 + 10, true, false, "TRAM8 firmware, 1 message"},
    };
    return all;
}

void PrintTo(const DeviceCase& c, std::ostream* os) {
    *os << c.id;
}

class GrammarManifest : public ::testing::TestWithParam<DeviceCase> {};

TEST_P(GrammarManifest, WellFormedFileValidatesAndSaysWhatItFound) {
    const auto& c = GetParam();
    const auto fw = firmware_for(c);
    ASSERT_GE(fw.size(), 1U);
    const auto r = check(c.id, fw);
    EXPECT_FALSE(r.refused()) << all_text(r);
    EXPECT_TRUE(has_code(r, "firmware-decoded")) << all_text(r);
    EXPECT_TRUE(has_code(r, "unknown-release")) << all_text(r);
    EXPECT_EQ(r.firmware_summary.rfind(c.summary_starts, 0), 0U) << r.firmware_summary;
}

// Wire offset of the first payload byte of message `m` (after its header and fields).
std::size_t payload_start(const FirmwareGrammar& g, std::span<const std::uint8_t> m) {
    for (const auto& t : g.messages) {
        std::vector<GrammarFinding> ignored;
        if (t.image_data && decode_message(t, m, 0, ignored) && ignored.empty()) {
            return t.fixed_bytes();
        }
    }
    return 0;
}

TEST_P(GrammarManifest, OneChangedPayloadByteIsRefusedWhereTheFormatCanTell) {
    const auto& c = GetParam();
    const auto& g = *device(c.id).firmware.grammar;
    const auto fw = firmware_for(c);
    std::size_t damaged = 0;
    for (std::size_t k = 0; k < fw.size(); ++k) {
        const std::size_t start = payload_start(g, fw[k]);
        if (start == 0) {
            continue; // not a data message
        }
        // A sample of positions across the payload (first, middle, last full wire byte: the
        // bit-stream's last byte carries padding bits, which are not data).
        const std::size_t wire = fw[k].size() - start - 1;
        for (std::size_t at : {start, start + wire / 2, start + wire - 3}) {
            auto bad = fw;
            bad[k][at] ^= 0x01; // stays a 7-bit byte (and a nibble stays 00-0F)
            const auto r = check(c.id, bad);
            ++damaged;
            if (c.per_message_checksum) {
                ASSERT_TRUE(r.refused()) << c.id << " message " << k << " byte " << at;
                const auto at_message =
                    std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) {
                        return f.severity == Severity::error && f.message_index == k;
                    });
                EXPECT_TRUE(at_message) << all_text(r);
            } else if (c.image_crc) {
                ASSERT_TRUE(r.refused()) << c.id << " message " << k << " byte " << at;
                EXPECT_TRUE(has_code(r, "firmware-image-crc-mismatch")) << all_text(r);
            } else {
                // Launchpad Pro / MK2: the format carries no check at all [R]; the file passes
                // the checks, is not a known release, and the summary says so.
                EXPECT_FALSE(r.refused()) << all_text(r);
                EXPECT_TRUE(has_code(r, "unknown-release"));
                EXPECT_NE(r.firmware_summary.find("no block checksum"), std::string::npos)
                    << r.firmware_summary;
                EXPECT_TRUE(has_code(r, "firmware-no-checksum")) << all_text(r);
                EXPECT_NE(all_text(r).find(std::string(kNoChecksumText).substr(1)),
                          std::string::npos)
                    << all_text(r);
            }
        }
    }
    EXPECT_GT(damaged, 0U);
}

TEST_P(GrammarManifest, ReorderedAndTruncatedFilesAreRefused) {
    const auto& c = GetParam();
    const auto fw = firmware_for(c);
    if (fw.size() == 1) {
        // TRAM8: one message; what can go wrong is inside it (cut short, records missing).
        auto cut = fw;
        cut[0].erase(cut[0].end() - 12, cut[0].end() - 1); // loses the end-of-file record
        EXPECT_TRUE(check(c.id, cut).refused()) << all_text(check(c.id, cut));
        auto doubled = fw;
        doubled.push_back(fw[0]);
        EXPECT_TRUE(check(c.id, doubled).refused()) << all_text(check(c.id, doubled));
        return;
    }
    // The last message moved to the front.
    auto reordered = fw;
    std::rotate(reordered.rbegin(), reordered.rbegin() + 1, reordered.rend());
    EXPECT_TRUE(check(c.id, reordered).refused()) << all_text(check(c.id, reordered));
    // The first two messages swapped.
    auto swapped = fw;
    std::swap(swapped[0], swapped[1]);
    if (c.id != "midibox-mios8" && c.id.rfind("mutable-", 0) == 0) {
        // Mutable pages carry no page number: two data pages swapped cannot be told apart
        // (the loader writes them in arrival order) — only the end message's place can.
    } else {
        EXPECT_TRUE(check(c.id, swapped).refused()) << all_text(check(c.id, swapped));
    }
    // The last message dropped (MIOS8 has no end message: its last block is a valid file on
    // its own, so the truncation there is one cut inside a block).
    auto truncated = fw;
    if (c.id == "midibox-mios8") {
        truncated.back().erase(truncated.back().begin() + 40, truncated.back().end() - 1);
    } else {
        truncated.pop_back();
    }
    EXPECT_TRUE(check(c.id, truncated).refused()) << all_text(check(c.id, truncated));
    // A message cut short at its end.
    auto cut = fw;
    cut[1].erase(cut[1].end() - 6, cut[1].end() - 1);
    EXPECT_TRUE(check(c.id, cut).refused()) << all_text(check(c.id, cut));
}

INSTANTIATE_TEST_SUITE_P(Shipped, GrammarManifest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<DeviceCase>& param_info) {
                             std::string n = param_info.param.id;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

// Messages of the same maker that are not firmware: refused as not firmware.
TEST(GrammarManifestLookAlikes, SameMakersOtherDataIsNotFirmware) {
    // Mutable Instruments: the bootloader prefix with another command than 7E/7F (patch or
    // sequence data; pichenettes/shruthi-1 bootloader/bootloader.cc only writes for 7E 00).
    Bytes patch{0xF0, 0x00, 0x21, 0x02, 0x00, 0x02, 0x01, 0x00};
    for (int i = 0; i < 2 * 93; ++i) {
        patch.push_back(static_cast<std::uint8_t>(i & 0x0F));
    }
    patch.push_back(0xF7);
    auto r = check("mutable-shruthi-1", {patch, patch});
    EXPECT_TRUE(r.refused());
    EXPECT_TRUE(has_code(r, "firmware-not-firmware")) << all_text(r);

    // MIDIbox: a MIDIbox SID bank (device byte 4B, not the MIOS8 core 40).
    Bytes sid{0xF0, 0x00, 0x00, 0x7E, 0x4B, 0x00, 0x02, 0x00, 0x00};
    sid.resize(200, 0x11);
    sid.push_back(0xF7);
    r = check("midibox-mios8", {sid});
    EXPECT_TRUE(r.refused()) << all_text(r);

    // Prophet-600: a patch dump F0 00 61 16 01 … (gligli/p600fw sysex_patch.tex).
    Bytes p600_patch{0xF0, 0x00, 0x61, 0x16, 0x01, 0x00, 0x00, 0x61, 0x16, 0x25};
    p600_patch.resize(40, 0x08);
    p600_patch.push_back(0xF7);
    r = check("gligli-prophet-600", {p600_patch, p600_patch});
    EXPECT_TRUE(r.refused()) << all_text(r);

    // Launchpad: a Launchpad MK2 file offered to the Launchpad Pro (another product's init).
    const auto mk2 =
        encode_firmware(*device("novation-launchpad-mk2").firmware.grammar, image_of(96, 1), 171);
    r = check("novation-launchpad-pro", mk2);
    EXPECT_TRUE(r.refused());
    EXPECT_TRUE(has_code(r, "firmware-not-firmware")) << all_text(r);
}

// Every Mutable Instruments and Novation Launchpad manifest refuses a well-formed firmware file of
// a sibling product of the same maker (same prefix, another product byte in every message, or
// another product in the init message).
TEST(GrammarManifestLookAlikes, ASiblingProductsFirmwareIsRefusedByEachDevice) {
    const std::vector<std::pair<std::string, std::string>> pairs{
        {"mutable-shruthi-1", "mutable-midipal"},
        {"mutable-midipal", "mutable-anushri"},  // both 128-byte pages
        {"mutable-ambika", "mutable-shruthi-1"}, // both 256-byte pages
        {"mutable-anushri", "mutable-midipal"},
        {"mutable-yarns", "mutable-ambika"},
        {"novation-launchpad-pro", "novation-launchpad-mk2"},
        {"novation-launchpad-mk2", "novation-launchpad-pro"},
        {"novation-launchpad-x", "novation-launchpad-mini-mk3"},
        {"novation-launchpad-mini-mk3", "novation-launchpad-pro-mk3"},
        {"novation-launchpad-pro-mk3", "novation-launchpad-x"},
    };
    for (const auto& [id, sibling] : pairs) {
        const auto fw =
            encode_firmware(*device(sibling).firmware.grammar, image_of(3 * 128 + 64, 3), 123);
        const auto own = validate(file_of(fw), device(sibling), Link::usb);
        ASSERT_FALSE(has_code(own, "firmware-not-firmware")) << sibling << "\n" << all_text(own);
        const auto r = check(id, fw);
        EXPECT_TRUE(r.refused()) << id << " took " << sibling << "'s firmware\n" << all_text(r);
    }
    // TRAM8: the maker's prefix with something else than the "T8FW" firmware (a message of
    // another kind from the same maker ID) is refused.
    Bytes other{0xF0, 0x00, 0x29, 0x7F, 0x54, 0x38, 0x43, 0x46, 0x00, 0x01, 0x02, 0xF7};
    EXPECT_TRUE(check("lpzw-tram8", {other}).refused()) << all_text(check("lpzw-tram8", {other}));
}

TEST(GrammarManifestLookAlikes, ShruthiPatchDataFixtureIsNotFirmware) {
    SYX_REQUIRE_FIXTURE(path, "mutable_shruthi1_factory_data.syx");
    const auto bytes = syx::test::read_file_bytes(path);
    const auto& m = device("mutable-shruthi-1");
    const auto r = validate(read_sysex_bytes(bytes), m, Link::din);
    EXPECT_TRUE(r.refused()) << all_text(r);
}

TEST(GrammarManifestFacts, DocumentedNumbersArePinned) {
    // Message sizes from the documented page sizes: 523 / 267 / 2059 bytes [C:
    // pichenettes/shruthi-1, midipal, eurorack yarns bootloaders].
    EXPECT_EQ(firmware_for(cases()[0]).front().size(), 523U);
    EXPECT_EQ(firmware_for(cases()[1]).front().size(), 267U);
    EXPECT_EQ(firmware_for(cases()[4]).front().size(), 2059U);
    // The end message is 9 bytes.
    EXPECT_EQ(firmware_for(cases()[0]).back().size(), 9U);
    // Prophet-600 pages: 333 bytes, end marker 8 [C: gligli/p600fw fw2syx.py].
    EXPECT_EQ(firmware_for(cases()[5]).front().size(), 333U);
    EXPECT_EQ(firmware_for(cases()[5]).back().size(), 8U);
    // Launchpad: init 15, block 44, footer 24 [R: mat1jaczyyy/LP-Firmware-Utility bintosyx.cpp].
    const auto lp = firmware_for(cases()[7]);
    EXPECT_EQ(lp.front().size(), 15U);
    EXPECT_EQ(lp[1].size(), 44U);
    EXPECT_EQ(lp.back().size(), 24U);
    EXPECT_EQ(lp[lp.size() - 2][5], 0x73); // block 0 last, as 73
    // MIOS8: a 1024-byte block is 11 + 1171 + 2 bytes (header and fields, dump, checksum and F7)
    // (1024 × 8 / 7 rounded up).
    EXPECT_EQ(firmware_for(cases()[6]).front().size(), 11U + 1171U + 2U);
    // Launchpad X header: 7C, image size and CRC as 8 nibbles each.
    const auto x = firmware_for(cases()[9]);
    EXPECT_EQ(x[1][5], 0x7C);
    EXPECT_EQ(x[1].size(), 6U + 4U + 3U + 8U + 8U + 1U);
}

} // namespace

namespace {

TEST(GrammarManifestWording, KnownReleaseIsNamedInTheDecodedSummary) {
    const auto& m = device("mutable-shruthi-1");
    auto file = file_of(firmware_for(cases()[0]));
    file.sha256 = m.firmware.releases.at(0).sha256; // as if it were the distributed 1.02 file
    const auto r = validate(file, m, Link::din);
    EXPECT_EQ(r.verdict, Verdict::valid) << all_text(r);
    EXPECT_EQ(
        r.firmware_summary,
        "Shruthi-1 firmware, 4 pages of 256 bytes, every page checksum correct, image 1024 bytes, "
        "ends with the reboot message; known release 1.02 (.syx)");
    bool said = false;
    for (const auto& f : r.findings) {
        said = said || (f.code == "firmware-decoded" && f.text == r.firmware_summary + ".");
    }
    EXPECT_TRUE(said) << all_text(r);
}

TEST(GrammarManifestNoChecksum,
     OneChangedByteMakesALaunchpadFileAnUnknownReleaseNeedingTheTypedPhrase) {
    // Launchpad Pro and MK2 files carry no checksum the bootloader checks: the maker's tool
    // writes a zero footer, "device doesn't respect the checksum" [R: dvhdr/launchpad-pro
    // tools/hextosyx.cpp write_checksum()], and mat1jaczyyy/LP-Firmware-Utility
    // tools/syxtobin/syxtobin.cpp skips the footer value (it checks the CRC for the X family
    // only). So one changed byte can only be caught by the known release's SHA-256.
    for (const std::string id : {"novation-launchpad-pro", "novation-launchpad-mk2"}) {
        Manifest m = device(id);
        const auto fw = encode_firmware(*m.firmware.grammar, image_of(4 * 32 + 7, 9), 182);
        Bytes all;
        for (const auto& msg : fw) {
            all.insert(all.end(), msg.begin(), msg.end());
        }
        FirmwareRelease test_release;
        test_release.version = "test-1";
        test_release.sha256 = sha256(all);
        m.firmware.releases.push_back(test_release);

        const auto known = file_of(fw);
        ASSERT_EQ(known.sha256, test_release.sha256);
        const auto ok = validate(known, m, Link::usb);
        EXPECT_EQ(ok.verdict, Verdict::valid) << id << "\n" << all_text(ok);
        EXPECT_TRUE(has_code(ok, "firmware-no-checksum")) << all_text(ok);
        EXPECT_NE(all_text(ok).find("known release test-1: it is intact"), std::string::npos)
            << all_text(ok);

        auto bad = fw;
        bad[1][10] ^= 0x01; // one payload byte of the second block
        const auto changed = validate(file_of(bad), m, Link::usb);
        EXPECT_EQ(changed.verdict, Verdict::valid_with_warnings) << id << "\n" << all_text(changed);
        EXPECT_FALSE(changed.release.has_value());
        EXPECT_TRUE(has_code(changed, "unknown-release")) << all_text(changed);
        const auto it =
            std::find_if(changed.findings.begin(), changed.findings.end(),
                         [](const Finding& f) { return f.code == "firmware-no-checksum"; });
        ASSERT_NE(it, changed.findings.end()) << all_text(changed);
        EXPECT_EQ(it->severity, Severity::warning);
        EXPECT_NE(it->text.find("his format carries no checksum; only a known release's SHA-256 "
                                "can show the file is intact"),
                  std::string::npos)
            << it->text;
        // What the update session's gate reads: an unknown release, so sending it needs
        // --allow-unknown-release or the typed phrase (UnknownReleasePolicy,
        // kUnknownReleasePhrase).
        const auto gate = session::check_file(file_of(bad), m, Link::usb, false);
        EXPECT_FALSE(gate.refused);
        EXPECT_TRUE(gate.unknown_release);
        EXPECT_FALSE(session::check_file(known, m, Link::usb, false).unknown_release);
    }
}

} // namespace
