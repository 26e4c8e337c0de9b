#include <vector>

#include <gtest/gtest.h>

#include "core/sysex_framer.hpp"

namespace syx {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Framed {
    std::vector<Bytes> messages;
    std::vector<std::uint64_t> offsets;
    std::vector<Finding> findings;
};

// Feeds `input` in chunks of `chunk` bytes (append mode), as live MIDI input would arrive.
Framed frame(const Bytes& input, std::size_t chunk, FramerOptions options = {}) {
    Bytes storage;
    SysexFramer framer(storage, options);
    for (std::size_t i = 0; i < input.size(); i += chunk) {
        const std::size_t n = std::min(chunk, input.size() - i);
        framer.feed(std::span<const std::uint8_t>(input.data() + i, n));
    }
    framer.finish();
    Framed out;
    for (const auto& m : framer.messages()) {
        const auto bytes = framer.bytes_of(m);
        out.messages.emplace_back(bytes.begin(), bytes.end());
        out.offsets.push_back(m.offset);
    }
    out.findings = framer.findings();
    return out;
}

Framed frame_in_place(Bytes input) {
    SysexFramer framer = SysexFramer::in_place(input);
    framer.feed(std::span<const std::uint8_t>(input.data(), input.size()));
    framer.finish();
    Framed out;
    for (const auto& m : framer.messages()) {
        const auto bytes = framer.bytes_of(m);
        out.messages.emplace_back(bytes.begin(), bytes.end());
        out.offsets.push_back(m.offset);
    }
    out.findings = framer.findings();
    return out;
}

// Identity Request (MIDI 1.0 spec, Universal Non-Real Time, sub-ID 06 01) followed by a
// DX7-style parameter change; enough to see two messages come out whole.
const Bytes kTwoMessages = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7, 0xF0,
                            0x43, 0x10, 0x01, 0x1B, 0x3F, 0xF7};

TEST(SysexFramer, SplitsConcatenatedMessagesWhateverTheChunking) {
    for (std::size_t chunk : {1U, 2U, 3U, 5U, 64U}) {
        const Framed out = frame(kTwoMessages, chunk);
        ASSERT_EQ(out.messages.size(), 2U) << "chunk " << chunk;
        EXPECT_EQ(out.messages[0], Bytes(kTwoMessages.begin(), kTwoMessages.begin() + 6));
        EXPECT_EQ(out.messages[1], Bytes(kTwoMessages.begin() + 6, kTwoMessages.end()));
        EXPECT_EQ(out.offsets, (std::vector<std::uint64_t>{0, 6}));
        EXPECT_TRUE(out.findings.empty());
    }
    const Framed in_place = frame_in_place(kTwoMessages);
    EXPECT_EQ(in_place.messages.size(), 2U);
}

TEST(SysexFramer, RealtimeBytesDoNotEndAMessageAndAreLeftOut) {
    // F8 (timing clock) and FE (active sensing) inside a SysEx: the SysEx continues.
    const Bytes input = {0xF0, 0x43, 0xF8, 0x10, 0xFE, 0x01, 0xF7};
    for (const Framed& out : {frame(input, 1), frame_in_place(input)}) {
        ASSERT_EQ(out.messages.size(), 1U);
        EXPECT_EQ(out.messages[0], (Bytes{0xF0, 0x43, 0x10, 0x01, 0xF7}));
        ASSERT_EQ(out.findings.size(), 1U);
        EXPECT_EQ(out.findings[0].code, "realtime-in-message");
        EXPECT_EQ(out.findings[0].severity, Severity::warning);
        EXPECT_EQ(out.findings[0].offset, 2U);
        EXPECT_EQ(out.findings[0].message_index, 0U);
    }
}

TEST(SysexFramer, StatusByteInterruptingAMessageIsAnError) {
    // A note-on (90) cuts the SysEx short; the next message is still read.
    const Bytes input = {0xF0, 0x43, 0x10, 0x90, 0x40, 0x7F, 0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
    for (const Framed& out : {frame(input, 4), frame_in_place(input)}) {
        ASSERT_EQ(out.messages.size(), 1U);
        EXPECT_EQ(out.offsets[0], 6U);
        ASSERT_EQ(out.findings.size(), 1U);
        EXPECT_EQ(out.findings[0].code, "status-in-message");
        EXPECT_EQ(out.findings[0].severity, Severity::error);
        EXPECT_EQ(out.findings[0].offset, 3U);
    }
}

TEST(SysexFramer, HighDataByteInsideACompleteMessageIsAnError) {
    const Bytes input = {0xF0, 0x00, 0x20, 0x29, 0x9A, 0x01, 0xF7};
    const Framed out = frame(input, 64);
    EXPECT_TRUE(out.messages.empty());
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_EQ(out.findings[0].code, "data-byte-high");
    EXPECT_EQ(out.findings[0].offset, 4U);
}

TEST(SysexFramer, NewF0BeforeF7AndTruncatedEndAreMissingF7) {
    const Bytes input = {0xF0, 0x41, 0x10, 0xF0, 0x41, 0x10, 0xF7, 0xF0, 0x42};
    const Framed out = frame_in_place(input);
    ASSERT_EQ(out.messages.size(), 1U);
    EXPECT_EQ(out.offsets[0], 3U);
    ASSERT_EQ(out.findings.size(), 2U);
    EXPECT_EQ(out.findings[0].code, "missing-f7");
    EXPECT_EQ(out.findings[0].offset, 0U);
    EXPECT_EQ(out.findings[1].code, "missing-f7");
    EXPECT_EQ(out.findings[1].offset, 7U);
}

TEST(SysexFramer, StrayBytesAreOneFindingPerRun) {
    const Bytes input = {0x01, 0x02, 0xF0, 0x7E, 0xF7, 0x00, 0x00, 0x00, 0xF0, 0x7E, 0xF7, 0x55};
    const Framed out = frame(input, 3);
    ASSERT_EQ(out.messages.size(), 2U);
    ASSERT_EQ(out.findings.size(), 3U);
    for (const auto& f : out.findings) {
        EXPECT_EQ(f.code, "bytes-outside-messages");
        EXPECT_EQ(f.severity, Severity::warning);
    }
    EXPECT_EQ(out.findings[0].offset, 0U);
    EXPECT_EQ(out.findings[1].offset, 5U);
    EXPECT_NE(out.findings[1].text.find("3 stray bytes"), std::string::npos);
    EXPECT_EQ(out.findings[2].offset, 11U);
}

TEST(SysexFramer, RecognisesAMacBinaryHeader) {
    // MacBinary II header layout: version 0, name length, name, type/creator at 65..72,
    // zero bytes at 74 and 82.
    Bytes input(128, 0);
    const std::string name = "PATCHES.SYX";
    input[1] = static_cast<std::uint8_t>(name.size());
    std::copy(name.begin(), name.end(), input.begin() + 2);
    const std::string type_creator = "????SxLb";
    std::copy(type_creator.begin(), type_creator.end(), input.begin() + 65);
    input.insert(input.end(), kTwoMessages.begin(), kTwoMessages.end());
    const Framed out = frame_in_place(input);
    ASSERT_EQ(out.messages.size(), 2U);
    EXPECT_EQ(out.offsets[0], 128U);
    EXPECT_EQ(out.messages[1], Bytes(kTwoMessages.begin() + 6, kTwoMessages.end()));
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_NE(out.findings[0].text.find("MacBinary"), std::string::npos);
    EXPECT_NE(out.findings[0].text.find("PATCHES.SYX"), std::string::npos);
}

TEST(SysexFramer, OverlongMessagesAreDroppedAndFramingResumes) {
    FramerOptions options;
    options.max_message_bytes = 5;
    const Bytes input = {0xF0, 1, 2, 3, 4, 5, 6, 0xF7, 0xF0, 0x7E, 0xF7};
    const Framed out = frame(input, 2, options);
    ASSERT_EQ(out.messages.size(), 1U);
    EXPECT_EQ(out.offsets[0], 8U);
    ASSERT_EQ(out.findings.size(), 1U);
    EXPECT_EQ(out.findings[0].code, "message-too-long");
}

TEST(SysexFramer, DiscardCompletedKeepsAMessageInProgress) {
    Bytes storage;
    SysexFramer framer(storage);
    const Bytes first = {0xF0, 0x7E, 0xF7, 0xF0, 0x43};
    framer.feed(first);
    ASSERT_EQ(framer.messages().size(), 1U);
    framer.discard_completed();
    EXPECT_TRUE(framer.messages().empty());
    const Bytes rest = {0x10, 0xF7};
    framer.feed(rest);
    ASSERT_EQ(framer.messages().size(), 1U);
    const auto bytes = framer.bytes_of(framer.messages()[0]);
    EXPECT_EQ(Bytes(bytes.begin(), bytes.end()), (Bytes{0xF0, 0x43, 0x10, 0xF7}));
    EXPECT_EQ(framer.messages()[0].offset, 3U);
}

} // namespace
} // namespace syx

namespace syx {
namespace {

// View mode, fed in chunks like the other modes: messages are ranges of the input itself.
struct Viewed {
    std::vector<FramedMessage> messages;
    std::vector<Finding> findings;
    bool intact = false;
};

Viewed frame_viewing(const std::vector<std::uint8_t>& input, std::size_t chunk) {
    SysexFramer framer = SysexFramer::viewing(input);
    for (std::size_t i = 0; i < input.size(); i += chunk) {
        const std::size_t n = std::min(chunk, input.size() - i);
        framer.feed(std::span<const std::uint8_t>(input.data() + i, n));
    }
    framer.finish();
    return {framer.messages(), framer.findings(), framer.views_intact()};
}

TEST(SysexFramer, ViewModeFindsTheSameMessagesWhereTheyAre) {
    // Stray bytes, a message, a cut-off message, a message split over every chunking.
    const std::vector<std::uint8_t> input = {0x01, 0x02, 0xF0, 0x43, 0x10, 0xF7, 0xF0,
                                             0x41, 0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, input.size()}) {
        const Viewed out = frame_viewing(input, chunk);
        EXPECT_TRUE(out.intact);
        ASSERT_EQ(out.messages.size(), 2U);
        EXPECT_EQ(out.messages[0].offset, 2U);
        EXPECT_EQ(out.messages[0].storage_begin, 2U); // its place in the input, nothing copied
        EXPECT_EQ(out.messages[0].length, 4U);
        EXPECT_EQ(out.messages[1].storage_begin, 8U);
        EXPECT_EQ(out.messages[1].length, 6U);
        // Same findings as the copying modes: the stray bytes and the missing F7.
        const Framed copied = frame(input, chunk);
        ASSERT_EQ(out.findings.size(), copied.findings.size());
        for (std::size_t i = 0; i < copied.findings.size(); ++i) {
            EXPECT_EQ(out.findings[i].code, copied.findings[i].code);
            EXPECT_EQ(out.findings[i].offset, copied.findings[i].offset);
        }
    }
}

TEST(SysexFramer, ViewModeSaysWhenAKeptMessageLostARealtimeByte) {
    // F8 inside a complete message: the kept bytes are no longer one range of the input.
    const Viewed kept = frame_viewing({0xF0, 0x7E, 0xF8, 0x7F, 0x06, 0x01, 0xF7}, 2);
    EXPECT_FALSE(kept.intact);
    ASSERT_EQ(kept.messages.size(), 1U);
    EXPECT_EQ(kept.messages[0].length, 6U);
    // F8 inside a message that is dropped anyway (cut off by a new F0) changes nothing kept.
    const Viewed dropped = frame_viewing({0xF0, 0x7E, 0xF8, 0x7F, 0xF0, 0x01, 0xF7}, 2);
    EXPECT_TRUE(dropped.intact);
    ASSERT_EQ(dropped.messages.size(), 1U);
    EXPECT_EQ(dropped.messages[0].storage_begin, 4U);
}

} // namespace
} // namespace syx
