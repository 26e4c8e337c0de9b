// validate(file, manifest, link): findings located by message and byte offset, verdicts, known
// releases and the pacing plan. Messages are built from documented bytes (DEVICES.md, manuals),
// framed directly into a SysexFile so these tests do not depend on the readers; the CLI tests
// cover the readers' findings (missing F7, text files, empty files) end to end.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/catalogue.hpp"
#include "core/firmware_grammar.hpp"
#include "core/manifest_loader.hpp"
#include "core/validation.hpp"

namespace {

using namespace syx;
using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

const Manifest& device(const std::string& id) {
    return syx::test::shipped_manifest(id);
}

SysexFile file_of(const std::vector<Bytes>& messages) {
    SysexFile f;
    f.format = FileFormat::raw_syx;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        SysexMessage m;
        m.index = i;
        m.offset = f.built_storage.size();
        m.storage_begin = f.built_storage.size();
        m.length = messages[i].size();
        f.built_storage.insert(f.built_storage.end(), messages[i].begin(), messages[i].end());
        f.messages.push_back(m);
    }
    f.file_bytes = f.decoded_bytes = f.built_storage.size();
    f.sha256.fill(0xAB);
    return f;
}

Bytes message(Bytes head, std::size_t total, std::uint8_t fill = 0x11) {
    head.resize(total - 1, fill);
    head.push_back(0xF7);
    return head;
}

// Prophet-600 (GliGli) firmware in its real shape, built by the shipped manifest's grammar:
// 333-byte pages F0 00 61 16 6B <page size 02 00> <page> <256 bytes 4-in-5> <CRC-16/XMODEM in
// 7+7+2 bits> F7, highest page first, then the end marker F0 00 61 16 6B 00 00 F7 (gligli/p600fw
// fw2syx/fw2syx.py; firmware_grammar_test.cpp pins a page worked by hand).
std::vector<Bytes> prophet_firmware(std::size_t data_messages) {
    Bytes image(256 * data_messages);
    for (std::size_t i = 0; i < image.size(); ++i) {
        image[i] = static_cast<std::uint8_t>(i * 37 + 11);
    }
    return encode_firmware(*device("gligli-prophet-600").firmware.grammar, image);
}

// MIDIFly single-channel-mode message, 24 bytes, channel 3 (manual, seeds/): a settings
// message, which is NOT firmware.
Bytes midifly_settings_message() {
    return {0xF0, 0x00, 0x01, 0x25, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
            0x00, 0x00, 0x0A, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xF7};
}

// A 24-byte message shaped like MIDIFly firmware: only the prefix F0 00 01 25 is documented
// [C]; the firmware payload layout is unknown [M], so the rest is filler.
Bytes midifly_channel_message() {
    Bytes m{0xF0, 0x00, 0x01, 0x25, 0x10};
    m.resize(23, 0x3C);
    m.push_back(0xF7);
    return m;
}

std::vector<const Finding*> with_code(const ValidationReport& r, const std::string& code) {
    std::vector<const Finding*> out;
    for (const auto& f : r.findings) {
        if (f.code == code) {
            out.push_back(&f);
        }
    }
    return out;
}

TEST(Validation, ProphetFirmwareShapeIsValidButAnUnknownReleaseWarns) {
    const auto file = file_of(prophet_firmware(3));
    const auto report = validate(file, device("gligli-prophet-600"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::valid_with_warnings);
    ASSERT_EQ(with_code(report, "unknown-release").size(), 1U);
    EXPECT_EQ(with_code(report, "unknown-release")[0]->severity, Severity::warning);
    EXPECT_FALSE(report.release.has_value());
    EXPECT_EQ(count_severity(report.findings, Severity::error), 0U);
}

TEST(Validation, KnownReleaseIsRecognisedBySha256) {
    auto file = file_of(prophet_firmware(3));
    const auto& m = device("gligli-prophet-600");
    file.sha256 = m.firmware.releases.at(0).sha256;
    const auto report = validate(file, m, Link::din);
    EXPECT_EQ(report.verdict, Verdict::valid);
    ASSERT_TRUE(report.release.has_value());
    EXPECT_EQ(report.release->version, "2.0992 (2.1 RC)");
}

TEST(Validation, PacingPlanUsesDinWireTimeAndTheDocumentedGap) {
    const auto file = file_of(prophet_firmware(3)); // 3 × 333 + 8 = 1007 bytes
    const auto report = validate(file, device("gligli-prophet-600"), Link::din);
    EXPECT_EQ(report.plan.messages, 4U);
    EXPECT_EQ(report.plan.bytes, 1007U);
    ASSERT_TRUE(report.plan.din.has_value());
    EXPECT_FALSE(report.plan.usb.has_value()); // DIN-only instrument
    // 1007 bytes × 320 µs + 3 gaps × 250 ms + 1000 ms settle after the last message.
    EXPECT_EQ(report.plan.din->duration, 1007 * 320us + 3 * 250ms + 1000ms);
}

TEST(Validation, LittlePhattyBankOfferedToTheMidiflyIsRefusedAtTheManufacturerByte) {
    // LP "all presets" bank: one 17 144-byte message F0 04 05 01 03 <v> … (dagargo/phatty
    // phatty/connector.py BANK_START, RED_BANK_SIZE 17142 + F0/F7).
    const auto file = file_of({message({0xF0, 0x04, 0x05, 0x01, 0x03, 0x01}, 17144)});
    const auto report = validate(file, device("parker-midifly"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::refused);
    const auto wrong = with_code(report, "wrong-manufacturer");
    ASSERT_EQ(wrong.size(), 1U);
    EXPECT_EQ(wrong[0]->message_index, 0U);
    EXPECT_EQ(wrong[0]->offset, 1U);
    EXPECT_NE(wrong[0]->text.find("manufacturer 04"), std::string::npos) << wrong[0]->text;
    // A refused file is not "an unknown release": no warning that would suggest it passed.
    EXPECT_TRUE(with_code(report, "unknown-release").empty());
}

TEST(Validation, KStationPairDumpOfferedToTheMidiflyIsRefused) {
    // K-Station pair dump: F0 00 20 29 01 41 <SyCh> 02 <C> <Vv> <Vi> <B> <P> 256 data F7 = 270.
    const auto pair = message(
        {0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, 0x02, 0x00, 0x01, 0x00, 0x01, 0x00}, 270);
    const auto report = validate(file_of({pair, pair}), device("parker-midifly"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::refused);
    const auto wrong = with_code(report, "wrong-manufacturer");
    ASSERT_EQ(wrong.size(), 2U);
    EXPECT_EQ(wrong[1]->message_index, 1U);
    EXPECT_EQ(wrong[1]->offset, 270U + 2U); // message 1 starts at 270; byte 2 is 20, not 01
    EXPECT_NE(wrong[1]->text.find("00 20 29"), std::string::npos);
}

TEST(Validation, OneWrongManufacturerByteNamesThatMessageOnly) {
    std::vector<Bytes> messages(10, midifly_channel_message());
    messages[5][3] = 0x26; // 00 01 26 instead of 00 01 25
    const auto file = file_of(messages);
    const auto report = validate(file, device("parker-midifly"), Link::usb);
    EXPECT_EQ(report.verdict, Verdict::refused);
    ASSERT_EQ(count_severity(report.findings, Severity::error), 1U);
    const auto wrong = with_code(report, "wrong-manufacturer");
    ASSERT_EQ(wrong.size(), 1U);
    EXPECT_EQ(wrong[0]->message_index, 5U);
    EXPECT_EQ(wrong[0]->offset, 5U * 24U + 3U);
    EXPECT_NE(wrong[0]->text.find("manufacturer byte 3 of this message is 26"), std::string::npos)
        << wrong[0]->text;
}

TEST(Validation, PresetDataOfferedAsFirmwareIsRefusedAsNotFirmware) {
    // MIDIFly settings messages start F0 00 01 25 like its firmware, but are not firmware.
    const auto settings = validate(file_of({midifly_channel_message(), midifly_settings_message()}),
                                   device("parker-midifly"), Link::din);
    EXPECT_EQ(settings.verdict, Verdict::refused);
    const auto nf = with_code(settings, "not-firmware");
    ASSERT_EQ(nf.size(), 1U);
    EXPECT_EQ(nf[0]->message_index, 1U);
    EXPECT_NE(nf[0]->text.find("user-settings"), std::string::npos);

    // A Little Phatty bank offered to the Little Phatty as "firmware" would overwrite presets.
    const auto bank = validate(file_of({message({0xF0, 0x04, 0x05, 0x01, 0x03, 0x01}, 17144)}),
                               device("moog-little-phatty"), Link::usb);
    EXPECT_EQ(bank.verdict, Verdict::refused);
    ASSERT_EQ(with_code(bank, "not-firmware").size(), 1U);
    EXPECT_NE(with_code(bank, "not-firmware")[0]->text.find("preset bank"), std::string::npos);
    // …while a message of unknown LP layout is only checked structurally (modelled rules).
    const auto other = validate(file_of({message({0xF0, 0x04, 0x05, 0x10}, 40000)}),
                                device("moog-little-phatty"), Link::usb);
    EXPECT_EQ(other.verdict, Verdict::valid_with_warnings);
    EXPECT_EQ(with_code(other, "modelled-rules").size(), 1U);
}

TEST(Validation, MidiflyFirmwareCarriesTheModelledRulesNotice) {
    // MIDIFly manual, SYSEX Specification (seeds/002): only the preamble F0 00 01 25 and "a
    // series of Sysex messages" are documented, so any other message with that prefix passes the
    // structural checks, and the report must say it cannot tell firmware from other data.
    const auto report = validate(file_of({midifly_channel_message(), midifly_channel_message()}),
                                 device("parker-midifly"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::valid_with_warnings);
    const auto notice = with_code(report, "modelled-rules");
    ASSERT_EQ(notice.size(), 1U);
    EXPECT_NE(notice[0]->text.find("cannot tell a MIDIFly firmware file from other MIDIFly data"),
              std::string::npos)
        << notice[0]->text;
    // A refused file is judged too, and says so as well.
    const auto refused = validate(file_of({midifly_channel_message(), midifly_settings_message()}),
                                  device("parker-midifly"), Link::din);
    EXPECT_EQ(with_code(refused, "modelled-rules").size(), 1U);
}

TEST(Validation, LittlePhattyFirmwareCheckRejectsAnotherMoogInstrumentsDump) {
    // christofmuc/KnobKraft-orm adaptations/Moog_Voyager.py: MOOG_ID 04, VOYAGER 01,
    // ALL_PRESETS_DUMP 01 -> F0 04 01 <dev> 01 … F7. Not Little Phatty firmware.
    const auto voyager = validate(file_of({message({0xF0, 0x04, 0x01, 0x00, 0x01}, 18734)}),
                                  device("moog-little-phatty"), Link::usb);
    EXPECT_EQ(voyager.verdict, Verdict::refused);
    // Moog 04 of another model (not 05, the LP byte in dagargo/phatty phatty/connector.py's
    // BANK_START/BULK_START/REQUEST_*) is not LP firmware either.
    const auto other_model = validate(file_of({message({0xF0, 0x04, 0x07, 0x10}, 4000)}),
                                      device("moog-little-phatty"), Link::usb);
    EXPECT_EQ(other_model.verdict, Verdict::refused);
    EXPECT_EQ(with_code(other_model, "modelled-rules").size(), 1U);
}

TEST(Validation, ElektronPatternDumpIsNotAcceptedAsOctatrackFirmwareWithoutANotice) {
    // dagargo/elektroid test/res/connectors/elektron_pattern_86_bpm.syx: one 31 613-byte
    // Elektron pattern dump F0 00 20 3C 0A 00 50 … (another Elektron machine). Only the Elektron
    // manufacturer bytes are known for Octatrack OS files, so the verdict must carry the notice.
    SYX_REQUIRE_FIXTURE(path, "elektron_pattern_86_bpm.syx");
    const auto file = read_sysex_file(path);
    ASSERT_TRUE(file.ok());
    const auto report = validate(*file, device("elektron-octatrack"), Link::din);
    EXPECT_NE(report.verdict, Verdict::valid); // never a plain "valid"
    const auto notice = with_code(report, "modelled-rules");
    ASSERT_EQ(notice.size(), 1U);
    EXPECT_NE(notice[0]->text.find("cannot tell an Octatrack OS file from other Elektron"),
              std::string::npos)
        << notice[0]->text;
}

TEST(Validation, DataByteAbove7FIsRefusedAndLocated) {
    std::vector<Bytes> messages(3, midifly_channel_message());
    messages[2][10] = 0x81;
    const auto report = validate(file_of(messages), device("parker-midifly"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::refused);
    const auto bad = with_code(report, "data-byte-not-7bit");
    ASSERT_EQ(bad.size(), 1U);
    EXPECT_EQ(bad[0]->message_index, 2U);
    EXPECT_EQ(bad[0]->offset, 2U * 24U + 10U);
}

TEST(Validation, EmptyAndOversizedFilesAreRefused) {
    const auto empty = validate(file_of({}), device("parker-midifly"), Link::din);
    EXPECT_EQ(empty.verdict, Verdict::refused);
    EXPECT_EQ(with_code(empty, "empty-file").size(), 1U);

    auto big = file_of(prophet_firmware(3));
    big.file_bytes = device("gligli-prophet-600").firmware.max_file_bytes + 1;
    const auto report = validate(big, device("gligli-prophet-600"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::refused);
    ASSERT_EQ(with_code(report, "file-too-large").size(), 1U);
}

TEST(Validation, ReaderErrorsRefuseTheFileAndComeFirst) {
    auto file = file_of(prophet_firmware(3));
    file.findings.push_back(Finding{Severity::error, "missing-f7", 3, 1007, "no F7"});
    const auto report = validate(file, device("gligli-prophet-600"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::refused);
    ASSERT_FALSE(report.findings.empty());
    EXPECT_EQ(report.findings[0].code, "missing-f7");
}

TEST(Validation, ProphetFileWithoutItsEndMarkerIsRefused) {
    auto messages = prophet_firmware(3);
    messages.pop_back();
    const auto report = validate(file_of(messages), device("gligli-prophet-600"), Link::din);
    EXPECT_EQ(report.verdict, Verdict::refused);
    const auto wrong = with_code(report, "wrong-final-message");
    ASSERT_EQ(wrong.size(), 1U);
    EXPECT_EQ(wrong[0]->message_index, 2U);
}

TEST(Validation, WrongSizesAndCountsAreRefused) {
    auto messages = prophet_firmware(3);
    messages[1] = message({0xF0, 0x00, 0x61, 0x16, 0x6B, 0x02}, 400);
    const auto report = validate(file_of(messages), device("gligli-prophet-600"), Link::din);
    const auto wrong = with_code(report, "message-too-long");
    ASSERT_EQ(wrong.size(), 1U);
    EXPECT_EQ(wrong[0]->message_index, 1U);

    const auto only_marker = validate(file_of({{0xF0, 0x00, 0x61, 0x16, 0x6B, 0x00, 0x00, 0xF7}}),
                                      device("gligli-prophet-600"), Link::din);
    EXPECT_EQ(with_code(only_marker, "too-few-messages").size(), 1U);
}

TEST(Validation, ManyBadMessagesAreSummarisedNotDropped) {
    std::vector<Bytes> messages(120, message({0xF0, 0x41, 0x10}, 50));
    const auto report = validate(file_of(messages), device("parker-midifly"), Link::din);
    const auto wrong = with_code(report, "wrong-manufacturer");
    ASSERT_EQ(wrong.size(), kMaxFindingsPerCode + 1);
    EXPECT_NE(wrong.back()->text.find("70 more"), std::string::npos) << wrong.back()->text;
}

TEST(Validation, OctatrackRefusesUsbAndSysexRestoreWithTheCfCardInstruction) {
    std::vector<Bytes> fw(3, message({0xF0, 0x00, 0x20, 0x3C, 0x01}, 100));
    const auto usb = validate(file_of(fw), device("elektron-octatrack"), Link::usb);
    EXPECT_EQ(usb.verdict, Verdict::refused);
    ASSERT_EQ(with_code(usb, "link-unsupported").size(), 1U);
    EXPECT_NE(with_code(usb, "link-unsupported")[0]->text.find("--link din"), std::string::npos);
    EXPECT_NE(validate(file_of(fw), device("elektron-octatrack"), Link::din).verdict,
              Verdict::refused);

    const auto restore =
        validate(file_of(fw), device("elektron-octatrack"), Link::din, ValidationPurpose::restore);
    EXPECT_EQ(restore.verdict, Verdict::refused);
    const auto refused = with_code(restore, "restore-refused");
    ASSERT_EQ(refused.size(), 1U);
    EXPECT_NE(refused[0]->text.find("CF card"), std::string::npos);
}

TEST(Validation, KStationRestoreWarnsAboutControlByteZeroAndChecksSizes) {
    // Single-bank dump from the front panel: C = 0 (byte 8), bank B = 2 (byte 11).
    const auto pair = message(
        {0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00}, 270);
    const auto& ks = device("novation-k-station");
    const auto ok = validate(file_of({pair}), ks, Link::din, ValidationPurpose::restore);
    EXPECT_EQ(ok.verdict, Verdict::valid_with_warnings);
    const auto rewrite = with_code(ok, "restore-rewrite");
    ASSERT_EQ(rewrite.size(), 1U);
    EXPECT_EQ(rewrite[0]->offset, 8U);

    const auto firmware = validate(file_of({pair}), ks, Link::din);
    EXPECT_EQ(firmware.verdict, Verdict::refused);
    EXPECT_EQ(with_code(firmware, "firmware-unsupported").size(), 1U);

    auto short_pair = pair;
    short_pair.erase(short_pair.begin() + 100, short_pair.begin() + 110);
    const auto truncated =
        validate(file_of({short_pair}), ks, Link::din, ValidationPurpose::restore);
    EXPECT_EQ(truncated.verdict, Verdict::refused);
    EXPECT_EQ(with_code(truncated, "unexpected-message-size").size(), 1U);
}

TEST(EstimateTransferTime, DinIsWireTimePlusGaps) {
    const std::vector<std::uint64_t> lengths(10, 100);
    PacingRules rules;
    rules.gap_after_message = 150ms;
    // 1000 bytes × 320 µs + 9 gaps × 150 ms.
    EXPECT_EQ(estimate_transfer_time(lengths, rules, Link::din), 320ms + 1350ms);
    // A lower DIN rate than the wire is honoured.
    rules.max_bytes_per_second = 1000;
    EXPECT_EQ(estimate_transfer_time(lengths, rules, Link::din), 1000ms + 1350ms);
}

TEST(EstimateTransferTime, UsbWithoutRateCountsOnlyGapsAndSettling) {
    const std::vector<std::uint64_t> lengths{500, 500};
    PacingRules rules;
    rules.gap_after_message = 100ms;
    rules.settle_before_first = 20ms;
    rules.settle_after_last = 30ms;
    EXPECT_EQ(estimate_transfer_time(lengths, rules, Link::usb), 150ms);
    rules.max_bytes_per_second = 2000;
    EXPECT_EQ(estimate_transfer_time(lengths, rules, Link::usb), 650ms);
    EXPECT_EQ(estimate_transfer_time({}, rules, Link::usb), 0us);
}

TEST(FormatDuration, ReadsLikeAPerson) {
    EXPECT_EQ(format_duration(850ms), "850 ms");
    EXPECT_EQ(format_duration(2500ms), "2.5 s");
    EXPECT_EQ(format_duration(66s), "1 min 06 s");
    EXPECT_EQ(format_duration(std::chrono::hours(2) + std::chrono::minutes(3)), "2 h 03 min");
}

} // namespace

namespace {

// A generic-style manifest declaring a 7-bit two's-complement checksum over bytes 6… (Yamaha
// bulk layout: F0 43 0n <format> <count MSB> <count LSB> <data> <cs> F7, cs = −sum & 7F).
Manifest checksum_manifest() {
    std::ifstream in(syx::test::source_dir() / "firmware-manifests" / "generic.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const std::string from = "checksum = \"unknown\"";
    s.replace(s.find(from), from.size(), "checksum = \"twos-complement-7bit\"\nchecksum_from = 6");
    auto load = parse_manifest(s, "generic-checksum.toml");
    EXPECT_TRUE(load.ok());
    return *load.manifest;
}

TEST(Validation, DeclaredChecksumIsVerifiedPerMessage) {
    const auto m = checksum_manifest();
    // data 01 02 03 04: sum 10, checksum (128 − 10) & 7F = 76.
    const Bytes good{0xF0, 0x43, 0x00, 0x09, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04, 0x76, 0xF7};
    Bytes bad = good;
    bad[8] = 0x05; // one data byte changed in transit
    const auto report = validate(file_of({good, bad}), m, Link::din);
    EXPECT_EQ(report.verdict, Verdict::refused);
    const auto wrong = with_code(report, "checksum-mismatch");
    ASSERT_EQ(wrong.size(), 1U);
    EXPECT_EQ(wrong[0]->message_index, 1U);
    EXPECT_EQ(wrong[0]->offset, 12U + 10U);
    EXPECT_EQ(validate(file_of({good}), m, Link::din).verdict, Verdict::valid_with_warnings);
}

} // namespace
