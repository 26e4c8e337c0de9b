// Port classification with port names as Linux shows them (ALSA sequencer client:port names).
#include <gtest/gtest.h>

#include "core/port_classifier.hpp"

using syx::PortKind;

namespace {
const std::string kPhatty = "Little Phatty SE:Little Phatty SE MIDI 1 24:0";
const std::string kUmOne = "UM-ONE:UM-ONE MIDI 1 20:0";
const std::string kScarlett = "Scarlett 2i4 USB:Scarlett 2i4 USB MIDI 1 16:0";
const std::string kThrough = "Midi Through:Midi Through Port-0 14:0";
const std::vector<std::string> kPhattyPatterns{"Little Phatty*"};
} // namespace

TEST(PortClassifier, DeviceOwnUsbPortByManifestPattern) {
    auto c = syx::classify_port(kPhatty, std::nullopt, kPhattyPatterns);
    EXPECT_EQ(c.kind, PortKind::device_usb);
    EXPECT_TRUE(c.matches_device);
}

TEST(PortClassifier, UsbCardWithoutPatternIsAUsbDevice) {
    EXPECT_EQ(syx::classify_port(kPhatty, true).kind, PortKind::device_usb);
    EXPECT_EQ(syx::classify_port(kPhatty, std::nullopt).kind, PortKind::unknown);
}

TEST(PortClassifier, InterfacesEvenThoughTheyAreOnUsb) {
    // The UM-ONE and the Scarlett's MIDI jacks are USB cards, but a DIN cable carries the bytes.
    EXPECT_EQ(syx::classify_port(kUmOne, true).kind, PortKind::interface);
    EXPECT_EQ(syx::classify_port(kScarlett, true).kind, PortKind::interface);
    EXPECT_FALSE(syx::classify_port(kUmOne, true).known_bad.has_value());
}

TEST(PortClassifier, VirtualPorts) {
    EXPECT_EQ(syx::classify_port(kThrough, false).kind, PortKind::virtual_port);
    EXPECT_EQ(syx::classify_port("RtMidi Output Client:syxflash out 130:0", std::nullopt).kind,
              PortKind::virtual_port);
}

TEST(PortClassifier, CheapCableIsFlaggedWithEvidence) {
    auto c = syx::classify_port("USB2.0-MIDI:USB2.0-MIDI MIDI 1 28:0", true);
    EXPECT_EQ(c.kind, PortKind::interface);
    ASSERT_TRUE(c.known_bad.has_value());
    EXPECT_NE(c.known_bad->find("CH345"), std::string::npos);
    EXPECT_NE(c.known_bad->find("reported"), std::string::npos);
}

TEST(PortClassifier, PatternsAreCaseInsensitiveGlobsOrSubstrings) {
    EXPECT_TRUE(syx::port_name_matches(kPhatty, "little phatty*"));
    EXPECT_TRUE(syx::port_name_matches(kPhatty, "PHATTY"));
    EXPECT_TRUE(syx::port_name_matches(kPhatty, "*MIDI 1*"));
    EXPECT_FALSE(syx::port_name_matches(kPhatty, "Voyager*"));
    EXPECT_FALSE(syx::port_name_matches(kPhatty, ""));
}

TEST(PortClassifier, RankingPutsTheDevicesUsbPortFirstWithAReason) {
    const std::vector<syx::PortCandidate> ports{
        {kThrough, false}, {kUmOne, true}, {kScarlett, true}, {kPhatty, true}};
    auto ranked =
        syx::rank_ports(ports, kPhattyPatterns, syx::LinkPreference::prefer_usb, "Little Phatty");
    ASSERT_EQ(ranked.size(), 4u);
    EXPECT_EQ(ports[ranked[0].index].name, kPhatty);
    EXPECT_TRUE(ranked[0].recommended);
    EXPECT_NE(ranked[0].reason.find("own USB port"), std::string::npos);
    EXPECT_EQ(ports[ranked.back().index].name, kThrough);
    EXPECT_FALSE(ranked.back().usable);
    EXPECT_FALSE(ranked[1].recommended);
}

TEST(PortClassifier, DinOnlyDeviceGetsTheInterface) {
    // The Octatrack takes firmware over DIN only (DEVICES.md).
    const std::vector<syx::PortCandidate> ports{{"Octatrack:Octatrack MIDI 1 24:0", true},
                                                {kUmOne, true}};
    auto ranked =
        syx::rank_ports(ports, {"Octatrack*"}, syx::LinkPreference::din_only, "Octatrack");
    EXPECT_EQ(ports[ranked[0].index].name, kUmOne);
    EXPECT_TRUE(ranked[0].recommended);
    EXPECT_FALSE(ranked[1].usable);
    EXPECT_NE(ranked[1].reason.find("DIN only"), std::string::npos);
}

TEST(PortClassifier, KnownBadInterfaceRanksBelowAGoodOne) {
    const std::vector<syx::PortCandidate> ports{{"USB MIDI Cable:USB MIDI Cable MIDI 1 28:0", true},
                                                {kUmOne, true}};
    auto ranked = syx::rank_ports(ports, kPhattyPatterns);
    EXPECT_EQ(ports[ranked[0].index].name, kUmOne);
}

// The M-Audio Code shows four USB ports, all matching its manifest pattern "Code": "USB MIDI"
// (the keyboard), "MIDI DIN" (pass-through to the 5-pin jacks), "Mackie/HUI" and "Editor"
// [R: ../shared/DEVICES.md, M-Audio Code]. Listed in an order where the pass-through comes first.
TEST(PortClassifier, CodeUsbMidiPortIsRankedFirstAndItsOtherPortsAreNeverRecommended) {
    const std::vector<syx::PortCandidate> ports{
        {"Code 49:Code 49 MIDI DIN 24:1", true},
        {"Code 49:Code 49 Mackie/HUI 24:2", true},
        {"Code 49:Code 49 Editor 24:3", true},
        {"Code 49:Code 49 USB MIDI 24:0", true},
    };
    const auto ranked =
        syx::rank_ports(ports, {"Code"}, syx::LinkPreference::prefer_usb, "M-Audio Code");
    ASSERT_EQ(ranked.size(), 4U);
    EXPECT_EQ(ranked[0].index, 3U);
    EXPECT_TRUE(ranked[0].recommended);
    for (std::size_t i = 1; i < ranked.size(); ++i) {
        EXPECT_FALSE(ranked[i].recommended) << ports[ranked[i].index].name;
        EXPECT_TRUE(ranked[i].ask_first) << ports[ranked[i].index].name;
        EXPECT_TRUE(ranked[i].classification.secondary_role.has_value());
    }
}

TEST(PortClassifier, OnlySecondaryPortsOfTheDeviceMeansNothingIsPickedForTheUser) {
    // Only the pass-through is connected: it is listed, but syxflash does not choose it.
    const std::vector<syx::PortCandidate> ports{{"Code 61:Code 61 MIDI DIN 24:1", true}};
    const auto ranked = syx::rank_ports(ports, {"Code"});
    ASSERT_EQ(ranked.size(), 1U);
    EXPECT_FALSE(ranked[0].recommended);
    EXPECT_TRUE(ranked[0].ask_first);
    EXPECT_NE(ranked[0].reason.find("pass-through"), std::string::npos) << ranked[0].reason;
}
