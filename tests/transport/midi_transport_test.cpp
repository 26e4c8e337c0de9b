#include <thread>

#include "fake_transport.hpp"
#include <gtest/gtest.h>

#include "transport/receive_queue.hpp"
#include "transport/rtmidi/alsa_cards.hpp"
#include "transport/rtmidi/rtmidi_transport.hpp"

using syx::transport::MidiApi;

TEST(MidiTransport, ApiNamesRoundTrip) {
    for (auto api : syx::transport::all_apis()) {
        EXPECT_EQ(syx::transport::parse_api(syx::transport::to_string(api)), api);
    }
    EXPECT_FALSE(syx::transport::parse_api("alsa-seq").has_value());
}

TEST(MidiTransport, FactoriesAreRegisteredAndUnknownOnesSayWhatToDo) {
    syx::transport::register_transport_factory(MidiApi::emulated, [] {
        return syx::Result<std::unique_ptr<syx::transport::MidiTransport>>(
            std::unique_ptr<syx::transport::MidiTransport>(
                std::make_unique<syx::test::FakeTransport>()));
    });
    auto made = syx::transport::make_transport(MidiApi::emulated);
    ASSERT_TRUE(made.ok());
    EXPECT_EQ((*made)->api(), MidiApi::emulated);

    syx::transport::register_rtmidi_transports();
    EXPECT_EQ(syx::transport::has_transport_factory(MidiApi::jack),
              syx::transport::rtmidi_has_api(MidiApi::jack));
    if (!syx::transport::rtmidi_has_api(MidiApi::winmm)) {
        auto missing = syx::transport::make_transport(MidiApi::winmm);
        ASSERT_FALSE(missing.ok());
        EXPECT_NE(missing.error().message.find("winmm"), std::string::npos);
    }
}

TEST(MidiTransport, RtMidiJackBackendDeclaresItsLimits) {
    if (!syx::transport::rtmidi_has_api(MidiApi::jack)) {
        GTEST_SKIP() << "RtMidi without JACK";
    }
    auto t = syx::transport::make_rtmidi_transport(MidiApi::jack);
    ASSERT_TRUE(t.ok());
    // Under RtMidi's 16 KiB JACK ring buffer, so nothing is silently dropped.
    ASSERT_TRUE((*t)->max_send_bytes().has_value());
    EXPECT_LT(*(*t)->max_send_bytes(), 16u * 1024);
    // Sending without an open port is an error, not a crash.
    const std::vector<std::uint8_t> bytes{0xF0, 0xF7};
    EXPECT_FALSE((*t)->send(bytes).ok());
}

TEST(ReceiveQueue, HandsMessagesFromTheBackendThreadToTheWorker) {
    syx::transport::ReceiveQueue queue;
    auto callback = queue.callback();
    std::thread backend([&] {
        for (std::uint8_t i = 0; i < 100; ++i) {
            const std::vector<std::uint8_t> bytes{0xF0, i, 0xF7};
            callback(bytes, syx::transport::Clock::now());
        }
    });
    std::size_t received = 0;
    const auto deadline = syx::transport::Clock::now() + std::chrono::seconds(5);
    while (received < 100) {
        auto m = queue.pop_until(deadline);
        ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m->bytes[1], received);
        ++received;
    }
    backend.join();
    EXPECT_FALSE(queue.try_pop().has_value());
}

TEST(AlsaCards, UsbCardsFromProcAsoundCards) {
    // Shape of /proc/asound/cards (sound/core/init.c) on a machine with the ports from the issue.
    const std::string text =
        " 0 [USB            ]: USB-Audio - Scarlett 2i4 USB\n"
        "                      Focusrite Scarlett 2i4 USB at usb-0000:00:14.0-1, high speed\n"
        " 1 [UMONE          ]: USB-Audio - UM-ONE\n"
        "                      Roland UM-ONE at usb-0000:00:14.0-3, full speed\n"
        " 2 [SE             ]: USB-Audio - Little Phatty SE\n"
        "                      Moog Music Inc. Little Phatty SE at usb-0000:00:14.0-2, full speed\n"
        " 3 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
        "                      HDA Intel PCH at 0xf7f10000 irq 32\n";
    const auto cards = syx::transport::parse_proc_asound_cards(text);
    ASSERT_EQ(cards.size(), 4u);
    EXPECT_EQ(cards[2].name, "Little Phatty SE");
    EXPECT_EQ(cards[2].id, "SE");
    EXPECT_TRUE(cards[2].usb);
    EXPECT_FALSE(cards[3].usb);
    EXPECT_EQ(
        syx::transport::alsa_port_is_usb("Little Phatty SE:Little Phatty SE MIDI 1 24:0", cards),
        true);
    EXPECT_EQ(syx::transport::alsa_port_is_usb("UM-ONE:UM-ONE MIDI 1 20:0", cards), true);
    EXPECT_EQ(syx::transport::alsa_port_is_usb("Midi Through:Midi Through Port-0 14:0", cards),
              std::nullopt);
    EXPECT_FALSE(syx::transport::alsa_port_is_gadget_side("UM-ONE:UM-ONE MIDI 1 20:0", cards));
}

TEST(AlsaCards, GadgetFarSideIsNotAnInstrumentPort) {
    // /proc/asound/cards in the VM tests (tests/vm/jobs/port_ranking.sh): a configfs USB-MIDI
    // gadget's own side (driver "MIDI Gadget", client "f_midi") next to the host side
    // snd-usb-audio made of it. Only the host side is a port to an instrument.
    const std::string text = " 0 [lp             ]: MIDI Gadget - f_midi\n"
                             "                      MIDI Gadget\n"
                             " 1 [Phatty         ]: USB-Audio - Little Phatty\n"
                             "                      Moog Music Little Phatty at "
                             "usb-dummy_hcd.0-1, high speed\n";
    const auto cards = syx::transport::parse_proc_asound_cards(text);
    ASSERT_EQ(cards.size(), 2u);
    EXPECT_TRUE(cards[0].gadget);
    EXPECT_FALSE(cards[1].gadget);
    EXPECT_TRUE(syx::transport::alsa_port_is_gadget_side("f_midi:f_midi 16:0", cards));
    EXPECT_TRUE(syx::transport::alsa_port_is_gadget_side("f_midi:f_midi-3 32:3", cards));
    EXPECT_FALSE(
        syx::transport::alsa_port_is_gadget_side("Little Phatty:Little Phatty MIDI 1 20:0", cards));
    EXPECT_FALSE(
        syx::transport::alsa_port_is_gadget_side("Midi Through:Midi Through Port-0 14:0", cards));
}
