// syxflash-cli validate --device ID FILE [--link usb|din] [--json]. Test files are written to a
// temp dir from documented bytes (DEVICES.md, the MIDIFly and K-Station manuals), never from our
// own output; the real GliGli Prophet-600 release comes from ../shared/fixtures when present.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_env.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/firmware_grammar.hpp"
#include "core/manifest_loader.hpp"

namespace {

using Bytes = std::vector<unsigned char>;
using syx::test::TempDir;

Bytes message(Bytes head, std::size_t total, unsigned char fill = 0x11) {
    head.resize(total - 1, fill);
    head.push_back(0xF7);
    return head;
}

Bytes concat(const std::vector<Bytes>& messages) {
    Bytes out;
    for (const auto& m : messages) {
        out.insert(out.end(), m.begin(), m.end());
    }
    return out;
}

// 24 bytes shaped like MIDIFly firmware: only the prefix F0 00 01 25 is documented [C], the
// payload layout is unknown [M] (so it is filler, and deliberately not one of the manual's
// user-settings messages, which validation refuses as "not firmware").
Bytes midifly_message() {
    Bytes m{0xF0, 0x00, 0x01, 0x25, 0x10};
    m.resize(23, 0x3C);
    m.push_back(0xF7);
    return m;
}

// Prophet-600 GliGli firmware in its real shape, built by the shipped manifest's grammar: n
// 333-byte pages F0 00 61 16 6B … with their CRC-16/XMODEM, highest first, plus the documented
// end marker (gligli/p600fw fw2syx/fw2syx.py).
Bytes prophet_shaped(std::size_t n) {
    const auto load = syx::load_manifest_file(syx::test::source_dir() / "firmware-manifests" /
                                              "gligli-prophet-600.toml");
    Bytes image(256 * n);
    for (std::size_t i = 0; i < image.size(); ++i) {
        image[i] = static_cast<unsigned char>(i * 7 + 0x2A);
    }
    return concat(syx::encode_firmware(*load.manifest->firmware.grammar, image));
}

struct CliRun {
    syx::test::ProcessResult result;
    nlohmann::json doc;
};

class ValidateCommand : public ::testing::Test {
protected:
    TempDir m_tmp;

    std::string write(const std::string& name, const Bytes& bytes) {
        const auto path = m_tmp / name;
        syx::test::write_file_bytes(path, bytes);
        return path.string();
    }
    syx::test::ProcessResult run(std::vector<std::string> args) {
        args.insert(args.begin(), "validate");
        return syx::test::run_cli_env({"XDG_CONFIG_HOME=" + m_tmp.path().string()}, args);
    }
    CliRun run_json(std::vector<std::string> args) {
        args.push_back("--json");
        CliRun r{run(args), {}};
        r.doc = nlohmann::json::parse(r.result.out, nullptr, false);
        EXPECT_FALSE(r.doc.is_discarded()) << r.result.out << r.result.err;
        return r;
    }
};

std::vector<nlohmann::json> findings_with(const nlohmann::json& doc, const std::string& code) {
    std::vector<nlohmann::json> out;
    for (const auto& f : doc["findings"]) {
        if (f["code"] == code) {
            out.push_back(f);
        }
    }
    return out;
}

std::vector<nlohmann::json> errors(const nlohmann::json& doc) {
    std::vector<nlohmann::json> out;
    for (const auto& f : doc["findings"]) {
        if (f["severity"] == "error") {
            out.push_back(f);
        }
    }
    return out;
}

TEST_F(ValidateCommand, RealProphet600ReleaseIsValidAndKnown) {
    SYX_REQUIRE_FIXTURE(path, "gligli_prophet600_firmware_2_0992.syx");
    const auto text = run({"--device", "gligli-prophet-600", path.string()});
    EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
    EXPECT_NE(text.out.find("2.0992 (2.1 RC) (known release)"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("VALID"), std::string::npos);

    const auto r = run_json({"--device", "gligli-prophet-600", path.string()});
    EXPECT_EQ(r.result.exit_code, 0);
    EXPECT_EQ(r.doc["verdict"], "valid");
    EXPECT_EQ(r.doc["known_release"], true);
    EXPECT_EQ(r.doc["release"]["version"], "2.0992 (2.1 RC)");
    EXPECT_EQ(r.doc["plan"]["messages"], 184);
    EXPECT_EQ(r.doc["plan"]["bytes"], 60947);
    EXPECT_EQ(r.doc["link"], "din");
    // 60 947 × 320 µs + 183 × 250 ms + 1 s settle ≈ 66.25 s.
    EXPECT_NEAR(r.doc["plan"]["din"]["estimated_seconds"].get<double>(), 19.503 + 45.75 + 1.0,
                0.01);
    EXPECT_TRUE(r.doc["plan"]["usb"].is_null());
}

TEST_F(ValidateCommand, UnknownReleaseIsAWarningNotARefusal) {
    const auto file = write("p600-custom.syx", prophet_shaped(5));
    const auto r = run_json({"--device", "gligli-prophet-600", file});
    EXPECT_EQ(r.result.exit_code, 0) << r.result.out;
    EXPECT_EQ(r.doc["verdict"], "valid-with-warnings");
    EXPECT_EQ(r.doc["known_release"], false);
    ASSERT_EQ(findings_with(r.doc, "unknown-release").size(), 1U);
    EXPECT_EQ(findings_with(r.doc, "unknown-release")[0]["severity"], "warning");
}

TEST_F(ValidateCommand, MidiflyFileSaysItsRulesAreModelledInTextAndJson) {
    // Only F0 00 01 25 is documented (MIDIFly manual, SYSEX Specification): the verdict rests on
    // modelled rules, and both outputs say what that means.
    const auto file = write("fly.syx", concat({midifly_message(), midifly_message()}));
    const auto r = run_json({"--device", "parker-midifly", "--link", "din", file});
    EXPECT_EQ(r.result.exit_code, 0) << r.result.out;
    const auto notice = findings_with(r.doc, "modelled-rules");
    ASSERT_EQ(notice.size(), 1U) << r.doc.dump(2);
    EXPECT_NE(notice[0]["text"].get<std::string>().find("cannot tell a MIDIFly firmware file"),
              std::string::npos);
    const auto text = run({"--device", "parker-midifly", "--link", "din", file});
    EXPECT_NE(text.out.find("cannot tell a MIDIFly firmware file from other MIDIFly data"),
              std::string::npos)
        << text.out;
}

TEST_F(ValidateCommand, LittlePhattyBankOfferedToTheMidiflyIsRefused) {
    // LP bank: one 17 144-byte message F0 04 05 01 03 <v> … F7 (dagargo/phatty
    // phatty/connector.py BANK_START, RED_BANK_SIZE 17142 + F0/F7).
    const auto file = write("lp-bank.syx", message({0xF0, 0x04, 0x05, 0x01, 0x03, 0x01}, 17144));
    const auto r = run_json({"--device", "parker-midifly", file});
    EXPECT_EQ(r.result.exit_code, 3);
    EXPECT_EQ(r.doc["verdict"], "refused");
    const auto wrong = findings_with(r.doc, "wrong-manufacturer");
    ASSERT_EQ(wrong.size(), 1U);
    EXPECT_EQ(wrong[0]["message_index"], 0);
    EXPECT_EQ(wrong[0]["offset"], 1);
}

TEST_F(ValidateCommand, KStationDumpOfferedToTheMidiflyIsRefused) {
    const auto pair = message(
        {0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, 0x02, 0x00, 0x01, 0x00, 0x01, 0x00}, 270);
    const auto file = write("kstation-bank.syx", concat({pair, pair, pair}));
    const auto text = run({"--device", "parker-midifly", file});
    EXPECT_EQ(text.exit_code, 3);
    EXPECT_NE(text.out.find("REFUSED"), std::string::npos);
    EXPECT_NE(text.out.find("wrong-manufacturer  message 2, byte 542"), std::string::npos)
        << text.out;
}

TEST_F(ValidateCommand, OneWrongManufacturerByteNamesMessageKZeroBased) {
    std::vector<Bytes> messages(8, midifly_message());
    messages[4][2] = 0x02; // 00 02 25
    const auto file = write("fly.syx", concat(messages));
    const auto r = run_json({"--device", "parker-midifly", "--link", "din", file});
    EXPECT_EQ(r.result.exit_code, 3);
    const auto errs = errors(r.doc);
    ASSERT_EQ(errs.size(), 1U) << r.doc.dump(2);
    EXPECT_EQ(errs[0]["code"], "wrong-manufacturer");
    EXPECT_EQ(errs[0]["message_index"], 4);
    EXPECT_EQ(errs[0]["offset"], 4 * 24 + 2);
}

TEST_F(ValidateCommand, MidiflySettingsFileOfferedAsFirmwareIsRefused) {
    // Single channel mode, channel 3, byte for byte from the MIDIFly manual.
    const Bytes settings{0xF0, 0x00, 0x01, 0x25, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
                         0x00, 0x00, 0x0A, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xF7};
    const auto file = write("channel3.syx", settings);
    const auto r = run_json({"--device", "parker-midifly", file});
    EXPECT_EQ(r.result.exit_code, 3);
    ASSERT_EQ(findings_with(r.doc, "not-firmware").size(), 1U) << r.doc.dump(2);
    EXPECT_EQ(findings_with(r.doc, "not-firmware")[0]["message_index"], 0);
}

TEST_F(ValidateCommand, DataByteAbove7FIsRefusedWithItsLocation) {
    std::vector<Bytes> messages(3, midifly_message());
    messages[1][12] = 0x90; // a status byte inside a SysEx message
    const auto file = write("fly-bad.syx", concat(messages));
    const auto r = run_json({"--device", "parker-midifly", file});
    EXPECT_EQ(r.result.exit_code, 3);
    const auto errs = errors(r.doc);
    ASSERT_FALSE(errs.empty());
    EXPECT_TRUE(std::any_of(errs.begin(), errs.end(), [](const auto& f) {
        return f["offset"] == 24 + 12;
    })) << r.doc.dump(2);
}

TEST_F(ValidateCommand, MissingFinalF7IsRefusedWithItsLocation) {
    Bytes bytes = concat({midifly_message(), midifly_message()});
    bytes.pop_back();
    const auto file = write("fly-cut.syx", bytes);
    const auto r = run_json({"--device", "parker-midifly", file});
    EXPECT_EQ(r.result.exit_code, 3);
    const auto errs = errors(r.doc);
    ASSERT_FALSE(errs.empty());
    EXPECT_TRUE(std::any_of(errs.begin(), errs.end(), [](const auto& f) {
        return !f["offset"].is_null();
    })) << r.doc.dump(2);
}

TEST_F(ValidateCommand, EmptyFileIsRefused) {
    const auto file = write("empty.syx", {});
    const auto r = run_json({"--device", "parker-midifly", file});
    EXPECT_EQ(r.result.exit_code, 3);
    EXPECT_FALSE(findings_with(r.doc, "empty-file").empty()) << r.doc.dump(2);
}

TEST_F(ValidateCommand, TextFileIsRefused) {
    const std::string readme =
        "Parker MIDIFly firmware 2.0\nCopy the .syx file to your computer.\n";
    const auto file = write("README.syx", Bytes(readme.begin(), readme.end()));
    const auto r = run_json({"--device", "parker-midifly", file});
    EXPECT_EQ(r.result.exit_code, 3);
    EXPECT_FALSE(errors(r.doc).empty());
    EXPECT_EQ(r.doc["plan"]["messages"], 0);
}

TEST_F(ValidateCommand, FileOverTheCapIsRefused) {
    // The Prophet-600 manifest caps firmware files at 256 KiB; this one is ~333 KB.
    const auto file = write("huge.syx", prophet_shaped(1000));
    const auto r = run_json({"--device", "gligli-prophet-600", file});
    EXPECT_EQ(r.result.exit_code, 3);
    EXPECT_FALSE(findings_with(r.doc, "file-too-large").empty()) << r.doc.dump(2);
}

TEST_F(ValidateCommand, OctatrackFirmwareOverUsbIsRefusedWithTheDinInstruction) {
    const auto file = write("ot.syx", concat({message({0xF0, 0x00, 0x20, 0x3C, 0x01}, 200)}));
    const auto text = run({"--device", "elektron-octatrack", "--link", "usb", file});
    EXPECT_EQ(text.exit_code, 3);
    EXPECT_NE(text.out.find("--link din"), std::string::npos) << text.out;
    const auto restore = run({"--device", "elektron-octatrack", "--purpose", "restore", file});
    EXPECT_EQ(restore.exit_code, 3);
    EXPECT_NE(restore.out.find("CF card"), std::string::npos) << restore.out;
}

TEST_F(ValidateCommand, UnknownDeviceIsAUsageErrorListingTheKnownOnes) {
    const auto file = write("fly.syx", midifly_message());
    const auto r = run({"--device", "parker-midifly-2", file});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown device 'parker-midifly-2'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("parker-midifly "), std::string::npos);
    EXPECT_NE(r.err.find("gligli-prophet-600"), std::string::npos);
}

TEST_F(ValidateCommand, UsageErrors) {
    const auto file = write("fly.syx", midifly_message());
    EXPECT_EQ(run({"--device", "parker-midifly", "--link", "bluetooth", file}).exit_code, 2);
    EXPECT_EQ(run({"--device", "parker-midifly"}).exit_code, 2);
    EXPECT_EQ(run({"--device", "parker-midifly", (m_tmp / "missing.syx").string()}).exit_code, 2);
}

} // namespace
