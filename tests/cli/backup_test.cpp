// syxflash-cli backup against the in-process emulators (--api emulated).
#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"
#include "core/hash.hpp"
#include "emulator/device_catalogue.hpp"
#include "emulator/moog_little_phatty_model.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::run_cli;

std::vector<std::string> lp_backup_args(const fs::path& out) {
    return {"backup",    "--device", "moog-little-phatty", "--api",
            "emulated",  "--port",   "moog-little-phatty", "-o",
            out.string()};
}

TEST(BackupCli, LittlePhattyBackupIsByteIdenticalToTheBulkDumpWithSidecarAndLibraryCopy) {
    FlowHome home;
    const auto out = home / "lp.syx";
    auto args = lp_backup_args(out);
    args.insert(args.end(), {"--json", "--trace", (home / "trace.jsonl").string()});
    const auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;

    // What the device model sends for the bulk request (F0 04 05 06 02 …) is what the file holds.
    auto model = syx::emu::make_device_model("moog-little-phatty");
    const auto* lp = dynamic_cast<syx::emu::MoogLittlePhattyModel*>(model.get());
    ASSERT_NE(lp, nullptr);
    const auto file = syx::test::read_file_bytes(out);
    EXPECT_EQ(file, std::vector<unsigned char>(lp->bulk().begin(), lp->bulk().end()));
    EXPECT_EQ(file.size(), 17277u); // dagargo/phatty connector.py: RED_BULK_SIZE + F0/F7

    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["ok"], true);
    EXPECT_EQ(result["exit_code"], 0);
    EXPECT_EQ(result["sha256"], syx::to_hex(syx::sha256(lp->bulk())));
    const auto sidecar_bytes = syx::test::read_file_bytes(home / "lp.syx.json");
    const auto sidecar = nlohmann::json::parse(sidecar_bytes.begin(), sidecar_bytes.end());
    EXPECT_EQ(sidecar["device"]["id"], "moog-little-phatty");
    EXPECT_EQ(sidecar["complete"], true);
    EXPECT_EQ(sidecar["sha256"], result["sha256"]);
    // The identity reply the device gave (dagargo/phatty connector.py PHATTY_MSG_WO_VERSION: F0 7E
    // 7F 06 02 04 00 05 00 01 v1-v4).
    EXPECT_EQ(sidecar["identity_reply"].get<std::string>().substr(0, 30),
              "F0 7E 7F 06 02 04 00 05 00 01 ");
    ASSERT_TRUE(result["library_file"].is_string());
    const fs::path library_file = result["library_file"].get<std::string>();
    EXPECT_EQ(library_file.parent_path(), home.library() / "moog-little-phatty");
    EXPECT_EQ(syx::test::read_file_bytes(library_file), file);

    // What went out: the identity request, then the bulk request — nothing else.
    const auto trace = syx::test::read_trace(home / "trace.jsonl");
    std::vector<std::vector<std::uint8_t>> sent;
    for (const auto& e : trace) {
        if (e.out) {
            sent.push_back(e.bytes);
        }
    }
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0], (std::vector<std::uint8_t>{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
    EXPECT_EQ(std::vector<std::uint8_t>(sent[1].begin(), sent[1].begin() + 5),
              (std::vector<std::uint8_t>{0xF0, 0x04, 0x05, 0x06, 0x02}));
}

TEST(BackupCli, ExistingOutputIsNeverOverwrittenAndNothingIsSent) {
    FlowHome home;
    const auto out = home / "lp.syx";
    syx::test::write_file_bytes(out, {'k', 'e', 'e', 'p'});
    auto args = lp_backup_args(out);
    args.insert(args.end(), {"--trace", (home / "trace.jsonl").string()});
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    EXPECT_EQ(syx::test::read_file_bytes(out), (std::vector<unsigned char>{'k', 'e', 'e', 'p'}));
    EXPECT_EQ(syx::test::count_out(syx::test::read_trace(home / "trace.jsonl")), 0u);

    // A second real backup to the same name is refused the same way.
    const auto first = run_cli(lp_backup_args(home / "a.syx"));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const auto before = syx::test::read_file_bytes(home / "a.syx");
    const auto second = run_cli(lp_backup_args(home / "a.syx"));
    EXPECT_EQ(second.exit_code, 2);
    EXPECT_EQ(syx::test::read_file_bytes(home / "a.syx"), before);
}

TEST(BackupCli, DeviceThatNeverAnswersExits5AndCreatesNoFile) {
    FlowHome home;
    syx::test::ScopedEnv faults("SYXFLASH_EMULATED_FAULTS", "no-reply");
    auto args = lp_backup_args(home / "lp.syx");
    args.push_back("--json");
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_FALSE(fs::exists(home / "lp.syx"));
    EXPECT_FALSE(fs::exists(home / "lp.syx.json"));
    EXPECT_FALSE(fs::exists(home / "lp.incomplete.syx")); // nothing arrived, nothing to keep
    EXPECT_FALSE(fs::exists(home.library() / "moog-little-phatty"));
    const auto result = syx::test::result_of(r.out);
    EXPECT_EQ(result["ok"], false);
    EXPECT_EQ(result["outcome"], "no-answer");
}

TEST(BackupCli, AnotherDeviceOnThePortGivesNoBackup) {
    // The emulator puts a K-Station on the Phatty's port; it does not answer the identity
    // request, so the backup stops there: no answer, no file.
    FlowHome home;
    syx::test::ScopedEnv faults("SYXFLASH_EMULATED_FAULTS", "wrong-device");
    const auto r = run_cli(lp_backup_args(home / "lp.syx"));
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_FALSE(fs::exists(home / "lp.syx"));
    EXPECT_FALSE(fs::exists(home.library() / "moog-little-phatty"));
}

TEST(BackupCli, FaultFlagInjectsIntoTheEmulatedDevice) {
    // --fault on the command line does what SYXFLASH_EMULATED_FAULTS does.
    FlowHome home;
    auto args = lp_backup_args(home / "lp.syx");
    args.insert(args.end(), {"--fault", "no-reply", "--seed", "7"});
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_FALSE(fs::exists(home / "lp.syx"));
}

TEST(BackupCli, FaultFlagIsAUsageErrorOffTheEmulatorOrWhenMalformed) {
    FlowHome home;
    const auto real =
        run_cli({"backup", "--device", "moog-little-phatty", "--api", "jack", "--port", "phatty",
                 "--fault", "no-reply", "-o", (home / "lp.syx").string()});
    EXPECT_EQ(real.exit_code, 2);
    EXPECT_NE(real.err.find("--api emulated"), std::string::npos) << real.err;
    auto args = lp_backup_args(home / "lp.syx");
    args.insert(args.end(), {"--fault", "unplug-at=banana"});
    const auto bad = run_cli(args);
    EXPECT_EQ(bad.exit_code, 2) << bad.err;
    EXPECT_FALSE(fs::exists(home / "lp.syx"));
}

TEST(BackupCli, DeviceWithoutSysexBackupSaysWhatToDoInstead) {
    FlowHome home;
    const auto r = run_cli({"backup", "--device", "elektron-octatrack", "--api", "emulated",
                            "--port", "elektron-octatrack", "-o", (home / "ot.syx").string()});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("CF card"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(home / "ot.syx"));
}

TEST(BackupCli, UnknownDeviceIsAUsageErrorListingTheKnownOnes) {
    FlowHome home;
    const auto r = run_cli({"backup", "--device", "no-such-synth", "--api", "emulated", "--port",
                            "x", "-o", (home / "x.syx").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("moog-little-phatty"), std::string::npos) << r.err;
}

} // namespace
