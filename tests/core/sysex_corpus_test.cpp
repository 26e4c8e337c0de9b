// Real third-party files from ../shared/fixtures, checked against the counts and sizes in its
// PROVENANCE.md. Skips cleanly where the folder is absent.
#include <map>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/sysex_analysis.hpp"
#include "core/sysex_file.hpp"

namespace syx {
namespace {

SysexFile read_fixture(const std::filesystem::path& path) {
    auto file = read_sysex_file(path);
    EXPECT_TRUE(file.ok()) << path;
    return file.ok() ? std::move(*file) : SysexFile{};
}

// lengths → how many messages have that length
std::map<std::uint64_t, std::size_t> size_histogram(const SysexFile& file) {
    std::map<std::uint64_t, std::size_t> sizes;
    for (const auto& m : file.messages) {
        ++sizes[m.length];
    }
    return sizes;
}

struct Expected {
    const char* name;
    std::size_t messages;
    std::map<std::uint64_t, std::size_t> sizes; // empty: not checked
    const char* prefix_hex;                     // first bytes of message 0
};

// Straight from PROVENANCE.md's table.
const std::vector<Expected> kExpected = {
    {"gligli_prophet600_firmware_2_0992.syx", 184, {{333, 183}, {8, 1}}, "f0"},
    {"dsi_mopho_programs_v1.0.syx", 384, {{300, 384}}, "f0012502"},
    {"mutable_shruthi1_factory_data.syx", 144, {{267, 144}}, "f000207700"},
    {"nektar_pacer_preset_A1_factory.syx", 189, {}, "f00001777f01"},
    {"moog_little_phatty_bank.syx", 1, {{17144, 1}}, "f004050103"},
    {"moog_little_phatty_init_preset.syx", 1, {{193, 1}}, "f004050503"},
    {"moog_little_phatty_preset_elektroid.syx", 1, {{193, 1}}, "f004050503"},
    {"moog_voyager_bank_A.syx", 1, {{18734, 1}}, "f00401"},
    {"novation_bass_station_ii_factory_pack.syx", 128, {{154, 128}}, "f000202900"},
    {"novation_peak_single.syx", 1, {{527, 1}}, "f000202901"},
    {"novation_supernova_autechre.syx", 1, {{296, 1}}, "f000202901"},
    {"roland_d50_edit_buffer.syx", 7, {{74, 7}}, "f041001412"},
    {"yamaha_dx7_rom1A_32voice.syx", 1, {{4104, 1}}, "f04300092000"},
    {"yamaha_dx7_star1_fast_decay_32voice.syx", 1, {{4104, 1}}, "f0430009"},
    {"yamaha_refacedx_piano.syx", 7, {}, "f043007f1c"},
    {"behringer_wave_editbuf.syx", 1, {{134, 1}}, "f000203200"},
    {"casio_cz101_program.syx", 1, {{264, 1}}, "f04400007020"},
    {"electra_one_demo_preset.syx", 1, {{31040, 1}}, "f0002145"},
    {"elektron_pattern_86_bpm.syx", 1, {{31613, 1}}, "f000203c0a00"},
    {"emu_morpheus_instruments.syx", 1, {{3396, 1}}, "f0180c00"},
    {"ensoniq_esq1_single.syx", 1, {{210, 1}}, "f00f020001"},
    {"eventide_factor_preset.syx", 1, {{201, 1}}, "f01c7000"},
    {"kawai_k1_single_rimsnare.syx", 1, {{97, 1}}, "f04000200003"},
    {"kawai_k5000_single.syx", 1, {{2940, 1}}, "f0400020000a"},
    {"korg_logue_program1.syx", 1, {{2457, 1}}, "f042300001"},
    {"korg_m1_global.syx", 1, {{991, 1}}, "f042301951"},
    {"midikraken_enter_bootloader_cmd.syx", 1, {{11, 1}}, "f000376400007f1e3a62f7"},
    {"waldorf_pulse_single.syx", 1, {{77, 1}}, "f03e0b2100"},
    {"zoom_ms_cdr_patch.syx", 1, {{146, 1}}, "f052006128"},
};

TEST(SysexCorpus, MessageCountsAndSizesMatchProvenance) {
    if (!test::fixtures_dir()) {
        GTEST_SKIP() << "../shared/fixtures not available";
    }
    for (const Expected& expected : kExpected) {
        SCOPED_TRACE(expected.name);
        const auto path = test::fixture(expected.name);
        if (!path) {
            ADD_FAILURE() << "fixture missing from the fixtures folder";
            continue;
        }
        const SysexFile file = read_fixture(*path);
        EXPECT_EQ(file.format, FileFormat::raw_syx);
        EXPECT_FALSE(file.has_errors()) << file.findings.front().text;
        EXPECT_TRUE(file.findings.empty());
        ASSERT_EQ(file.messages.size(), expected.messages);
        if (!expected.sizes.empty()) {
            EXPECT_EQ(size_histogram(file), expected.sizes);
        }
        const std::string prefix(expected.prefix_hex);
        EXPECT_EQ(to_hex(file.bytes_of(0)).substr(0, prefix.size()), prefix);
        // Whole-file hashes are of the file as it is on disk.
        const auto on_disk = test::read_file_bytes(*path);
        EXPECT_EQ(file.sha256, sha256(on_disk));
        EXPECT_EQ(file.crc32, crc32(on_disk));
    }
}

TEST(SysexCorpus, Prophet600FirmwareEndsWithTheTerminatorMessage) {
    SYX_REQUIRE_FIXTURE(path, "gligli_prophet600_firmware_2_0992.syx");
    const SysexFile file = read_fixture(path);
    ASSERT_EQ(file.messages.size(), 184U);
    // DEVICES.md: the final 8-byte message is F0 00 61 16 6B 00 00 F7.
    EXPECT_EQ(to_hex(file.bytes_of(183)), "f00061166b0000f7");
    // Messages are contiguous: the file is exactly the messages back to back.
    EXPECT_EQ(file.messages[183].offset + 8, file.file_bytes);
}

TEST(SysexCorpus, PacerMessagesAreSmall) {
    SYX_REQUIRE_FIXTURE(path, "nektar_pacer_preset_A1_factory.syx");
    const SysexFile file = read_fixture(path);
    ASSERT_EQ(file.messages.size(), 189U);
    std::uint64_t total = 0;
    for (const auto& m : file.messages) {
        EXPECT_GE(m.length, 14U);
        EXPECT_LE(m.length, 34U);
        total += m.length;
    }
    EXPECT_EQ(total, 5546U);
}

TEST(SysexCorpus, KorgM1MidiFileHoldsTwoDumpsAtTheirTicks) {
    SYX_REQUIRE_FIXTURE(path, "korg_m1_M1EX_sysex_in_smf.mid");
    const SysexFile file = read_fixture(path);
    EXPECT_EQ(file.format, FileFormat::standard_midi_file);
    EXPECT_EQ(file.smf_division, 480);
    EXPECT_FALSE(file.has_errors());
    ASSERT_EQ(file.messages.size(), 2U);
    EXPECT_EQ(file.messages[0].length, 16350U);
    EXPECT_EQ(file.messages[0].tick, 1991U);
    EXPECT_EQ(to_hex(file.bytes_of(0)).substr(0, 10), "f04230194c");
    EXPECT_EQ(file.messages[1].length, 14179U);
    EXPECT_EQ(file.messages[1].tick, 11601U);
    EXPECT_EQ(to_hex(file.bytes_of(1)).substr(0, 10), "f04230194d");
    for (std::size_t i = 0; i < 2; ++i) {
        const auto bytes = file.bytes_of(i);
        EXPECT_EQ(bytes.front(), 0xF0);
        EXPECT_EQ(bytes.back(), 0xF7);
        EXPECT_TRUE(file.messages[i].seconds.has_value());
    }
    EXPECT_LT(*file.messages[0].seconds, *file.messages[1].seconds);
}

TEST(SysexCorpus, RolandD50ChecksumsAreAllRight) {
    SYX_REQUIRE_FIXTURE(path, "roland_d50_edit_buffer.syx");
    const SysexFile file = read_fixture(path);
    ASSERT_EQ(file.messages.size(), 7U);
    for (std::size_t i = 0; i < file.messages.size(); ++i) {
        const auto check = check_roland_checksum(file.bytes_of(i));
        ASSERT_TRUE(check.has_value()) << i;
        EXPECT_TRUE(check->ok) << i;
    }
}

TEST(SysexCorpus, YamahaDx7BankChecksumsAreRight) {
    for (const char* name :
         {"yamaha_dx7_rom1A_32voice.syx", "yamaha_dx7_star1_fast_decay_32voice.syx"}) {
        SYX_REQUIRE_FIXTURE(path, name);
        const SysexFile file = read_fixture(path);
        ASSERT_EQ(file.messages.size(), 1U);
        const auto check = check_yamaha_bulk_checksum(file.bytes_of(0));
        ASSERT_TRUE(check.has_value()) << name;
        EXPECT_TRUE(check->ok) << name;
        EXPECT_EQ(check->position, 4102U);
    }
}

TEST(SysexCorpus, RawPayloadWithoutFramingIsRefused) {
    SYX_REQUIRE_FIXTURE(path, "moog_little_phatty_preset_NO_F0_F7_raw_payload.syx");
    const SysexFile file = read_fixture(path);
    EXPECT_TRUE(file.messages.empty());
    EXPECT_TRUE(file.has_errors());
    ASSERT_EQ(file.findings.size(), 1U);
    EXPECT_EQ(file.findings[0].code, "raw-payload");
    EXPECT_EQ(file.findings[0].severity, Severity::error);
}

} // namespace
} // namespace syx
