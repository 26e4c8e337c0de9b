// The catalogue: shipped + user manifests, overrides by id, duplicates and identity overlaps
// rejected, and the file each device came from recorded.
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/catalogue.hpp"

namespace {

using namespace syx;

std::string manifest_text(const std::string& id, const std::string& name,
                          const std::string& reply_pattern = "") {
    std::string identity = reply_pattern.empty() ? "answers_identity = false\n"
                                                 : "answers_identity = true\nreply_pattern = \"" +
                                                       reply_pattern + "\"\n";
    return "schema = 1\nid = \"" + id + "\"\nname = \"" + name + "\"\nmaker = \"test\"\n" +
           "[identity]\n" + identity + "confidence = \"modelled\"\n" +
           R"([transports]
usb = "allowed"
din = "unsupported"
confidence = "modelled"
[firmware]
supported = false
reason = "none"
confidence = "modelled"
[pacing.usb]
gap_ms = 10
confidence = "modelled"
[backup]
kind = "none"
reason = "none"
confidence = "modelled"
[restore]
kind = "none"
confidence = "modelled"
[[recovery]]
id = "again"
title = "Again"
steps = ["Send it again."]
phases = ["transfer"]
confidence = "modelled"
)";
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

TEST(Catalogue, LoadsShippedManifestsSortedByIdWithTheirFiles) {
    const auto dir = syx::test::source_dir() / "firmware-manifests";
    const auto load = load_catalogue({dir}, {});
    for (const auto& p : load.problems) {
        ADD_FAILURE() << p.to_string();
    }
    ASSERT_EQ(load.catalogue.size(), 21U);
    const auto ids = load.catalogue.ids();
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    const auto* lp = load.catalogue.find("moog-little-phatty");
    ASSERT_NE(lp, nullptr);
    EXPECT_EQ(lp->file, dir / "moog-little-phatty.toml");
    EXPECT_EQ(lp->origin, ManifestOrigin::shipped);
    EXPECT_EQ(load.catalogue.find("no-such-device"), nullptr);
}

TEST(Catalogue, IdentifiesTheLittlePhattyFromItsDocumentedReply) {
    const auto load = load_catalogue({syx::test::source_dir() / "firmware-manifests"}, {});
    // F0 7E 7F 06 02 04 00 05 00 01 v1 v2 v3 v4 F7 (DEVICES.md [C]).
    const std::vector<std::uint8_t> reply{0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05,
                                          0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0xF7};
    const auto* entry = load.catalogue.match_identity(reply);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->manifest.id, "moog-little-phatty");
    auto voyager = reply;
    voyager[7] = 0x01; // another Moog family
    EXPECT_EQ(load.catalogue.match_identity(voyager), nullptr);
}

TEST(Catalogue, UserManifestOverridesShippedOneAndRecordsBothFiles) {
    syx::test::TempDir tmp;
    write(tmp / "shipped/a.toml", manifest_text("dev-a", "Shipped A"));
    write(tmp / "shipped/b.toml", manifest_text("dev-b", "Shipped B"));
    write(tmp / "user/mine.toml", manifest_text("dev-a", "My A"));
    write(tmp / "user/new.toml", manifest_text("dev-c", "My C"));
    const auto load = load_catalogue({tmp / "shipped"}, {tmp / "user"});
    EXPECT_TRUE(load.problems.empty());
    ASSERT_EQ(load.catalogue.size(), 3U);
    const auto* a = load.catalogue.find("dev-a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->manifest.name, "My A");
    EXPECT_EQ(a->origin, ManifestOrigin::user);
    EXPECT_EQ(a->file, tmp / "user/mine.toml");
    ASSERT_TRUE(a->overrides.has_value());
    EXPECT_EQ(*a->overrides, tmp / "shipped/a.toml");
    EXPECT_EQ(load.catalogue.find("dev-c")->origin, ManifestOrigin::user);
    EXPECT_FALSE(load.catalogue.find("dev-b")->overrides.has_value());
}

TEST(Catalogue, DuplicateIdInTheSameTierIsRejectedWithBothFilesNamed) {
    syx::test::TempDir tmp;
    write(tmp / "shipped/a.toml", manifest_text("dev-a", "First"));
    write(tmp / "shipped/b.toml", manifest_text("dev-a", "Second"));
    const auto load = load_catalogue({tmp / "shipped"}, {});
    ASSERT_EQ(load.problems.size(), 1U);
    EXPECT_EQ(load.problems[0].file, (tmp / "shipped/b.toml").string());
    EXPECT_NE(load.problems[0].text.find("already defined in " + (tmp / "shipped/a.toml").string()),
              std::string::npos);
    EXPECT_EQ(load.catalogue.find("dev-a")->manifest.name, "First");
}

TEST(Catalogue, OverlappingIdentityPatternsAreRejected) {
    syx::test::TempDir tmp;
    write(tmp / "shipped/a.toml", manifest_text("dev-a", "A", "F0 7E ?? 06 02 04 00 05 ?? F7"));
    // Same length, compatible at every byte: one reply could match both.
    write(tmp / "shipped/b.toml", manifest_text("dev-b", "B", "F0 7E 7F 06 02 04 ?? 05 00 F7"));
    // Differs at a concrete byte: fine.
    write(tmp / "shipped/c.toml", manifest_text("dev-c", "C", "F0 7E ?? 06 02 41 00 05 ?? F7"));
    const auto load = load_catalogue({tmp / "shipped"}, {});
    ASSERT_EQ(load.problems.size(), 1U);
    EXPECT_NE(load.problems[0].text.find("overlaps with \"dev-a\""), std::string::npos)
        << load.problems[0].to_string();
    EXPECT_EQ(load.catalogue.find("dev-b"), nullptr);
    EXPECT_NE(load.catalogue.find("dev-c"), nullptr);
}

TEST(Catalogue, BrokenUserManifestIsReportedAndShippedOneStays) {
    syx::test::TempDir tmp;
    write(tmp / "shipped/a.toml", manifest_text("dev-a", "Shipped A"));
    write(tmp / "user/a.toml", manifest_text("dev-a", "Broken") + "oops = 1\n");
    const auto load = load_catalogue({tmp / "shipped"}, {tmp / "user", tmp / "missing"});
    ASSERT_EQ(load.problems.size(), 1U);
    EXPECT_NE(load.problems[0].text.find("unknown key 'recovery[0].oops'"), std::string::npos);
    EXPECT_EQ(load.catalogue.find("dev-a")->manifest.name, "Shipped A");
}

} // namespace
