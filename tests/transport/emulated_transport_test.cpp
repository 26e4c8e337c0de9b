// The in-process emulated transport in real time: answers arrive through the receive callback
// like any backend's. Waits use deadlines on the queue (no sleeping).
#include <gtest/gtest.h>

#include "emulator/fault_spec.hpp"
#include "transport/emulated_transport.hpp"
#include "transport/receive_queue.hpp"

namespace syx::transport {
namespace {

using namespace std::chrono_literals;

const std::vector<std::uint8_t> kIdentityRequest{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};

std::unique_ptr<MidiTransport> open_port(const std::string& id, ReceiveQueue& queue) {
    register_emulated_transport();
    auto transport = make_transport(MidiApi::emulated);
    EXPECT_TRUE(transport.ok());
    auto t = std::move(transport).value();
    t->set_receive_callback(queue.callback());
    OpenOptions options;
    options.output_port = id;
    options.input_port = id;
    EXPECT_TRUE(t->open(options).ok());
    return t;
}

TEST(EmulatedTransport, ListsEveryEmulatedDeviceAsInputAndOutputPort) {
    register_emulated_transport();
    auto transport = std::move(make_transport(MidiApi::emulated)).value();
    EXPECT_EQ(transport->api(), MidiApi::emulated);
    const auto ports = transport->list_ports();
    ASSERT_TRUE(ports.ok());
    std::size_t lp = 0;
    for (const auto& p : *ports) {
        lp += p.name == "moog-little-phatty" ? 1U : 0U;
    }
    EXPECT_EQ(lp, 2U);
    EXPECT_EQ(ports->size(), 16U);
}

TEST(EmulatedTransport, LittlePhattyAnswersTheIdentityRequest) {
    ReceiveQueue queue;
    auto t = open_port("moog-little-phatty", queue);
    ASSERT_TRUE(t->send(kIdentityRequest).ok());
    const auto reply = queue.pop_until(Clock::now() + 2s);
    ASSERT_TRUE(reply.has_value());
    const std::vector<std::uint8_t> prefix{0xF0, 0x7E, 0x7F, 0x06, 0x02,
                                           0x04, 0x00, 0x05, 0x00, 0x01};
    ASSERT_EQ(reply->bytes.size(), 15U);
    EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), reply->bytes.begin()));
    EXPECT_TRUE(t->ports_still_present().ok());
    t->close();
}

TEST(EmulatedTransport, KStationAnswersCurrentSoundRequestWith142Bytes) {
    ReceiveQueue queue;
    auto t = open_port("novation-k-station", queue);
    const std::vector<std::uint8_t> request{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F,
                                            0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF7};
    ASSERT_TRUE(t->send(request).ok());
    // 142 bytes over DIN take 45 ms to arrive.
    const auto reply = queue.pop_until(Clock::now() + 2s);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->bytes.size(), 142U);
}

TEST(EmulatedTransport, UnknownPortIsAnError) {
    register_emulated_transport();
    auto t = std::move(make_transport(MidiApi::emulated)).value();
    OpenOptions options;
    options.output_port = "roland-d50";
    const auto status = t->open(options);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("no emulator for 'roland-d50'"), std::string::npos);
}

TEST(EmulatedTransport, UnplugFaultMakesSendFailAndThePortVanish) {
    auto faults = emu::parse_fault_specs({"unplug-at=10"});
    ASSERT_TRUE(faults.ok());
    auto device = make_emulated_device_runner("parker-midifly", *faults, 1);
    ASSERT_TRUE(device.ok());
    const std::vector<std::uint8_t> sixteen(16, 0x00);
    EXPECT_TRUE((*device)->send(sixteen).ok());
    EXPECT_FALSE((*device)->port_present());
    const auto status = (*device)->send(sixteen);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::port_vanished);
    ASSERT_EQ((*device)->fault_events().size(), 1U);
}

TEST(EmulatedTransport, DisplayListenerSeesTheDeviceChangeAndTimePass) {
    auto device = make_emulated_device_runner("moog-little-phatty", {}, 1);
    ASSERT_TRUE(device.ok());
    ReceiveQueue displays; // reuse the queue as a thread-safe inbox of display texts
    (*device)->set_display_listener([&displays](const std::string& text) {
        displays.push(std::vector<std::uint8_t>(text.begin(), text.end()), Clock::now());
    });
    std::vector<std::uint8_t> preset{0xF0, 0x04, 0x05, 0x05, 0x03, 0x01};
    preset.insert(preset.end(), 186, 0x10);
    preset.push_back(0xF7);
    ASSERT_TRUE((*device)->send(preset).ok());
    const auto first = displays.pop_until(Clock::now() + 2s);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(std::string(first->bytes.begin(), first->bytes.end()), "RECEIVING SINGLE PRESET");
    // The message clears by itself after a while in emulated (here: real) time.
    const auto second = displays.pop_until(Clock::now() + 5s);
    ASSERT_TRUE(second.has_value());
    EXPECT_NE(std::string(second->bytes.begin(), second->bytes.end()), "RECEIVING SINGLE PRESET");
    (*device)->set_display_listener({});
}

} // namespace
} // namespace syx::transport
