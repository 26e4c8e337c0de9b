// syxflash-cli restore against the in-process emulators (--api emulated).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;
using syx::test::run_cli;
using Bytes = std::vector<std::uint8_t>;

std::vector<Bytes> sent_messages(const fs::path& trace) {
    // Chunks of one message are joined: what the device received, message by message.
    std::vector<Bytes> out;
    Bytes current;
    for (const auto& e : syx::test::read_trace(trace)) {
        if (!e.out) {
            continue;
        }
        current.insert(current.end(), e.bytes.begin(), e.bytes.end());
        if (!current.empty() && current.back() == 0xF7) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    return out;
}

// A K-Station single-bank dump as the front panel sends it [C: K-Station manual]: 50 program
// pair dumps F0 00 20 29 01 41 7F 02 <C=0> <Vv> <Vi> <B> <P=0,2…98> <2 × 128 bytes> F7.
Bytes k_station_bank(std::uint8_t bank) {
    Bytes all;
    for (std::uint8_t p = 0; p <= 98; p = static_cast<std::uint8_t>(p + 2)) {
        Bytes m{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, 0x02, 0x00, 0x01, 0x00, bank, p};
        for (int i = 0; i < 256; ++i) {
            m.push_back(static_cast<std::uint8_t>((i + p) & 0x7F));
        }
        m.push_back(0xF7);
        all.insert(all.end(), m.begin(), m.end());
    }
    return all;
}

TEST(RestoreCli, LittlePhattyBackupGoesBackByteForByte) {
    FlowHome home;
    const auto backup = home / "lp.syx";
    ASSERT_EQ(run_cli({"backup", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                       "moog-little-phatty", "-o", backup.string()})
                  .exit_code,
              0);
    const auto trace = home / "trace.jsonl";
    const auto r = run_cli({"restore", "--device", "moog-little-phatty", "--api", "emulated",
                            "--port", "moog-little-phatty", backup.string(), "--yes", "--json",
                            "--trace", trace.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_EQ(syx::test::result_of(r.out)["outcome"], "success");
    const auto sent = sent_messages(trace);
    ASSERT_EQ(sent.size(), 1u);
    const auto file = syx::test::read_file_bytes(backup);
    EXPECT_EQ(sent[0], Bytes(file.begin(), file.end()));
}

TEST(RestoreCli, KStationSingleBankReturnsToItsOwnBankUnlessToCurrentBank) {
    FlowHome home;
    const auto bank = home / "bank2.syx";
    const Bytes bytes = k_station_bank(2);
    syx::test::write_file_bytes(bank, std::vector<unsigned char>(bytes.begin(), bytes.end()));

    const auto trace = home / "trace.jsonl";
    const auto r =
        run_cli({"restore", "--device", "novation-k-station", "--api", "emulated", "--port",
                 "novation-k-station", bank.string(), "--yes", "--trace", trace.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    auto sent = sent_messages(trace);
    ASSERT_EQ(sent.size(), 50u);
    for (const auto& m : sent) {
        ASSERT_EQ(m.size(), 270u);
        EXPECT_EQ(m[8], 1);  // C=1: stored into bank B…
        EXPECT_EQ(m[11], 2); // …which stays the bank it came from
    }

    const auto trace2 = home / "trace2.jsonl";
    const auto kept = run_cli({"restore", "--device", "novation-k-station", "--api", "emulated",
                               "--port", "novation-k-station", bank.string(), "--yes",
                               "--to-current-bank", "--trace", trace2.string()});
    ASSERT_EQ(kept.exit_code, 0) << kept.err;
    sent = sent_messages(trace2);
    ASSERT_EQ(sent.size(), 50u);
    std::size_t offset = 0;
    for (const auto& m : sent) {
        EXPECT_EQ(m, Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                           bytes.begin() + static_cast<std::ptrdiff_t>(offset + 270)));
        offset += 270;
    }
    EXPECT_NE(kept.err.find("current bank"), std::string::npos) << kept.err;
}

TEST(RestoreCli, TamperedBackupIsRefusedAndNothingSent) {
    FlowHome home;
    const auto backup = home / "lp.syx";
    ASSERT_EQ(run_cli({"backup", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                       "moog-little-phatty", "-o", backup.string()})
                  .exit_code,
              0);
    auto bytes = syx::test::read_file_bytes(backup);
    bytes[500] ^= 0x01;
    fs::remove(backup);
    syx::test::write_file_bytes(backup, bytes);
    const auto trace = home / "trace.jsonl";
    const auto r =
        run_cli({"restore", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                 "moog-little-phatty", backup.string(), "--trace", trace.string()});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(syx::test::count_out(syx::test::read_trace(trace)), 0u);
}

TEST(RestoreCli, BackupOfAnotherDeviceIsRefused) {
    FlowHome home;
    const auto backup = home / "lp.syx";
    ASSERT_EQ(run_cli({"backup", "--device", "moog-little-phatty", "--api", "emulated", "--port",
                       "moog-little-phatty", "-o", backup.string()})
                  .exit_code,
              0);
    const auto r = run_cli({"restore", "--device", "novation-k-station", "--api", "emulated",
                            "--port", "novation-k-station", backup.string()});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("moog-little-phatty"), std::string::npos) << r.err;
}

// Issue 12: a user manifest that overrides a shipped device is named in every run that uses it,
// the backup and the restore too (before, only upload, recover and send named it).
TEST(RestoreCli, AUserManifestForTheDeviceIsNamedByBackupAndRestore) {
    FlowHome home;
    const auto config = home / "config";
    fs::create_directories(config / "syxflash" / "manifests");
    {
        std::ifstream in(syx::test::source_dir() / "firmware-manifests" /
                         "moog-little-phatty.toml");
        std::stringstream text;
        text << in.rdbuf();
        std::ofstream(config / "syxflash" / "manifests" / "moog-little-phatty.toml") << text.str();
    }
    syx::test::ScopedEnv xdg("XDG_CONFIG_HOME", config.string());
    const auto backup = home / "lp.syx";
    const auto b = run_cli({"backup", "--device", "moog-little-phatty", "--api", "emulated",
                            "--port", "moog-little-phatty", "-o", backup.string()});
    ASSERT_EQ(b.exit_code, 0) << b.err << b.out;
    EXPECT_NE(b.err.find("using your manifest"), std::string::npos) << b.err;
    EXPECT_NE(b.err.find("moog-little-phatty.toml"), std::string::npos) << b.err;
    // A damaged copy keeps the test short: the restore names the manifest, then refuses it.
    auto bytes = syx::test::read_file_bytes(backup);
    bytes[bytes.size() / 2] ^= 0x01;
    syx::test::write_file_bytes(backup, bytes);
    const auto r = run_cli({"restore", "--device", "moog-little-phatty", "--api", "emulated",
                            "--port", "moog-little-phatty", backup.string(), "--yes", "--json"});
    ASSERT_EQ(r.exit_code, 3) << r.err << r.out;
    bool named = false;
    for (const auto& e : syx::test::json_lines(r.out)) {
        named = named || (e.value("event", "") == "notice" &&
                          e.value("text", "").find("using your manifest") != std::string::npos);
    }
    EXPECT_TRUE(named) << r.out;
}

} // namespace
