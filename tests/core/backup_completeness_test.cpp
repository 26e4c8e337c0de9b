// Completeness rules from the shipped manifests; bytes from the primary sources named at each
// message (K-Station manual SysEx appendix p. A-7, ../shared/seeds/004; dagargo/phatty).
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/backup_completeness.hpp"
#include "core/catalogue.hpp"

namespace {

using namespace syx;
using Bytes = std::vector<std::uint8_t>;

const Manifest& device(const std::string& id) {
    return syx::test::shipped_manifest(id);
}

// K-Station pair dump F0 00 20 29 01 41 7F 02 <C> 01 00 <B> <P> + 256 data + F7 = 270 [C].
Bytes pair(std::uint8_t c, std::uint8_t bank, std::uint8_t p) {
    Bytes m{0xF0, 0x00, 0x20, 0x29, 0x01, 0x41, 0x7F, 0x02, c, 0x01, 0x00, bank, p};
    m.resize(269, 0x00);
    m.push_back(0xF7);
    return m;
}

TEST(BackupCompleteness, KStationSingleBankIsCompleteAtTheFiftiethPair) {
    CompletenessTracker t(device("novation-k-station").backup);
    for (std::uint8_t p = 0; p < 98; p += 2) {
        EXPECT_TRUE(t.add(pair(0, 3, p)));
        EXPECT_FALSE(t.complete());
    }
    EXPECT_EQ(t.verdict().missing, "group 3: missing 98");
    t.add(pair(0, 3, 98));
    EXPECT_TRUE(t.complete());
    EXPECT_EQ(t.verdict().matching, 50U);
}

TEST(BackupCompleteness, KStationAllBanksWithCOneNeedsEveryBank) {
    CompletenessTracker t(device("novation-k-station").backup);
    for (std::uint8_t b = 1; b <= 4; ++b) {
        for (std::uint8_t p = 0; p < 100; p += 2) {
            t.add(pair(1, b, p));
        }
        EXPECT_EQ(t.complete(), b == 4) << "after bank " << int{b};
    }
    EXPECT_EQ(t.verdict().expected, 200U);
}

TEST(BackupCompleteness, DuplicatesAndStrangersDoNotCount) {
    CompletenessTracker t(device("novation-k-station").backup);
    t.add(pair(0, 1, 0));
    t.add(pair(0, 1, 0));
    EXPECT_FALSE(t.add(Bytes{0xF0, 0x04, 0x05, 0x01, 0xF7}));
    const auto v = t.verdict();
    EXPECT_EQ(v.duplicates, 1U);
    EXPECT_EQ(v.unexpected, 1U);
    EXPECT_FALSE(v.complete);
}

TEST(BackupCompleteness, TruncatedPairIsNotPartOfTheBackup) {
    CompletenessTracker t(device("novation-k-station").backup);
    Bytes shortened = pair(0, 1, 0);
    shortened.erase(shortened.begin() + 100, shortened.end() - 1);
    EXPECT_FALSE(t.add(shortened));
}

TEST(BackupCompleteness, LittlePhattyBulkDumpIsOneMessageOfTheDocumentedSize) {
    // Bulk: F0 04 05 03 01 <v> … F7, 17 277 bytes (dagargo/phatty phatty/connector.py
    // RED_BULK_SIZE = 17142 + 133 data bytes, + F0 and F7).
    Bytes bulk{0xF0, 0x04, 0x05, 0x03, 0x01, 0x01};
    bulk.resize(17276, 0x00);
    bulk.push_back(0xF7);
    const std::vector<std::span<const std::uint8_t>> one{bulk};
    EXPECT_TRUE(check_completeness(device("moog-little-phatty").backup, one).complete);
    Bytes cut(bulk.begin(), bulk.begin() + 4096); // an ALSA-sized piece [C: 4 KiB default]
    cut.push_back(0xF7);
    const std::vector<std::span<const std::uint8_t>> truncated{cut};
    EXPECT_FALSE(check_completeness(device("moog-little-phatty").backup, truncated).complete);
}

// dagargo/phatty phatty/connector.py: RED_BANK_SIZE = 17142, BANK_SIZE = RED_BANK_SIZE + 202,
// RED_BULK_SIZE = RED_BANK_SIZE + 133, BULK_SIZE = RED_BULK_SIZE + 202 (data bytes, without F0
// and F7), checked with `len(data) == ... or len(data) == ...`; headers BANK_START = 04 05 01 03,
// BULK_START = 04 05 03 01. With framing: bank 17 144 / 17 346, bulk 17 277 / 17 479 bytes.
Bytes lp_dump(std::uint8_t type, std::uint8_t sub, std::size_t size) {
    Bytes m{0xF0, 0x04, 0x05, type, sub, 0x01};
    m.resize(size - 1, 0x00);
    m.push_back(0xF7);
    return m;
}

bool lp_complete(const Bytes& m) {
    const std::vector<std::span<const std::uint8_t>> one{m};
    return check_completeness(device("moog-little-phatty").backup, one).complete;
}

TEST(BackupCompleteness, LittlePhattyAcceptsExactlyTheDocumentedSizes) {
    for (std::size_t size : {17277U, 17479U}) {
        EXPECT_TRUE(lp_complete(lp_dump(0x03, 0x01, size))) << "bulk of " << size;
    }
    for (std::size_t size : {17144U, 17346U}) {
        EXPECT_TRUE(lp_complete(lp_dump(0x01, 0x03, size))) << "bank of " << size;
    }
}

TEST(BackupCompleteness, LittlePhattyDumpWithBytesCutOutIsNotABackup) {
    // No checksum in the dump (none known): a bulk with 100 bytes lost in transit has a size
    // between the two documented ones and must not count as a complete backup.
    EXPECT_FALSE(lp_complete(lp_dump(0x03, 0x01, 17479 - 100)));
    EXPECT_FALSE(lp_complete(lp_dump(0x03, 0x01, 17278)));
    EXPECT_FALSE(lp_complete(lp_dump(0x01, 0x03, 17346 - 100)));
    EXPECT_FALSE(lp_complete(lp_dump(0x01, 0x03, 17145)));
}

TEST(BackupCompleteness, RecordManyNeedsTheUsersDoneAndOneDump) {
    const auto& b = device("jomox-mbrane-11").backup;
    Bytes pattern{0xF0, 0x31, 0x7F, 0x10, 0x02, 0x55, 0x00, 0x00, 0xF7};
    CompletenessTracker t(b);
    t.add(pattern);
    EXPECT_FALSE(t.complete());
    t.user_said_done();
    EXPECT_TRUE(t.complete());
    CompletenessTracker empty(b);
    empty.user_said_done();
    EXPECT_FALSE(empty.complete());
}

} // namespace
