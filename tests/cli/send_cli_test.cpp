// send/receive/identify refusals that need no MIDI system: they happen before a port is opened.
#include "support/test_support.hpp"
#include <gtest/gtest.h>

using Bytes = std::vector<unsigned char>;

TEST(SendCli, DamagedFileIsRefusedBeforeAnythingIsSent) {
    syx::test::TempDir dir;
    // Second message never ends: F7 missing.
    syx::test::write_file_bytes(dir / "cut.syx", Bytes{0xF0, 0x7D, 0x01, 0xF7, 0xF0, 0x7D, 0x02});
    const auto r = syx::test::run_cli(
        {"send", (dir / "cut.syx").string(), "--api", "jack", "--port", "anything"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("nothing was sent"), std::string::npos) << r.err;
}

TEST(SendCli, UnknownDeviceIsAUsageErrorListingKnownOnes) {
    syx::test::TempDir dir;
    syx::test::write_file_bytes(dir / "ok.syx", Bytes{0xF0, 0x7D, 0x01, 0xF7});
    const auto r = syx::test::run_cli({"send", (dir / "ok.syx").string(), "--api", "jack", "--port",
                                       "x", "--device", "no-such-device"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("moog-little-phatty"), std::string::npos) << r.err;
}

TEST(SendCli, UnknownApiIsAUsageError) {
    syx::test::TempDir dir;
    syx::test::write_file_bytes(dir / "ok.syx", Bytes{0xF0, 0x7D, 0x01, 0xF7});
    const auto r = syx::test::run_cli(
        {"send", (dir / "ok.syx").string(), "--api", "midi-over-carrier-pigeon", "--port", "x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("jack"), std::string::npos) << r.err;
}

TEST(SendCli, BadLinkIsAUsageError) {
    syx::test::TempDir dir;
    syx::test::write_file_bytes(dir / "ok.syx", Bytes{0xF0, 0x7D, 0x01, 0xF7});
    const auto r = syx::test::run_cli(
        {"send", (dir / "ok.syx").string(), "--port", "x", "--link", "bluetooth"});
    EXPECT_EQ(r.exit_code, 2);
}
