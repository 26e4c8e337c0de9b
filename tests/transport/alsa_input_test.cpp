// The pure parts of the ALSA-direct input (the VM tests, tests/vm, run the rest against the
// kernel): framing a rawmidi byte stream, and finding a port's address in its name.
#include <gtest/gtest.h>

#ifdef SYXFLASH_HAVE_ALSA
#include "transport/alsa/alsa_seq_input.hpp"
#include "transport/alsa/rawmidi_device_port.hpp"

namespace syx::transport {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(MidiByteStreamFramer, JoinsSysexFedInPiecesAndStampsFirstAndLastByte) {
    MidiByteStreamFramer framer;
    const TimePoint t0{std::chrono::milliseconds{10}};
    const TimePoint t1{std::chrono::milliseconds{25}};
    EXPECT_TRUE(framer.feed(Bytes{0xF0, 0x04, 0x05}, t0).empty());
    // A clock byte inside the SysEx is not part of it and does not end it.
    const auto done = framer.feed(Bytes{0x06, 0xF8, 0x02, 0xF7}, t1);
    ASSERT_EQ(done.size(), 1U);
    EXPECT_EQ(done[0].bytes, (Bytes{0xF0, 0x04, 0x05, 0x06, 0x02, 0xF7}));
    EXPECT_EQ(done[0].first_byte, t0);
    EXPECT_EQ(done[0].last_byte, t1);
}

TEST(MidiByteStreamFramer, ShortMessagesWithRunningStatusAndACutShortSysex) {
    MidiByteStreamFramer framer;
    const TimePoint t{};
    const auto done = framer.feed(
        Bytes{0x90, 0x3C, 0x40, 0x3E, 0x40, 0xC1, 0x05, 0xF0, 0x01, 0x02, 0x80, 0x3C, 0x00}, t);
    ASSERT_EQ(done.size(), 5U);
    EXPECT_EQ(done[0].bytes, (Bytes{0x90, 0x3C, 0x40}));
    EXPECT_EQ(done[1].bytes, (Bytes{0x90, 0x3E, 0x40})); // running status
    EXPECT_EQ(done[2].bytes, (Bytes{0xC1, 0x05}));
    EXPECT_EQ(done[3].bytes, (Bytes{0xF0, 0x01, 0x02})); // ended by a status byte: handed over
    EXPECT_EQ(done[4].bytes, (Bytes{0x80, 0x3C, 0x00}));
}

TEST(ParseSeqAddress, TakesTheAddressAtTheEndOfRtMidisPortName) {
    const auto a = parse_seq_address("Little Phatty:Little Phatty MIDI 1 20:0");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->client, 20);
    EXPECT_EQ(a->port, 0);
    const auto b = parse_seq_address("Code 49:Code 49 MIDI 4 24:3");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->client, 24);
    EXPECT_EQ(b->port, 3);
    EXPECT_FALSE(parse_seq_address("Little Phatty"));
    EXPECT_FALSE(parse_seq_address("x 20:"));
    EXPECT_FALSE(parse_seq_address("x a:0"));
}

} // namespace
} // namespace syx::transport
#endif
