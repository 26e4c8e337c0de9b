// End to end through a real JACK server (DESIGN.md §9): `syxflash-cli emulate` serves the Little
// Phatty on virtual JACK ports and a separate JACK client (our RtMidi transport) asks it for its
// identity and dumps. Part of syxflash_jack_tests, which runs against the private server of the
// syxflash_jack CTest fixture (tests/transport/tests.cmake).
#include <thread>

#include "emulate_process.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "transport/receive_queue.hpp"
#include "transport/rtmidi/rtmidi_transport.hpp"

namespace syx::transport {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

using syx::test::EmulateProcess;

// Reassembles SysEx pieces (RtMidi's JACK input delivers each JACK event on its own, and the
// emulator splits messages above 4 KiB) until one F0…F7 message is complete.
std::optional<Bytes> receive_message(ReceiveQueue& queue, std::chrono::seconds timeout) {
    Bytes message;
    const auto deadline = Clock::now() + timeout;
    while (auto piece = queue.pop_until(deadline)) {
        message.insert(message.end(), piece->bytes.begin(), piece->bytes.end());
        if (!message.empty() && message.back() == 0xF7) {
            return message;
        }
    }
    return std::nullopt;
}

// A non-realtime JACK server on a busy machine drops whole cycles ("client was not finished",
// its output is lost), so a request whose answer does not arrive complete is asked again, up to
// three times; what arrives is checked byte for byte.
std::optional<Bytes> ask(MidiTransport& client, ReceiveQueue& queue, const Bytes& request,
                         std::size_t expected_size) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        while (queue.try_pop()) {
        }
        if (!client.send(request).ok()) {
            return std::nullopt;
        }
        auto reply = receive_message(queue, 3s);
        if (reply && reply->size() == expected_size) {
            return reply;
        }
    }
    return std::nullopt;
}

Bytes lp_request(std::uint8_t req, std::uint8_t arg) {
    Bytes m{0xF0, 0x04, 0x05, 0x06, req, arg};
    m.insert(m.end(), 11, 0x00); // 11 zero bytes [C]
    m.push_back(0xF7);
    return m;
}

TEST(EmulateOverJack, SeparateClientGetsTheDocumentedIdentityReplyAndDumps) {
    register_rtmidi_transports();
    auto made = make_transport(MidiApi::jack);
    if (!made.ok()) {
        GTEST_SKIP() << "no JACK backend: " << made.error().message;
    }
    auto client = std::move(made).value();
    if (!client->list_ports().ok()) {
        GTEST_SKIP() << "no JACK server running";
    }
    const std::string name = "syxflash-emu-test-" + std::to_string(::getpid());
    EmulateProcess emulate({"emulate", "moog-little-phatty", "--api", "jack", "--name", name});

    // Wait for its ports to appear (real time: the process needs a moment to register them).
    bool present = false;
    for (int i = 0; i < 100 && !present; ++i) {
        const auto ports = client->list_ports();
        present = ports.ok() && std::any_of(ports->begin(), ports->end(), [&](const PortInfo& p) {
                      return p.name == name + "-out:out";
                  });
        if (!present) {
            std::this_thread::sleep_for(50ms);
        }
    }
    ASSERT_TRUE(present) << "emulate did not create " << name << "-out:out";

    ReceiveQueue queue;
    client->set_receive_callback(queue.callback());
    OpenOptions options;
    options.output_port = name + ":in";
    options.input_port = name + "-out:out";
    options.client_name = "syxflash-jack-test";
    ASSERT_TRUE(client->open(options).ok());

    const auto identity = ask(*client, queue, Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}, 15);
    ASSERT_TRUE(identity.has_value());
    const Bytes documented{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00, 0x01};
    ASSERT_EQ(identity->size(), 15U);
    EXPECT_TRUE(std::equal(documented.begin(), documented.end(), identity->begin()));

    const auto preset = ask(*client, queue, lp_request(0x04, 5), 193);
    ASSERT_TRUE(preset.has_value());
    EXPECT_EQ(preset->size(), 193U);
    EXPECT_EQ((Bytes{preset->begin(), preset->begin() + 6}),
              (Bytes{0xF0, 0x04, 0x05, 0x05, 0x03, 0x05}));

    const auto bank = ask(*client, queue, lp_request(0x00, 0), 17144);
    ASSERT_TRUE(bank.has_value());
    EXPECT_EQ(bank->size(), 17144U); // more than RtMidi's JACK ring: split, then re-framed
    EXPECT_EQ((Bytes{bank->begin(), bank->begin() + 5}), (Bytes{0xF0, 0x04, 0x05, 0x01, 0x03}));

    // Front panel through stdin: SYSEX > SEND PRESET sends the current preset unasked.
    std::optional<Bytes> pushed;
    for (int attempt = 0; attempt < 3 && !(pushed && pushed->size() == 193); ++attempt) {
        emulate.type("press sysex-send-preset");
        pushed = receive_message(queue, 3s);
    }
    ASSERT_TRUE(pushed.has_value());
    EXPECT_EQ(pushed->size(), 193U);

    // A preset sent to it changes its display, which `emulate` prints. A received preset goes to
    // the current preset location (LP manual, SysEx section [R]): the one it just pushed.
    const std::uint8_t current = (*pushed)[5];
    Bytes incoming{0xF0, 0x04, 0x05, 0x05, 0x03, current};
    incoming.insert(incoming.end(), 186, 0x01);
    incoming.push_back(0xF7);
    std::optional<Bytes> stored;
    for (int attempt = 0; attempt < 3 && !(stored && *stored == incoming); ++attempt) {
        ASSERT_TRUE(client->send(incoming).ok());
        stored = ask(*client, queue, lp_request(0x04, current), 193);
    }
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(*stored, incoming);
    client->close();

    const auto [exit_code, text] = emulate.stop();
    EXPECT_EQ(exit_code, 0) << text;
    EXPECT_NE(text.find("display: PRESET 00"), std::string::npos) << text;
    EXPECT_NE(text.find("display: RECEIVING SINGLE PRESET"), std::string::npos) << text;
}

} // namespace
} // namespace syx::transport
