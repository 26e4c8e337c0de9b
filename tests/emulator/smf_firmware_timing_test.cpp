// A .mid firmware keeps the timing it carries (issue 15): the update's pacing plan never sends
// faster than the file's own event times, nor than the manifest's gap. The file is built here as
// a Standard MIDI File (format 0, 1000 ticks per quarter at 1 000 000 µs per quarter: one tick is
// one millisecond) around the emulated MIDIFly's modelled firmware messages.
#include <gtest/gtest.h>

#include "core/update_session.hpp"
#include "emulator/modelled_firmware.hpp"
#include "emulator/session_harness.hpp"

namespace {

using namespace syx;
using namespace syx::session;
using namespace std::chrono_literals;
using syx::test::SessionHarness;
using syx::test::UserSteps;

void put_varlen(std::vector<std::uint8_t>& out, std::uint32_t value) {
    std::vector<std::uint8_t> groups{static_cast<std::uint8_t>(value & 0x7F)};
    while ((value >>= 7) != 0) {
        groups.push_back(static_cast<std::uint8_t>(0x80 | (value & 0x7F)));
    }
    out.insert(out.end(), groups.rbegin(), groups.rend());
}

void put_be(std::vector<std::uint8_t>& out, std::uint32_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

// One SysEx event per message at the given millisecond times.
std::vector<std::uint8_t> build_mid(const std::vector<std::vector<std::uint8_t>>& messages,
                                    const std::vector<std::uint32_t>& at_ms) {
    std::vector<std::uint8_t> track{0x00, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40}; // 1 s per quarter
    std::uint32_t now = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        put_varlen(track, at_ms[i] - now);
        now = at_ms[i];
        track.push_back(0xF0);
        put_varlen(track, static_cast<std::uint32_t>(messages[i].size() - 1));
        track.insert(track.end(), messages[i].begin() + 1, messages[i].end());
    }
    track.insert(track.end(), {0x00, 0xFF, 0x2F, 0x00});
    std::vector<std::uint8_t> file{'M', 'T', 'h', 'd'};
    put_be(file, 6, 4);
    put_be(file, 0, 2);    // format 0
    put_be(file, 1, 2);    // one track
    put_be(file, 1000, 2); // ticks per quarter
    file.insert(file.end(), {'M', 'T', 'r', 'k'});
    put_be(file, static_cast<std::uint32_t>(track.size()), 4);
    file.insert(file.end(), track.begin(), track.end());
    return file;
}

TEST(SmfFirmwareTiming, UploadOfAMidKeepsTheFilesIntervalsAndTheManifestsGap) {
    const auto messages = emu::make_test_firmware("parker-midifly", {1, 2, 0, 0});
    ASSERT_GE(messages.size(), 6u);
    // Mostly 10 ms apart (faster than the MIDIFly's 150 ms: the gap wins), with two long pauses
    // the file asks for (the gap rule alone would send those sooner).
    std::vector<std::uint32_t> at_ms;
    std::uint32_t t = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        at_ms.push_back(t);
        t += (i == 2 || i == 4) ? 900 : 10;
    }
    const auto bytes = build_mid(messages, at_ms);
    auto file = std::make_shared<const SysexFile>(read_sysex_bytes(bytes));
    ASSERT_EQ(file->messages.size(), messages.size());
    ASSERT_TRUE(file->messages[3].seconds.has_value());
    EXPECT_NEAR(*file->messages[3].seconds - *file->messages[2].seconds, 0.9, 1e-6);

    auto device = test::emulated("parker-midifly", Link::din);
    SessionHarness h(*device);
    UpdateOptions o;
    o.link = Link::din;
    o.backup = BackupGate{BackupGateKind::given_file, "test backup"};
    o.unknown_release = UnknownReleasePolicy::allow;
    UpdateSession s(test::shipped_manifest("parker-midifly"), file, o);
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
    ASSERT_EQ(h.arrivals.size(), messages.size());
    for (std::size_t i = 1; i < h.arrivals.size(); ++i) {
        // The manifest's gap: silence at the device's input [C: MIDIFly manual] …
        EXPECT_GE(h.arrivals[i].first - h.arrivals[i - 1].second, 150ms) << "message " << i + 1;
        // … and never sooner after the previous message's start than the file's interval.
        EXPECT_GE(h.arrivals[i].first - h.arrivals[i - 1].first,
                  std::chrono::milliseconds(at_ms[i] - at_ms[i - 1]))
            << "message " << i + 1;
    }
}

} // namespace
