// Where manifests are found: env override for tests, relocatable <exe>/../share path first, the
// source tree for developer builds, and the XDG user folder.
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "engine/data_paths.hpp"

namespace {

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_old = old;
        }
        if (value) {
            setenv(name, value->c_str(), 1);
        } else {
            unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (m_old) {
            setenv(m_name, m_old->c_str(), 1);
        } else {
            unsetenv(m_name);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

TEST(DataPaths, ExecutableRelativeShareFolderIsSearchedFirstThenSourceTree) {
    const auto candidates = syx::engine::shipped_manifest_candidates();
    ASSERT_EQ(candidates.size(), 3U);
    const auto exe = syx::engine::executable_dir();
    ASSERT_TRUE(exe.has_value());
    EXPECT_EQ(candidates[0],
              (*exe / ".." / "share" / "syxflash" / "firmware-manifests").lexically_normal());
    EXPECT_EQ(candidates[2], syx::test::source_dir() / "firmware-manifests");
}

TEST(DataPaths, DeveloperBuildFindsTheSourceTreeManifests) {
    ScopedEnv no_override("SYXFLASH_MANIFEST_DIR", std::nullopt);
    const auto dirs = syx::engine::manifest_dirs();
    ASSERT_EQ(dirs.shipped.size(), 1U);
    // The test binary lives in the build tree, so unless an install exists the source tree wins.
    EXPECT_TRUE(std::filesystem::exists(dirs.shipped[0] / "gligli-prophet-600.toml"))
        << dirs.shipped[0];
}

TEST(DataPaths, EnvOverrideReplacesShippedFolder) {
    syx::test::TempDir tmp;
    ScopedEnv over("SYXFLASH_MANIFEST_DIR", tmp.path().string());
    const auto dirs = syx::engine::manifest_dirs();
    ASSERT_EQ(dirs.shipped.size(), 1U);
    EXPECT_EQ(dirs.shipped[0], tmp.path());
    ScopedEnv xdg("XDG_CONFIG_HOME", (tmp / "config").string());
    EXPECT_TRUE(syx::engine::load_device_catalogue().catalogue.empty());
}

TEST(DataPaths, UserFolderFollowsXdgConfigHomeThenHome) {
    {
        ScopedEnv xdg("XDG_CONFIG_HOME", "/tmp/xdg-test");
        EXPECT_EQ(syx::engine::user_manifest_dir(),
                  std::filesystem::path("/tmp/xdg-test/syxflash/manifests"));
    }
    {
        ScopedEnv xdg("XDG_CONFIG_HOME", std::nullopt);
        ScopedEnv home("HOME", "/home/someone");
        EXPECT_EQ(syx::engine::user_manifest_dir(),
                  std::filesystem::path("/home/someone/.config/syxflash/manifests"));
    }
    {
        // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
        ScopedEnv xdg("XDG_CONFIG_HOME", "relative/dir");
        ScopedEnv home("HOME", "/home/someone");
        EXPECT_EQ(syx::engine::user_manifest_dir(),
                  std::filesystem::path("/home/someone/.config/syxflash/manifests"));
    }
}

TEST(DataPaths, UserManifestsOverrideShippedOnes) {
    syx::test::TempDir tmp;
    ScopedEnv over("SYXFLASH_MANIFEST_DIR",
                   (syx::test::source_dir() / "firmware-manifests").string());
    ScopedEnv xdg("XDG_CONFIG_HOME", tmp.path().string());
    std::filesystem::create_directories(tmp / "syxflash" / "manifests");
    std::filesystem::copy_file(syx::test::source_dir() / "firmware-manifests" / "generic.toml",
                               tmp / "syxflash" / "manifests" / "generic.toml");
    const auto load = syx::engine::load_device_catalogue();
    EXPECT_TRUE(load.problems.empty());
    const auto* generic = load.catalogue.find("generic");
    ASSERT_NE(generic, nullptr);
    EXPECT_EQ(generic->origin, syx::ManifestOrigin::user);
    EXPECT_EQ(load.catalogue.size(), 21U);
}

} // namespace

// Every front end takes its devices from load_device_catalogue(): validate, inspect, the wizard,
// Tools. A user manifest there cannot lower a documented gap either (issue 12's gap floor), and
// the catalogue says so; raising it is kept.
TEST(DataPaths, AUserManifestCannotLowerADocumentedGapInTheCatalogueAndIsNamed) {
    syx::test::TempDir tmp;
    ScopedEnv over("SYXFLASH_MANIFEST_DIR",
                   (syx::test::source_dir() / "firmware-manifests").string());
    ScopedEnv xdg("XDG_CONFIG_HOME", tmp.path().string());
    ASSERT_TRUE(syx::test::write_user_manifest_with_gap(tmp.path(), "gligli-prophet-600", 0));
    ASSERT_TRUE(syx::test::write_user_manifest_with_gap(tmp.path(), "parker-midifly", 400));
    const auto load = syx::engine::load_device_catalogue();
    EXPECT_TRUE(load.problems.empty());

    const auto* p600 = load.catalogue.find("gligli-prophet-600");
    ASSERT_NE(p600, nullptr);
    EXPECT_EQ(p600->origin, syx::ManifestOrigin::user);
    ASSERT_TRUE(p600->manifest.pacing.din.has_value());
    EXPECT_EQ(p600->manifest.pacing.din->rules.gap_after_message.count(), 250);

    const auto* fly = load.catalogue.find("parker-midifly");
    ASSERT_NE(fly, nullptr);
    ASSERT_TRUE(fly->manifest.pacing.din.has_value());
    EXPECT_EQ(fly->manifest.pacing.din->rules.gap_after_message.count(), 400);

    std::string all;
    for (const auto& n : load.notices) {
        all += n + "\n";
    }
    EXPECT_NE(all.find("using your manifest"), std::string::npos) << all;
    EXPECT_NE(all.find("gligli-prophet-600.toml instead of the shipped"), std::string::npos) << all;
    EXPECT_NE(all.find("0 ms gap over din is below the documented minimum; 250 ms is used"),
              std::string::npos)
        << all;
}
