// Pacing semantics from DESIGN.md §6, checked in virtual time.
#include <numeric>

#include <gtest/gtest.h>

#include "core/pacer.hpp"

using namespace std::chrono_literals;
using syx::Link;
using syx::PacerConfig;
using syx::PacerDuration;

namespace {

PacerConfig din_config(std::chrono::milliseconds gap) {
    PacerConfig c;
    c.link = Link::din;
    c.rules.gap_after_message = gap;
    return c;
}

} // namespace

TEST(Pacer, DinWireTimeIs320MicrosecondsPerByte) {
    // MIDI 1.0: 31 250 baud, start + 8 data + stop bits = 10 bits per byte.
    EXPECT_EQ(syx::wire_time(1, Link::din, {}), 320us);
    EXPECT_EQ(syx::wire_time(3125, Link::din, {}), 1s);
    EXPECT_EQ(syx::wire_time(17144, Link::din, {}), 5486080us);
}

TEST(Pacer, UsbWithoutRateHasNoWireTimeAndManifestRateCounts) {
    EXPECT_EQ(syx::wire_time(1000, Link::usb, {}), 0ns);
    syx::PacingRules rules;
    rules.max_bytes_per_second = 1000;
    EXPECT_EQ(syx::wire_time(1000, Link::usb, rules), 1s);
    // A manifest rate above DIN speed cannot make DIN faster.
    rules.max_bytes_per_second = 10000;
    EXPECT_EQ(syx::effective_bytes_per_second(Link::din, rules), 3125u);
}

// USB without a byte-rate cap: the device's input sees a message's F7 only after it crossed the
// bus, at most 19 × 64 bytes per 1 ms frame (USB 2.0 Table 5-9) with 3 SysEx bytes per 4-byte
// event packet = 912 000 SysEx bytes/s, so the gap is counted from then. A 44-byte Launchpad
// block takes 48.2 µs: a 1 ms gap from the send call alone leaves less than 1 ms at the device.
TEST(Pacer, UsbWithoutACapCountsTheDeliveryTimeBeforeTheGap) {
    EXPECT_EQ(syx::usb_delivery_time(912'000), 1s);
    EXPECT_EQ(syx::usb_delivery_time(44), 48246ns); // 44 / 912 000 s, rounded up
    PacerConfig c;
    c.link = Link::usb;
    c.rules.gap_after_message = 1ms;
    const std::vector<std::uint64_t> lengths{44, 44, 15};
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->sends[1].start, 1ms + 48246ns);
    EXPECT_EQ(plan->sends[2].start, 2 * (1ms + 48246ns));
    EXPECT_EQ(plan->duration, 2 * (1ms + 48246ns) + syx::usb_delivery_time(15));
    // With a cap, the cap's wire time (always longer) is what counts.
    c.rules.max_bytes_per_second = 44'000;
    auto capped = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(capped.ok());
    EXPECT_EQ(capped->sends[1].start, 2ms);
}

TEST(Pacer, NextStartIsPreviousStartPlusWireTimePlusGapOnDin) {
    const std::vector<std::uint64_t> lengths{100, 100, 100};
    auto plan = syx::make_pacing_plan(lengths, din_config(150ms));
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->sends.size(), 3u);
    EXPECT_EQ(plan->sends[0].start, 0ns);
    EXPECT_EQ(plan->sends[1].start, 32ms + 150ms);
    EXPECT_EQ(plan->sends[2].start, 2 * (32ms + 150ms));
    EXPECT_EQ(plan->duration, 2 * (32ms + 150ms) + 32ms);
    EXPECT_EQ(plan->floor, plan->duration); // no margin asked for: exactly the floor
}

TEST(Pacer, DeliveryJitterIsAddedToEveryGap) {
    PacerConfig c;
    c.link = Link::usb;
    c.rules.gap_after_message = 150ms;
    c.delivery_jitter = 5333us; // one JACK period, 256 frames at 48 kHz
    const std::vector<std::uint64_t> lengths(40, 200);
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(plan.ok());
    const auto bus = syx::usb_delivery_time(200); // each message's USB delivery time
    for (std::size_t i = 1; i < plan->sends.size(); ++i) {
        EXPECT_EQ(plan->sends[i].start - plan->sends[i - 1].start, 155333us + bus);
    }
    // The floor is 39 gaps and 40 delivery times; the margin costs 39 × 5.333 ms, within the 5 %
    // cost target.
    EXPECT_EQ(plan->floor, 39 * 150ms + 40 * bus);
    const double ratio =
        static_cast<double>(plan->duration.count()) / static_cast<double>(plan->floor.count());
    EXPECT_LE(ratio, 1.05);
    EXPECT_GT(ratio, 1.0);
}

TEST(Pacer, LongMessageIsChunkedBelowTheBackendLimitInMultiplesOfThree) {
    PacerConfig c;
    c.link = Link::usb;
    c.backend_max_message_bytes = 16 * 1024 - 1;
    c.delivery_jitter = 5333us;
    const std::vector<std::uint64_t> lengths{17277}; // Little Phatty bulk dump size
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(plan.ok());
    ASSERT_GE(plan->sends.size(), 2u);
    std::uint64_t sum = 0;
    for (const auto& s : plan->sends) {
        EXPECT_LE(s.length, 16u * 1024 - 1);
        if (!s.last_chunk()) {
            EXPECT_EQ(s.length % 3, 0u);
        }
        EXPECT_EQ(s.offset, sum);
        sum += s.length;
    }
    EXPECT_EQ(sum, 17277u);
    // Without a byte rate the chunks are one delivery period apart so the backend buffer drains.
    EXPECT_EQ(plan->sends[1].start - plan->sends[0].start, 5333us);
}

TEST(Pacer, DinChunksFollowTheWireRateAndTheNextMessageWaitsForTheWholeWireTime) {
    PacerConfig c = din_config(100ms);
    c.backend_max_message_bytes = 16 * 1024 - 1;
    const std::vector<std::uint64_t> lengths{17408, 10};
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(plan.ok());
    ASSERT_GT(plan->sends.size(), 2u);
    EXPECT_EQ(plan->sends[0].length % 3, 0u);
    for (const auto& s : plan->sends) {
        if (s.message_index == 0) {
            EXPECT_EQ(s.start, syx::wire_time(s.offset, Link::din, {}));
        }
    }
    const auto& second = plan->sends.back();
    EXPECT_EQ(second.message_index, 1u);
    EXPECT_EQ(second.start, syx::wire_time(17408, Link::din, {}) + 100ms);
}

TEST(Pacer, RefusesRatherThanDropsWhenChunkingIsNotAllowed) {
    PacerConfig c;
    c.backend_max_message_bytes = 16 * 1024 - 1;
    c.allow_chunking = false;
    const std::vector<std::uint64_t> lengths{10, 17277};
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, syx::ErrorCode::refused);
    EXPECT_NE(plan.error().message.find("message 2 of 2"), std::string::npos);
    EXPECT_NE(plan.error().message.find("17277"), std::string::npos);
}

TEST(Pacer, SmfTimesSlowDownButNeverSpeedUp) {
    PacerConfig c;
    c.rules.gap_after_message = 100ms;
    c.use_smf_times = true;
    const std::vector<std::uint64_t> lengths{10, 10, 10};
    const std::vector<std::optional<double>> seconds{2.0, 3.0, 3.05};
    auto plan = syx::make_pacing_plan(lengths, c, seconds);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->sends[0].start, 0ns);
    EXPECT_EQ(plan->sends[1].start, 1s); // the file's own timing
    const auto bus = syx::usb_delivery_time(10);
    EXPECT_EQ(plan->sends[2].start, 1s + bus + 100ms); // the gap rule wins over 50 ms
    c.use_smf_times = false;
    auto plain = syx::make_pacing_plan(lengths, c, seconds);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->sends[1].start, bus + 100ms);
}

TEST(Pacer, SettleTimesAreScheduledAndCountInTheFloor) {
    PacerConfig c;
    c.rules.gap_after_message = 20ms;
    c.rules.settle_before_first = 500ms;
    c.rules.settle_after_last = 1s;
    const std::vector<std::uint64_t> lengths{10, 10};
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(plan.ok());
    const auto bus = syx::usb_delivery_time(10);
    EXPECT_EQ(plan->sends[0].start, 500ms);
    EXPECT_EQ(plan->sends[1].start, 520ms + bus);
    EXPECT_EQ(plan->duration, 1520ms + 2 * bus);
    EXPECT_EQ(plan->floor, 1520ms + 2 * bus);
}

TEST(Pacer, AbsoluteDeadlinesButALateSendPushesTheRestBack) {
    PacerConfig c;
    c.rules.gap_after_message = 150ms;
    const std::vector<std::uint64_t> lengths{10, 10, 10};
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(plan.ok());
    const PacerDuration step = 150ms + syx::usb_delivery_time(10); // gap + delivery time
    // On time (a little early wake-up jitter does not accumulate): the planned deadline.
    EXPECT_EQ(syx::next_start(*plan, 1, PacerDuration{0}), step);
    EXPECT_EQ(syx::next_start(*plan, 2, step + 1ms), 2 * step + 1ms);
    EXPECT_EQ(syx::next_start(*plan, 2, step), 2 * step);
    // Late by 40 ms: the gap is kept, not squeezed.
    EXPECT_EQ(syx::next_start(*plan, 2, step + 40ms), 2 * step + 40ms);
}

TEST(Pacer, EmptyTransferIsEmpty) {
    auto plan = syx::make_pacing_plan({}, PacerConfig{});
    ASSERT_TRUE(plan.ok());
    EXPECT_TRUE(plan->sends.empty());
    EXPECT_EQ(plan->duration, 0ns);
}

// The one paced sender waits for a message's departure where the plan's next spacing is longer
// than twice the jitter, and after the last message; never inside a chunked message.
TEST(Pacer, SpaceFromDepartureAtMessageEndsWithRoomAndAtTheEnd) {
    PacerConfig c;
    c.link = Link::usb;
    c.rules.gap_after_message = 20ms;
    c.backend_max_message_bytes = 300;
    const std::vector<std::uint64_t> lengths{1000, 10, 10};
    auto plan = syx::make_pacing_plan(lengths, c);
    ASSERT_TRUE(plan.ok());
    const auto& sends = plan->sends;
    ASSERT_GT(sends.size(), 3u);
    for (std::size_t i = 0; i < sends.size(); ++i) {
        const bool expected = sends[i].last_chunk();
        EXPECT_EQ(syx::space_from_departure(*plan, i, 5ms), expected) << i;
    }
    // A gap shorter than the jitter (spacing 20 + 25 ms, under twice 25 ms): only the last send
    // waits.
    for (std::size_t i = 0; i + 1 < sends.size(); ++i) {
        EXPECT_FALSE(syx::space_from_departure(*plan, i, 25ms)) << i;
    }
    EXPECT_TRUE(syx::space_from_departure(*plan, sends.size() - 1, 25ms));
}

// The file's intervals hold even after the gap rule pushed a message later than its own time:
// 0, 10 ms, 200 ms with a 150 ms gap → 0, 150, 340 ms (the file's 190 ms after message 2 kept),
// not 0, 150, 300 (a timeline from the first message would squeeze that interval to 150 ms).
TEST(Pacer, SmfIntervalsAreKeptAfterAMessageTheGapPushedBack) {
    PacerConfig c;
    c.rules.gap_after_message = 150ms;
    c.use_smf_times = true;
    const std::vector<std::uint64_t> lengths{10, 10, 10};
    const std::vector<std::optional<double>> seconds{0.0, 0.010, 0.200};
    auto plan = syx::make_pacing_plan(lengths, c, seconds);
    ASSERT_TRUE(plan.ok());
    const auto bus = syx::usb_delivery_time(10);
    EXPECT_EQ(plan->sends[1].start, 150ms + bus);
    EXPECT_EQ(plan->sends[2].start, 340ms + bus);
}
