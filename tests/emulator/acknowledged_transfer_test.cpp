// An acknowledged transfer (issue 15) alongside the gap-based one: with [pacing.handshake]
// kind = "ack" the next block goes only after the device acknowledged the previous one, and a
// NAK stops the transfer naming the device's error code and its documented meaning
// ([pacing.handshake.nak_codes]). The device here is a minimal test-only MIOS8-style responder
// (the real MIOS8 manifest and emulator are the firmware-formats work): it wraps the emulated
// MIDIFly, and after each complete message answers F0 00 00 7E 40 00 0F <checksum> F7, or
// F0 00 00 7E 40 00 0E 03 F7 ("checksum error") for a chosen message [C: midibox/mios8
// doc/mios/mios_sysex_implementation.txt as summarised in ../shared/FIRMWARE_FORMATS.md].
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

// Acks each complete SysEx message the inner device receives; message `nak_at` (1-based) gets
// error 03 instead; `silent_from` (1-based) and later get no answer at all.
class AckingLoader final : public emu::DeviceModel {
public:
    AckingLoader(std::unique_ptr<emu::DeviceModel> inner, std::size_t nak_at,
                 std::size_t silent_from)
        : m_inner(std::move(inner)), m_nak_at(nak_at), m_silent_from(silent_from) {}

    const emu::DeviceModelSpec& spec() const override { return m_inner->spec(); }
    emu::Outputs on_message(std::span<const std::uint8_t> bytes, emu::Time now) override {
        auto out = m_inner->on_message(bytes, now);
        for (const auto b : bytes) {
            if (b == 0xF0) {
                m_sum = 0;
            } else if (b == 0xF7) {
                ++m_received;
                if (m_received >= m_silent_from) {
                    continue;
                }
                emu::Bytes reply{0xF0, 0x00, 0x00, 0x7E, 0x40, 0x00};
                if (m_received == m_nak_at) {
                    reply.insert(reply.end(), {0x0E, 0x03, 0xF7});
                } else {
                    reply.insert(reply.end(),
                                 {0x0F, static_cast<std::uint8_t>(m_sum & 0x7F), 0xF7});
                }
                out.push_back({std::move(reply), now + 5ms});
            } else {
                m_sum = static_cast<std::uint8_t>(m_sum + b);
            }
        }
        return out;
    }
    emu::Outputs advance(emu::Time now) override { return m_inner->advance(now); }
    std::optional<emu::Time> next_deadline() const override { return m_inner->next_deadline(); }
    std::string display_text() const override { return m_inner->display_text(); }
    std::vector<emu::Button> buttons() const override { return m_inner->buttons(); }
    emu::Outputs press(std::string_view button, emu::Time now) override {
        return m_inner->press(button, now);
    }
    emu::Outputs power_cycle(std::span<const std::string> held, emu::Time now) override {
        return m_inner->power_cycle(held, now);
    }
    emu::Outputs power_loss(emu::Time now) override { return m_inner->power_loss(now); }
    std::string firmware_version_text() const override { return m_inner->firmware_version_text(); }
    std::string mode() const override { return m_inner->mode(); }
    std::vector<emu::ModelNote> notes() const override { return m_inner->notes(); }

    std::size_t received() const { return m_received; }

private:
    std::unique_ptr<emu::DeviceModel> m_inner;
    std::size_t m_nak_at;
    std::size_t m_silent_from;
    std::size_t m_received = 0;
    std::uint8_t m_sum = 0;
};

// The MIDIFly manifest with an acknowledged transfer: the handshake as the MIOS8 loader's.
Manifest acked_manifest() {
    Manifest m = test::shipped_manifest("parker-midifly");
    auto& hs = m.pacing.handshake;
    hs.kind = HandshakeKind::ack;
    hs.ack_pattern = *BytePattern::parse("F0 00 00 7E 40 ?? 0F");
    hs.nak_pattern = *BytePattern::parse("F0 00 00 7E 40 ?? 0E");
    hs.nak_codes = {{0x01, "fewer bytes than announced"}, {0x03, "checksum error"}};
    hs.timeout = 2000ms;
    return m;
}

UpdateOptions din_options() {
    UpdateOptions o;
    o.link = Link::din;
    o.backup = BackupGate{BackupGateKind::given_file, "test backup"};
    o.unknown_release = UnknownReleasePolicy::allow;
    return o;
}

std::unique_ptr<AckingLoader> loader(std::size_t nak_at, std::size_t silent_from) {
    return std::make_unique<AckingLoader>(syx::emu::make_device_model("parker-midifly"), nak_at,
                                          silent_from);
}

TEST(AcknowledgedTransfer, EachBlockWaitsForTheAckAndANakStopsWithTheCodesMeaning) {
    const auto fw = test::syx_file(emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    ASSERT_GT(fw->messages.size(), 4u);

    // Acknowledged all the way: every block sent, each after the previous one's ack.
    {
        auto device = loader(0, SIZE_MAX);
        SessionHarness h(*device);
        UpdateSession s(acked_manifest(), fw, din_options());
        const auto outcome = h.run(s, UserSteps{});
        EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
        EXPECT_EQ(h.messages_in.size(), fw->messages.size()) << outcome.message;
        EXPECT_EQ(device->received(), fw->messages.size());
    }
    // Error 03 on block 3: the transfer stops there, names the code and what it means, and
    // block 4 is never sent.
    {
        auto device = loader(3, SIZE_MAX);
        SessionHarness h(*device);
        UpdateSession s(acked_manifest(), fw, din_options());
        const auto outcome = h.run(s, UserSteps{});
        EXPECT_EQ(outcome.kind, OutcomeKind::transfer_failed);
        EXPECT_NE(outcome.message.find("refused message 3 of"), std::string::npos)
            << outcome.message;
        EXPECT_NE(outcome.message.find("error 03, checksum error"), std::string::npos)
            << outcome.message;
        EXPECT_EQ(h.messages_in.size(), 3u);
        EXPECT_TRUE(outcome.device_touched);
    }
    // No answer to block 2: nothing more is sent; the timeout is the failure.
    {
        auto device = loader(0, 2);
        SessionHarness h(*device);
        UpdateSession s(acked_manifest(), fw, din_options());
        const auto outcome = h.run(s, UserSteps{});
        EXPECT_EQ(outcome.kind, OutcomeKind::transfer_failed);
        EXPECT_NE(outcome.message.find("No acknowledgement for message 2"), std::string::npos)
            << outcome.message;
        EXPECT_EQ(h.messages_in.size(), 2u);
    }
}

} // namespace
