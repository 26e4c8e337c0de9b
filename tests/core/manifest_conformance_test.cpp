// Runs over every shipped manifest (firmware-manifests/*.toml): each must load with zero
// problems, have a unique id, sane pacing, recovery text for every critical phase and a plan
// for every display message (DESIGN.md §5).
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/firmware_grammar.hpp"
#include "core/manifest_loader.hpp"

namespace {

using namespace syx;

std::vector<std::filesystem::path> manifest_files() {
    return syx::test::shipped_manifest_files();
}

std::vector<Manifest> load_all() {
    std::vector<Manifest> out;
    for (const auto& file : manifest_files()) {
        auto load = load_manifest_file(file);
        for (const auto& p : load.problems) {
            ADD_FAILURE() << p.to_string();
        }
        if (load.manifest) {
            out.push_back(*load.manifest);
        }
    }
    return out;
}

TEST(ManifestConformance, ShipsExactlyTheSeedDevices) {
    std::set<std::string> ids;
    for (const auto& m : load_all()) {
        EXPECT_TRUE(ids.insert(m.id).second) << "duplicate id " << m.id;
    }
    const std::set<std::string> expected{
        "moog-little-phatty", "parker-midifly", "novation-k-station", "m-audio-code",
        "jomox-mbrane-11", "jomox-mbase-11", "elektron-octatrack", "gligli-prophet-600", "generic",
        // Issue 15: firmware formats as data (../shared/FIRMWARE_FORMATS.md).
        "mutable-shruthi-1", "mutable-midipal", "mutable-ambika", "mutable-anushri",
        "mutable-yarns", "novation-launchpad-pro", "novation-launchpad-mk2", "novation-launchpad-x",
        "novation-launchpad-mini-mk3", "novation-launchpad-pro-mk3", "midibox-mios8", "lpzw-tram8"};
    EXPECT_EQ(ids, expected);
}

TEST(ManifestConformance, FileNameIsTheId) {
    for (const auto& file : manifest_files()) {
        auto load = load_manifest_file(file);
        ASSERT_TRUE(load.ok()) << file;
        EXPECT_EQ(file.stem().string(), load.manifest->id);
    }
}

TEST(ManifestConformance, PacingIsSaneForEveryAllowedLink) {
    for (const auto& m : load_all()) {
        for (Link link : {Link::usb, Link::din}) {
            const auto* pacing = m.pacing.for_link(link);
            if (!m.transports.allows(link)) {
                continue;
            }
            ASSERT_NE(pacing, nullptr)
                << m.id << " allows " << to_string(link) << " but has no pacing";
            const auto& r = pacing->rules;
            EXPECT_LE(r.gap_after_message.count(), 2000) << m.id;
            if (link == Link::din) {
                ASSERT_TRUE(r.max_bytes_per_second.has_value()) << m.id << ": DIN needs a rate";
                EXPECT_LE(*r.max_bytes_per_second, kDinBytesPerSecond) << m.id;
            }
            if (r.max_bytes_per_second) {
                EXPECT_GE(*r.max_bytes_per_second, 100U) << m.id;
            }
            if (link == Link::usb) {
                EXPECT_EQ(r.chunk_bytes % 3, 0U) << m.id;
            }
            EXPECT_LE(r.settle_after_last.count(), 60000) << m.id;
        }
    }
}

TEST(ManifestConformance, EveryCriticalPhaseHasRecoveryText) {
    for (const auto& m : load_all()) {
        EXPECT_FALSE(m.recovery.empty()) << m.id;
        for (Phase phase : m.critical_phases()) {
            const auto* plan = m.plan_for_phase(phase);
            ASSERT_NE(plan, nullptr) << m.id << ": no recovery for " << to_string(phase);
            EXPECT_FALSE(plan->title.empty());
            ASSERT_FALSE(plan->steps.empty()) << m.id << "/" << plan->id;
            for (const auto& step : plan->steps) {
                EXPECT_GE(step.size(), 10U) << m.id << "/" << plan->id << ": step too short";
            }
        }
    }
}

TEST(ManifestConformance, EveryDisplayMessageMapsToAPlan) {
    for (const auto& m : load_all()) {
        for (const auto& d : m.display) {
            EXPECT_FALSE(d.meaning.empty()) << m.id << ": " << d.text;
            if (d.outcome == DisplayOutcome::error) {
                EXPECT_NE(m.find_plan(d.plan), nullptr) << m.id << ": " << d.text;
            } else {
                EXPECT_TRUE(d.plan == kNoPlan || m.find_plan(d.plan) != nullptr)
                    << m.id << ": " << d.text;
            }
        }
    }
}

TEST(ManifestConformance, FirmwareRulesAreUsableWhenSupported) {
    for (const auto& m : load_all()) {
        if (!m.firmware.supported) {
            EXPECT_FALSE(m.firmware.unsupported_reason.empty()) << m.id;
            continue;
        }
        EXPECT_FALSE(m.firmware.message_prefixes.empty()) << m.id;
        EXPECT_FALSE(m.firmware.bootloader_steps.empty()) << m.id;
        EXPECT_GT(m.firmware.max_file_bytes, 0U) << m.id;
        EXPECT_LE(m.firmware.min_message_bytes, m.firmware.max_message_bytes) << m.id;
    }
}

TEST(ManifestConformance, BackupKindNoneAlwaysSaysWhy) {
    for (const auto& m : load_all()) {
        if (m.backup.kind == BackupKind::none) {
            EXPECT_GE(m.backup.reason.size(), 20U) << m.id;
        }
        if (m.restore.kind == RestoreKind::refused) {
            EXPECT_GE(m.restore.refusal.size(), 20U) << m.id;
        }
    }
}

// Facts pinned from DEVICES.md so a careless edit of a manifest is caught.
TEST(ManifestConformance, DocumentedFactsArePinned) {
    std::map<std::string, Manifest> by_id;
    for (auto& m : load_all()) {
        by_id.emplace(m.id, m);
    }
    ASSERT_EQ(by_id.size(), 21U);
    const auto& lp = by_id.at("moog-little-phatty");
    ASSERT_TRUE(lp.identity.reply_pattern.has_value());
    const std::vector<std::uint8_t> lp_reply{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05,
                                             0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0xF7};
    EXPECT_TRUE(lp.identity.reply_pattern->matches_exactly(lp_reply));
    EXPECT_EQ(lp.transports.preferred_link(), Link::usb);
    EXPECT_EQ(lp.backup.kind, BackupKind::automatic);

    const auto& fly = by_id.at("parker-midifly");
    ASSERT_NE(fly.pacing.for_link(Link::din), nullptr);
    EXPECT_GE(fly.pacing.for_link(Link::din)->rules.gap_after_message.count(), 150);
    EXPECT_EQ(fly.identity.manufacturer_id, (std::vector<std::uint8_t>{0x00, 0x01, 0x25}));

    const auto& ks = by_id.at("novation-k-station");
    EXPECT_EQ(ks.backup.completeness.kind, CompletenessKind::indexed);
    EXPECT_EQ(ks.backup.completeness.index_offset, 12U);
    EXPECT_EQ(ks.backup.completeness.index_last, 98);
    EXPECT_EQ(ks.backup.completeness.index_step, 2);
    ASSERT_FALSE(ks.restore.rewrites.empty());
    EXPECT_EQ(ks.restore.rewrites[0].offset, 8U);
    EXPECT_EQ(ks.restore.rewrites[0].value, 1);

    const auto& ot = by_id.at("elektron-octatrack");
    EXPECT_EQ(ot.transports.use_of(Link::din), LinkUse::required);
    EXPECT_FALSE(ot.transports.allows(Link::usb));
    EXPECT_EQ(ot.backup.kind, BackupKind::none);
    EXPECT_NE(ot.backup.reason.find("CF card"), std::string::npos);
    EXPECT_EQ(ot.restore.kind, RestoreKind::refused);

    const auto& p6 = by_id.at("gligli-prophet-600");
    ASSERT_NE(p6.pacing.for_link(Link::din), nullptr);
    EXPECT_GE(p6.pacing.for_link(Link::din)->rules.gap_after_message.count(), 250);
    ASSERT_EQ(p6.firmware.releases.size(), 2U);
    EXPECT_EQ(p6.firmware.releases[0].version, "2.0992 (2.1 RC)");
    EXPECT_EQ(p6.firmware.releases[1].version, "1.99 (2.0 RC)");
    // Every page's CRC-16/XMODEM is checked (gligli/p600fw fw2syx.py, updater_main()).
    EXPECT_EQ(p6.firmware.checksum, FirmwareChecksum::grammar);
    ASSERT_NE(p6.firmware.grammar, nullptr);
    const auto* page = p6.firmware.grammar->find("block");
    ASSERT_NE(page, nullptr);
    EXPECT_EQ(page->checksum.crc.poly, 0x1021U);
    EXPECT_EQ(page->checksum.split_bits, (std::vector<unsigned>{7, 7, 2}));
    EXPECT_EQ(p6.firmware.grammar->order, BlockOrder::descending);

    // Mutable Instruments: product bytes and page sizes (pichenettes/* bootloader.cc,
    // avr-midi-bootloader hex2sysex.py), the Shruthi's old ID 00 20 77 accepted too.
    const std::map<std::string, std::pair<std::uint8_t, std::uint64_t>> mutable_pages{
        {"mutable-shruthi-1", {0x02, 256}},
        {"mutable-midipal", {0x03, 128}},
        {"mutable-ambika", {0x04, 256}},
        {"mutable-anushri", {0x08, 128}},
        {"mutable-yarns", {0x0B, 1024}}};
    for (const auto& [id, facts] : mutable_pages) {
        const auto& g = *by_id.at(id).firmware.grammar;
        const auto* block = g.find("block");
        ASSERT_NE(block, nullptr) << id;
        EXPECT_EQ(block->payload_bytes, facts.second) << id;
        EXPECT_EQ(block->headers.front().bytes().at(5), facts.first) << id;
        EXPECT_EQ(block->checksum.sum, SumForm::mod256) << id;
        EXPECT_EQ(g.bad_block, id == "mutable-yarns" ? BadBlockBehaviour::stops_with_error
                                                     : BadBlockBehaviour::skipped_silently)
            << id;
    }
    EXPECT_EQ(by_id.at("mutable-shruthi-1").firmware.grammar->find("block")->headers.size(), 2U);
    EXPECT_EQ(by_id.at("mutable-yarns").firmware.grammar->bad_block_display, "Er");

    // Launchpad X / Mini MK3 / Pro MK3: CRC-32/MPEG-2 of the whole image.
    for (const char* id :
         {"novation-launchpad-x", "novation-launchpad-mini-mk3", "novation-launchpad-pro-mk3"}) {
        const auto& g = *by_id.at(id).firmware.grammar;
        ASSERT_TRUE(g.image_crc.has_value()) << id;
        EXPECT_EQ(g.image_crc->poly, 0x04C11DB7U) << id;
        EXPECT_EQ(g.image_crc->init, 0xFFFFFFFFU) << id;
        EXPECT_EQ(g.order, BlockOrder::first_block_last) << id;
    }
    // MIOS8: 750 ms between blocks when not waiting for the acknowledgement; 0E 03 on a
    // checksum error (midibox/mios8 doc/mios/mios_sysex_implementation.txt).
    const auto& mios = by_id.at("midibox-mios8");
    EXPECT_GE(mios.pacing.for_link(Link::din)->rules.gap_after_message.count(), 750);
    EXPECT_EQ(mios.firmware.grammar->bad_block, BadBlockBehaviour::answers_error);
    EXPECT_EQ(mios.firmware.grammar->find("block")->checksum.sum, SumForm::twos_complement_7bit);
    // The loader acknowledges each block: syxflash waits for 0F and stops on 0E <code>, naming it.
    EXPECT_EQ(mios.pacing.handshake.kind, HandshakeKind::ack);
    ASSERT_TRUE(mios.pacing.handshake.nak_pattern.has_value());
    EXPECT_EQ(mios.pacing.handshake.nak_codes.at(0x03), "checksum error");

    EXPECT_TRUE(by_id.at("jomox-mbrane-11").identity.registry_mismatch);
    EXPECT_EQ(by_id.at("jomox-mbase-11").backup.kind, BackupKind::record_many);
    EXPECT_TRUE(by_id.at("generic").pacing.user_supplied);
}

} // namespace
