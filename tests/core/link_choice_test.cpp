// Which link carries the bytes once the port is known (issue 4: "choosing DIN where USB is
// available asks for confirmation and switches pacing to DIN wire time; a device that requires
// DIN gets DIN"). Port names are ones seen on Linux.
#include <gtest/gtest.h>

#include "core/link_choice.hpp"

namespace {

const syx::PortCandidate kPhattyUsb{"Little Phatty SE:Little Phatty SE MIDI 1 24:0", true};
const syx::PortCandidate kUmOne{"UM-ONE:UM-ONE MIDI 1 20:0", true};
const syx::PortCandidate kScarlett{"Scarlett 2i4 USB:Scarlett 2i4 USB MIDI 1 16:0", true};
const syx::PortCandidate kThrough{"Midi Through:Midi Through Port-0 14:0", false};

syx::Transports phatty() {
    syx::Transports t;
    t.usb = syx::LinkUse::preferred;
    t.din = syx::LinkUse::allowed;
    t.usb_port_patterns = {"Little Phatty*"};
    return t;
}

syx::Transports din_only() {
    syx::Transports t;
    t.usb = syx::LinkUse::unsupported;
    t.din = syx::LinkUse::required;
    t.note = "firmware goes over the MIDI IN jack only";
    return t;
}

TEST(LinkChoice, AnInterfaceMeansDinWireTimeEvenWhenNobodySaidDin) {
    const auto t = phatty();
    auto c = syx::choose_link(std::nullopt, kUmOne, {kUmOne, kThrough}, &t, "Little Phatty");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->link, syx::Link::din);
    EXPECT_NE(c->reason.find("MIDI interface"), std::string::npos) << c->reason;
    // The device's USB port is not plugged in: nothing to confirm.
    EXPECT_FALSE(c->usb_port_available);
    // The MIDI jacks of an audio interface are an interface too.
    auto s = syx::choose_link(std::nullopt, kScarlett, {kScarlett}, &t, "Little Phatty");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->link, syx::Link::din);
}

TEST(LinkChoice, TheDevicesOwnPortIsUsb) {
    const auto t = phatty();
    auto c = syx::choose_link(std::nullopt, kPhattyUsb, {kUmOne, kPhattyUsb}, &t, "Little Phatty");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->link, syx::Link::usb);
    EXPECT_FALSE(c->usb_port_available);
}

TEST(LinkChoice, DinWhileTheDevicesUsbPortIsListedNamesThatPortForConfirmation) {
    const auto t = phatty();
    // Through the interface although the synth's own USB port is there.
    auto c =
        syx::choose_link(std::nullopt, kUmOne, {kUmOne, kPhattyUsb, kThrough}, &t, "Little Phatty");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->link, syx::Link::din);
    ASSERT_TRUE(c->usb_port_available);
    EXPECT_EQ(*c->usb_port_available, kPhattyUsb.name);
    // Asking for DIN explicitly on the USB port itself: the same question.
    auto asked = syx::choose_link(syx::Link::din, kPhattyUsb, {kPhattyUsb}, &t, "Little Phatty");
    ASSERT_TRUE(asked.ok());
    EXPECT_EQ(asked->link, syx::Link::din);
    EXPECT_TRUE(asked->usb_port_available);
}

TEST(LinkChoice, ADinOnlyDeviceGetsDinAndRefusesUsb) {
    const auto t = din_only();
    auto c = syx::choose_link(std::nullopt, kThrough, {kThrough}, &t, "Octatrack");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->link, syx::Link::din);
    EXPECT_FALSE(c->usb_port_available);
    auto usb = syx::choose_link(syx::Link::usb, kThrough, {kThrough}, &t, "Octatrack");
    ASSERT_FALSE(usb.ok());
    EXPECT_EQ(usb.error().code, syx::ErrorCode::refused);
    EXPECT_NE(usb.error().message.find("MIDI IN jack"), std::string::npos);
}

TEST(LinkChoice, ADinFirstDeviceThroughAnInterfaceIsNotQuestioned) {
    auto t = phatty();
    t.usb = syx::LinkUse::allowed;
    t.din = syx::LinkUse::preferred;
    auto c = syx::choose_link(std::nullopt, kUmOne, {kUmOne, kPhattyUsb}, &t, "K-Station");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->link, syx::Link::din);
    EXPECT_FALSE(c->usb_port_available);
}

TEST(LinkChoice, WithoutADeviceAVirtualPortAddsNoWireTime) {
    auto c = syx::choose_link(std::nullopt, kThrough, {kThrough}, nullptr);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->link, syx::Link::usb);
    auto din = syx::choose_link(syx::Link::din, kThrough, {kThrough}, nullptr);
    ASSERT_TRUE(din.ok());
    EXPECT_EQ(din->link, syx::Link::din);
    EXPECT_FALSE(din->usb_port_available);
}

} // namespace
