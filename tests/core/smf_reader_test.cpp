#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/smf_reader.hpp"
#include "core/sysex_file.hpp"

namespace syx {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(const SysexFile& file, std::size_t index) {
    const auto span = file.bytes_of(index);
    return {span.begin(), span.end()};
}

using syx::test::has_finding;

Bytes header(std::uint16_t format, std::uint16_t tracks, std::uint16_t division) {
    return {'M',
            'T',
            'h',
            'd',
            0,
            0,
            0,
            6,
            static_cast<std::uint8_t>(format >> 8),
            static_cast<std::uint8_t>(format),
            static_cast<std::uint8_t>(tracks >> 8),
            static_cast<std::uint8_t>(tracks),
            static_cast<std::uint8_t>(division >> 8),
            static_cast<std::uint8_t>(division)};
}

Bytes track(const Bytes& events) {
    const auto n = static_cast<std::uint32_t>(events.size());
    Bytes out = {'M',
                 'T',
                 'r',
                 'k',
                 static_cast<std::uint8_t>(n >> 24),
                 static_cast<std::uint8_t>(n >> 16),
                 static_cast<std::uint8_t>(n >> 8),
                 static_cast<std::uint8_t>(n)};
    out.insert(out.end(), events.begin(), events.end());
    return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

// The variable-length quantity table of the SMF 1.0 specification ("Conventions").
TEST(SmfReader, VariableLengthQuantitiesFromTheSpecification) {
    const std::vector<std::pair<std::uint32_t, Bytes>> table = {
        {0x00000000, {0x00}},
        {0x00000040, {0x40}},
        {0x0000007F, {0x7F}},
        {0x00000080, {0x81, 0x00}},
        {0x00002000, {0xC0, 0x00}},
        {0x00003FFF, {0xFF, 0x7F}},
        {0x00004000, {0x81, 0x80, 0x00}},
        {0x00100000, {0xC0, 0x80, 0x00}},
        {0x001FFFFF, {0xFF, 0xFF, 0x7F}},
        {0x00200000, {0x81, 0x80, 0x80, 0x00}},
        {0x08000000, {0xC0, 0x80, 0x80, 0x00}},
        {0x0FFFFFFF, {0xFF, 0xFF, 0xFF, 0x7F}},
    };
    for (const auto& [value, encoded] : table) {
        std::size_t pos = 0;
        const auto decoded = read_variable_length(encoded, pos);
        ASSERT_TRUE(decoded.has_value()) << value;
        EXPECT_EQ(*decoded, value);
        EXPECT_EQ(pos, encoded.size());
    }
    // More than four bytes, or running off the end, is not a quantity.
    std::size_t pos = 0;
    EXPECT_FALSE(read_variable_length(Bytes{0x81, 0x80, 0x80, 0x80, 0x00}, pos).has_value());
    pos = 0;
    EXPECT_FALSE(read_variable_length(Bytes{0x81, 0x80}, pos).has_value());
}

// The format-0 example track of the SMF 1.0 specification (time signature, tempo 500 000 µs,
// program changes, notes with running status, a two-byte delta-time), with a GM System On
// SysEx event inserted after the first note-off group. Running status must be followed exactly
// or the parser loses its place and never finds the SysEx at tick 384.
TEST(SmfReader, SpecificationExampleWithRunningStatusAndASysexEvent) {
    const Bytes events = {
        0x00, 0xFF, 0x58, 0x04, 0x04, 0x02, 0x18, 0x08, // time signature
        0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,       // tempo 500 000 µs per quarter
        0x00, 0xC0, 0x05,                               // program changes
        0x00, 0xC1, 0x2E,                               //
        0x00, 0xC2, 0x46,                               //
        0x00, 0x92, 0x30, 0x60,                         // note on
        0x00, 0x3C, 0x60,                               // running status
        0x60, 0x91, 0x43, 0x40,                         //
        0x60, 0x90, 0x4C, 0x20,                         //
        0x81, 0x40, 0x82, 0x30, 0x40,                   // delta 192, note off
        0x00, 0x3C, 0x40,                               // running status
        0x00, 0x81, 0x43, 0x40,                         //
        0x00, 0x80, 0x4C, 0x40,                         //
        0x00, 0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7, // GM System On at tick 384
        0x00, 0xFF, 0x2F, 0x00,                         // end of track
    };
    const Bytes smf = concat({header(0, 1, 96), track(events)});
    const SysexFile file = read_sysex_bytes(smf);
    EXPECT_EQ(file.format, FileFormat::standard_midi_file);
    EXPECT_TRUE(file.findings.empty()) << file.findings.front().text;
    EXPECT_EQ(file.smf_division, 96);
    ASSERT_EQ(file.messages.size(), 1U);
    EXPECT_EQ(bytes_of(file, 0), (Bytes{0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7}));
    EXPECT_EQ(file.messages[0].tick, 384U);
    // 384 ticks at 96 per quarter = 4 quarters at 0.5 s.
    ASSERT_TRUE(file.messages[0].seconds.has_value());
    EXPECT_DOUBLE_EQ(*file.messages[0].seconds, 2.0);
    // The offset is that of the F0 event's status byte in the file.
    EXPECT_EQ(smf[file.messages[0].offset], 0xF0);
}

// The specification's example of a SysEx sent in packets (Casio style): "F0 03 43 12 00",
// then after 200 ticks "F7 06 43 12 00 43 12 00", then after 100 ticks "F7 04 43 12 00 F7".
// It is one message whose bytes are F0 + all the packets, at the time of the first packet.
TEST(SmfReader, SysexSplitAcrossF0AndF7ContinuationPackets) {
    const Bytes events = {
        0x00, 0xF0, 0x03, 0x43, 0x12, 0x00,                         //
        0x81, 0x48, 0xF7, 0x06, 0x43, 0x12, 0x00, 0x43, 0x12, 0x00, // delta 200
        0x64, 0xF7, 0x04, 0x43, 0x12, 0x00, 0xF7,                   // delta 100
        0x00, 0xFF, 0x2F, 0x00,
    };
    const SysexFile file = read_sysex_bytes(concat({header(0, 1, 96), track(events)}));
    EXPECT_TRUE(file.findings.empty()) << file.findings.front().text;
    ASSERT_EQ(file.messages.size(), 1U);
    EXPECT_EQ(bytes_of(file, 0), (Bytes{0xF0, 0x43, 0x12, 0x00, 0x43, 0x12, 0x00, 0x43, 0x12, 0x00,
                                        0x43, 0x12, 0x00, 0xF7}));
    EXPECT_EQ(file.messages[0].tick, 0U);
}

TEST(SmfReader, EscapeEventCarryingACompleteSysexIsRead) {
    const Bytes events = {0x00, 0xF7, 0x06, 0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7, // escape
                          0x00, 0xF7, 0x01, 0xF8,                               // escaped clock
                          0x00, 0xFF, 0x2F, 0x00};
    const SysexFile file = read_sysex_bytes(concat({header(0, 1, 96), track(events)}));
    EXPECT_TRUE(file.findings.empty()) << file.findings.front().text;
    ASSERT_EQ(file.messages.size(), 1U);
    EXPECT_EQ(bytes_of(file, 0), (Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
}

TEST(SmfReader, TempoMapAndFormat1TrackOrder) {
    // Conductor track: 120 bpm, then at tick 96 (0.5 s) 60 bpm (1 000 000 µs per quarter).
    const Bytes conductor = {0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, //
                             0x60, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40, //
                             0x00, 0xFF, 0x2F, 0x00};
    // Track 2: a message at tick 192 (0.5 s + 1 quarter at 1 s = 1.5 s), then one at tick 0 of
    // track 3 must still come first.
    const Bytes second = {0x81, 0x40, 0xF0, 0x03, 0x7D, 0x02, 0xF7, 0x00, 0xFF, 0x2F, 0x00};
    const Bytes third = {0x00, 0xF0, 0x03, 0x7D, 0x03, 0xF7, 0x00, 0xFF, 0x2F, 0x00};
    const SysexFile file =
        read_sysex_bytes(concat({header(1, 3, 96), track(conductor), track(second), track(third)}));
    EXPECT_TRUE(file.findings.empty()) << file.findings.front().text;
    ASSERT_EQ(file.messages.size(), 2U);
    EXPECT_EQ(bytes_of(file, 0), (Bytes{0xF0, 0x7D, 0x03, 0xF7}));
    EXPECT_EQ(file.messages[0].index, 0U);
    EXPECT_EQ(file.messages[1].index, 1U);
    EXPECT_EQ(file.messages[1].tick, 192U);
    EXPECT_DOUBLE_EQ(*file.messages[1].seconds, 1.5);
}

TEST(SmfReader, SmpteDivisionGivesSecondsFromFrames) {
    // -25 fps (0xE7), 40 ticks per frame: 1000 ticks per second.
    const Bytes events = {0x87, 0x68, 0xF0, 0x02, 0x7D, 0xF7, 0x00, 0xFF, 0x2F, 0x00}; // tick 1000
    const SysexFile file = read_sysex_bytes(concat({header(0, 1, 0xE728), track(events)}));
    ASSERT_EQ(file.messages.size(), 1U);
    EXPECT_EQ(file.messages[0].tick, 1000U);
    EXPECT_DOUBLE_EQ(*file.messages[0].seconds, 1.0);
}

TEST(SmfReader, DamagedFilesGiveFindingsNotCrashes) {
    const Bytes events = {0x00, 0xF0, 0x03, 0x43, 0x12, 0x00, 0x00, 0xFF, 0x2F, 0x00};
    const SysexFile missing_f7 = read_sysex_bytes(concat({header(0, 1, 96), track(events)}));
    EXPECT_TRUE(has_finding(missing_f7, "missing-f7"));
    EXPECT_TRUE(missing_f7.messages.empty());

    Bytes truncated = concat({header(0, 1, 96), track({0x00, 0xF0, 0x10, 0x43, 0x12})});
    const SysexFile cut = read_sysex_bytes(truncated);
    EXPECT_TRUE(has_finding(cut, "smf-truncated"));

    const SysexFile no_status = read_sysex_bytes(
        concat({header(0, 1, 96), track({0x00, 0x40, 0x40, 0x00, 0xFF, 0x2F, 0x00})}));
    EXPECT_TRUE(has_finding(no_status, "smf-bad-event"));

    const SysexFile short_header = read_sysex_bytes(Bytes{'M', 'T', 'h', 'd', 0, 0});
    EXPECT_TRUE(has_finding(short_header, "smf-truncated"));
    EXPECT_TRUE(short_header.has_errors());

    // A data byte >= 0x80 inside an F0 event's data.
    const SysexFile high = read_sysex_bytes(concat(
        {header(0, 1, 96), track({0x00, 0xF0, 0x03, 0x43, 0x92, 0xF7, 0x00, 0xFF, 0x2F, 0x00})}));
    EXPECT_TRUE(has_finding(high, "data-byte-high"));
    EXPECT_TRUE(high.messages.empty());
}

TEST(SmfReader, MidiFileAndItsSyxTwinHashTheSame) {
    const Bytes m1 = {0xF0, 0x43, 0x10, 0x01, 0x1B, 0x3F, 0xF7};
    const Bytes m2 = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
    Bytes events = {0x00, 0xF0, static_cast<std::uint8_t>(m1.size() - 1)};
    events.insert(events.end(), m1.begin() + 1, m1.end());
    events.insert(events.end(), {0x60, 0xF0, static_cast<std::uint8_t>(m2.size() - 1)});
    events.insert(events.end(), m2.begin() + 1, m2.end());
    events.insert(events.end(), {0x00, 0xFF, 0x2F, 0x00});
    const SysexFile mid = read_sysex_bytes(concat({header(0, 1, 96), track(events)}));
    const SysexFile syx = read_sysex_bytes(concat({m1, m2}));
    ASSERT_EQ(mid.messages.size(), 2U);
    ASSERT_EQ(syx.messages.size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(sha256(mid.bytes_of(i)), sha256(syx.bytes_of(i)));
    }
}

} // namespace
} // namespace syx
