#include <gtest/gtest.h>

#include "core/device_ports.hpp"

namespace syx {
namespace {

TEST(DevicePorts, AlsaShowsOneNameForBothDirections) {
    const std::vector<std::string> inputs{"Midi Through:Midi Through Port-0 14:0",
                                          "UM-ONE:UM-ONE MIDI 1 20:0"};
    EXPECT_EQ(paired_input_port("UM-ONE:UM-ONE MIDI 1 20:0", inputs), "UM-ONE:UM-ONE MIDI 1 20:0");
}

TEST(DevicePorts, JackClientsPairByNameWithoutTheDirectionWords) {
    // `syxflash-cli emulate --api jack --name lp` shows the ports lp:in and lp-out:out.
    const std::vector<std::string> inputs{"system:capture_1", "lp-out:out", "other-out:out"};
    EXPECT_EQ(paired_input_port("lp:in", inputs), "lp-out:out");
    EXPECT_EQ(paired_input_port("lp-in:in", inputs), "lp-out:out");
    EXPECT_EQ(paired_input_port("Synth MIDI Output", {"Synth MIDI Input"}), "Synth MIDI Input");
}

TEST(DevicePorts, NoPairWhenNothingOrSeveralMatch) {
    EXPECT_FALSE(paired_input_port("UM-ONE:UM-ONE MIDI 1 20:0", {"Other:Other 1 24:0"}));
    EXPECT_FALSE(paired_input_port("x-in:in", {"x-out:out", "x:input"})) << "ambiguous";
}

TEST(DevicePorts, LinkPreferenceFollowsTheManifest) {
    Transports t;
    t.usb = LinkUse::preferred;
    EXPECT_EQ(link_preference(t), LinkPreference::prefer_usb);
    t.usb = LinkUse::unsupported;
    EXPECT_EQ(link_preference(t), LinkPreference::din_only);
    t.usb = LinkUse::allowed;
    t.din = LinkUse::required;
    EXPECT_EQ(link_preference(t), LinkPreference::din_only);
    t.din = LinkUse::unsupported;
    EXPECT_EQ(link_preference(t), LinkPreference::usb_only);
    t.din = LinkUse::preferred;
    EXPECT_EQ(link_preference(t), LinkPreference::prefer_din);
}

TEST(DevicePorts, TheDevicesOwnUsbPortRanksFirstWithItsReason) {
    Manifest m;
    m.name = "Moog Little Phatty";
    m.transports.usb = LinkUse::preferred;
    m.transports.usb_port_patterns = {"Little Phatty"};
    const std::vector<PortCandidate> ports{{"Midi Through:Midi Through Port-0 14:0", false},
                                           {"UM-ONE:UM-ONE MIDI 1 20:0", true},
                                           {"Little Phatty SE:Little Phatty SE MIDI 1 24:0", true}};
    const auto ranked = rank_ports_for(ports, m);
    ASSERT_EQ(ranked.size(), 3U);
    EXPECT_EQ(ports[ranked[0].index].name, "Little Phatty SE:Little Phatty SE MIDI 1 24:0");
    EXPECT_TRUE(ranked[0].recommended);
    EXPECT_EQ(ranked[0].classification.kind, PortKind::device_usb);
    EXPECT_EQ(ports[ranked[1].index].name, "UM-ONE:UM-ONE MIDI 1 20:0");
    EXPECT_EQ(ranked[1].classification.kind, PortKind::interface);
    EXPECT_EQ(ranked[2].classification.kind, PortKind::virtual_port);
}

} // namespace
} // namespace syx
