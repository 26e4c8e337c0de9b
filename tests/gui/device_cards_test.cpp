#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "gui/device_cards.hpp"

namespace syx::gui {
namespace {

TEST(DeviceCards, SayInPlainWordsWhatSyxflashCanDo) {
    Manifest manual;
    manual.firmware.supported = true;
    manual.backup.kind = BackupKind::manual;
    manual.recovery.push_back(RecoveryPlan{});
    EXPECT_EQ(abilities_text(manual),
              "firmware update \u2022 guided preset backup (front-panel steps) \u2022 guided "
              "recovery");

    Manifest automatic;
    automatic.firmware.supported = true;
    automatic.backup.kind = BackupKind::automatic;
    EXPECT_EQ(abilities_text(automatic), "firmware update \u2022 automatic preset backup");

    Manifest nothing;
    EXPECT_EQ(abilities_text(nothing), "no firmware update \u2022 no preset backup over SysEx");
}

TEST(DeviceCards, UserManifestsAreMarkedWithTheirFile) {
    CatalogueEntry entry;
    entry.manifest.id = "my-synth";
    entry.manifest.name = "My Synth";
    entry.origin = ManifestOrigin::user;
    entry.file = "/home/ann/.config/syxflash/manifests/my-synth.toml";
    const DeviceCard card = device_card(entry);
    EXPECT_EQ(card.id, "my-synth");
    EXPECT_EQ(card.name, "My Synth");
    EXPECT_FALSE(card.simulated) << "only the emulator's devices are simulated";
    EXPECT_NE(card.abilities.find("from your own manifest: " + entry.file.string()),
              std::string::npos);
}

TEST(DeviceCards, EveryShippedManifestBecomesACard) {
    const auto load = load_catalogue({test::source_dir() / "firmware-manifests"}, {});
    ASSERT_TRUE(load.problems.empty()) << load.problems.front().to_string();
    const auto cards = device_cards(load.catalogue);
    ASSERT_EQ(cards.size(), load.catalogue.size());
    ASSERT_FALSE(cards.empty());
    for (const auto& card : cards) {
        SCOPED_TRACE(card.id);
        EXPECT_FALSE(card.name.empty());
        EXPECT_FALSE(card.summary.empty());
        EXPECT_FALSE(card.abilities.empty());
    }
}

} // namespace
} // namespace syx::gui
