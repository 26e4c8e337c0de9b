// syxflash-cli emulate and --api emulated, through the real binary.
#include "support/test_support.hpp"
#include <gtest/gtest.h>

namespace {

using syx::test::run_cli;

TEST(EmulateCli, ListsTheEmulatedDevices) {
    const auto r = run_cli({"emulate", "--list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const char* id :
         {"moog-little-phatty", "parker-midifly", "novation-k-station", "m-audio-code",
          "jomox-mbrane-11", "jomox-mbase-11", "elektron-octatrack", "gligli-prophet-600"}) {
        EXPECT_NE(r.out.find(id), std::string::npos) << id;
    }
}

TEST(EmulateCli, HelpTeachesFaultsAndExamples) {
    const auto r = run_cli({"emulate", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("unplug-at=P%"), std::string::npos);
    EXPECT_NE(r.out.find("syxflash-cli emulate moog-little-phatty --api jack"), std::string::npos);
}

TEST(EmulateCli, UsageErrorsExitWith2AndSayWhy) {
    const auto unknown = run_cli({"emulate", "roland-d50", "--api", "jack"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("moog-little-phatty"), std::string::npos) << unknown.err;
    const auto fault = run_cli({"emulate", "parker-midifly", "--api", "jack", "--fault", "melt"});
    EXPECT_EQ(fault.exit_code, 2);
    EXPECT_NE(fault.err.find("fault 'melt'"), std::string::npos) << fault.err;
    const auto api = run_cli({"emulate", "parker-midifly", "--api", "emulated"});
    EXPECT_EQ(api.exit_code, 2);
    EXPECT_NE(api.err.find("jack, alsa or rawmidi"), std::string::npos) << api.err;
    const auto none = run_cli({"emulate"});
    EXPECT_EQ(none.exit_code, 2);
}

TEST(EmulateCli, IdentifyOverApiEmulatedGetsTheDocumentedReply) {
    const auto r = run_cli({"identify", "--api", "emulated", "--port", "moog-little-phatty"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("F0 7E 7F 06 02 04 00 05 00 01"), std::string::npos) << r.out;
}

TEST(EmulateCli, DeviceWithoutIdentityReplyTimesOutWithExit5) {
    const auto r = run_cli({"identify", "--api", "emulated", "--port", "parker-midifly"});
    EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
}

} // namespace
