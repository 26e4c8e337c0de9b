// The Manifest model's behaviour that sessions and the GUI rely on: completeness rules, link
// preference, display lookup, phase coverage.
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/backup_completeness.hpp"
#include "core/catalogue.hpp"
#include "core/manifest.hpp"

namespace {

using namespace syx;
using Bytes = std::vector<std::uint8_t>;

const Manifest& device(const std::string& id) {
    static const auto load = load_catalogue({syx::test::source_dir() / "firmware-manifests"}, {});
    return load.catalogue.find(id)->manifest;
}

// K-Station program pair dump (manual): F0 00 20 29 01 41 <SyCh> 02 <C> <Vv> <Vi> <B> <P>
// + 2 × 128-byte program blocks + F7 = 270 bytes.
Bytes pair_dump(std::uint8_t bank, std::uint8_t program, std::uint8_t control = 0) {
    Bytes m{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, 0x02, control, 0x01, 0x00, bank, program};
    m.resize(269, 0x40);
    m.push_back(0xF7);
    return m;
}

// A whole dump set judged by the manifest's rule, the way a file given with --backup is.
CompletenessVerdict status_of(const BackupProcedure& b, const std::vector<Bytes>& messages) {
    std::vector<std::span<const std::uint8_t>> views(messages.begin(), messages.end());
    return check_completeness(b, views);
}

TEST(BackupCompleteness, KStationBankNeedsFiftyPairDumpsPerBank) {
    const auto& backup = device("novation-k-station").backup;
    std::vector<Bytes> bank;
    for (std::uint8_t p = 0; p <= 98; p += 2) {
        bank.push_back(pair_dump(1, p));
    }
    ASSERT_EQ(bank.size(), 50U);
    auto status = status_of(backup, bank);
    EXPECT_TRUE(status.complete) << status.missing;
    EXPECT_EQ(status.matching, 50U);
    EXPECT_EQ(status.expected, 50U);

    auto missing = bank;
    missing.erase(missing.begin() + 2); // P = 4
    status = status_of(backup, missing);
    EXPECT_FALSE(status.complete);
    EXPECT_EQ(status.missing, "group 1: missing 4");

    auto two_banks = bank;
    two_banks.push_back(pair_dump(2, 0));
    status = status_of(backup, two_banks);
    EXPECT_FALSE(status.complete);
    EXPECT_EQ(status.expected, 100U);
    EXPECT_NE(status.missing.find("group 2: missing 2, 4"), std::string::npos) << status.missing;

    EXPECT_FALSE(status_of(backup, {}).complete);
}

// An all-banks dump (C=1, offset 8) must hold banks 1-4 [C: K-Station manual]. Three complete banks
// look like three finished single-bank dumps; only the required-groups rule notices bank 4 is
// absent.
TEST(BackupCompleteness, KStationAllBanksDumpMissingARequiredBankIsIncomplete) {
    const auto& backup = device("novation-k-station").backup;
    std::vector<Bytes> three_banks;
    for (std::uint8_t bank = 1; bank <= 3; ++bank) {
        for (std::uint8_t p = 0; p <= 98; p += 2) {
            three_banks.push_back(pair_dump(bank, p, 1));
        }
    }
    auto status = status_of(backup, three_banks);
    EXPECT_FALSE(status.complete);
    EXPECT_EQ(status.matching, 150U);
    EXPECT_EQ(status.expected, 200U);
    EXPECT_NE(status.missing.find("group 4: missing 0, 2, 4"), std::string::npos) << status.missing;

    // The same three banks sent as single-bank dumps (C=0) require nothing more.
    std::vector<Bytes> singles;
    for (std::uint8_t bank = 1; bank <= 3; ++bank) {
        for (std::uint8_t p = 0; p <= 98; p += 2) {
            singles.push_back(pair_dump(bank, p, 0));
        }
    }
    EXPECT_TRUE(status_of(backup, singles).complete);

    auto four_banks = three_banks;
    for (std::uint8_t p = 0; p <= 98; p += 2) {
        four_banks.push_back(pair_dump(4, p, 1));
    }
    status = status_of(backup, four_banks);
    EXPECT_TRUE(status.complete) << status.missing;
    EXPECT_EQ(status.expected, 200U);
}

TEST(BackupCompleteness, LittlePhattyBankIsOneMessageOfTheDocumentedSize) {
    const auto& backup = device("moog-little-phatty").backup;
    Bytes bank{0xF0, 0x04, 0x05, 0x01, 0x03, 0x01};
    bank.resize(17143, 0x00);
    bank.push_back(0xF7); // 17 144 bytes
    EXPECT_TRUE(status_of(backup, {bank}).complete);
    Bytes truncated(bank.begin(), bank.begin() + 4096); // what a 4 KiB ALSA buffer leaves
    truncated.back() = 0xF7;
    EXPECT_FALSE(status_of(backup, {truncated}).complete);
    // The LP backup requests the bulk dump (presets + globals, issue 6): the documented
    // F0 04 05 06 <req 02> <arg> zero padding F7.
    ASSERT_EQ(backup.requests.size(), 1U);
    const auto& req = backup.requests[0].request;
    EXPECT_EQ(Bytes(req.begin(), req.begin() + 5), (Bytes{0xF0, 0x04, 0x05, 0x06, 0x02}));
    EXPECT_EQ(req.back(), 0xF7);
}

TEST(BackupCompleteness, RecordManyIsCompleteOnceSomethingWasRecorded) {
    const auto& backup = device("jomox-mbrane-11").backup;
    EXPECT_FALSE(status_of(backup, {}).complete);
    Bytes pattern{0xF0, 0x31, 0x7F, 0x05, 0x02, 0x55, 0x01, 0x02, 0xF7};
    const auto status = status_of(backup, {pattern, pattern});
    EXPECT_TRUE(status.complete);
    EXPECT_EQ(status.matching, 2U);
    EXPECT_EQ(status.expected, 0U);
}

TEST(Manifest, DisplayLookupIgnoresCaseSpacingAndUnderscores) {
    const auto& lp = device("moog-little-phatty");
    const auto* error2 = lp.find_display("send firmware sx  code error 2");
    ASSERT_NE(error2, nullptr);
    EXPECT_EQ(error2->plan, "slower-or-usb");
    const auto* error3 = lp.find_display("SEND FIRMWARE SX DATA ERROR 3");
    ASSERT_NE(error3, nullptr);
    EXPECT_EQ(error3->plan, "hold-master-factory-restore");
    EXPECT_TRUE(lp.find_plan("service-centre")->terminal);
    EXPECT_EQ(lp.find_display("HELLO"), nullptr);
}

TEST(Manifest, CriticalPhasesFollowWhatTheDeviceSupports) {
    // The Prophet-600's patches go back by SysEx (gligli/p600fw patchmgmt.tex), so restore is
    // critical too.
    EXPECT_EQ(device("gligli-prophet-600").critical_phases(),
              (std::vector<Phase>{Phase::enter_bootloader, Phase::transfer, Phase::verify,
                                  Phase::restore}));
    EXPECT_EQ(device("elektron-octatrack").critical_phases(),
              (std::vector<Phase>{Phase::enter_bootloader, Phase::transfer, Phase::verify}));
    EXPECT_EQ(device("m-audio-code").critical_phases(), (std::vector<Phase>{Phase::restore}));
    EXPECT_TRUE(device("parker-midifly").critical_phases().size() == 3U);
}

TEST(Manifest, JomoxBackupPageSaysItsProcedureIsOnlyReported) {
    // One forum post (../shared/seeds/001) says Jomox patterns are dumped one at a time; the
    // manufacturer byte 31 is documented for the AlphaBase only. The Backup page shows the
    // manifest's backup steps (wizard) and the manual-dump question (CLI), so they must say it.
    for (const char* id : {"jomox-mbrane-11", "jomox-mbase-11"}) {
        const auto& m = device(id);
        EXPECT_EQ(m.backup.evidence.confidence, Confidence::reported) << id;
        EXPECT_EQ(m.backup.completeness.evidence.confidence, Confidence::reported) << id;
        EXPECT_NE(m.identity.evidence.confidence, Confidence::confirmed) << id;
        ASSERT_FALSE(m.backup.steps.empty());
        EXPECT_NE(m.backup.steps.front().find("not documented"), std::string::npos) << id;
        EXPECT_NE(m.backup.steps.front().find("forum post"), std::string::npos) << id;
    }
}

TEST(Manifest, PreferredLinkRanksRequiredOverPreferred) {
    Transports t;
    t.usb = LinkUse::allowed;
    t.din = LinkUse::allowed;
    EXPECT_EQ(t.preferred_link(), Link::usb);
    t.din = LinkUse::preferred;
    EXPECT_EQ(t.preferred_link(), Link::din);
    t.usb = LinkUse::unsupported;
    t.din = LinkUse::required;
    EXPECT_EQ(t.preferred_link(), Link::din);
    EXPECT_FALSE(t.allows(Link::usb));
}

} // namespace
