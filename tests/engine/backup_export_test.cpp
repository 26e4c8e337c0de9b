#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "engine/backup_export.hpp"
#include "engine/backup_store.hpp"

namespace syx::engine {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

struct ExportTest : ::testing::Test {
    // Its own folder per test: ctest runs these tests in parallel processes.
    syx::test::TempDir temp;
    fs::path dir = temp.path();
    void SetUp() override { fs::create_directories(dir / "out"); }

    SavedBackup make_backup() {
        BackupContent c;
        c.device_id = "m-audio-code";
        c.device_name = "M-Audio Code";
        c.messages = {{0xF0, 0x00, 0x01, 0x05, 0x10, 0x20, 0xF7}};
        c.complete = true;
        c.completeness = "1 of 1 preset";
        c.backup_kind = "manual";
        SaveBackupOptions o;
        o.output = dir / "lib" / "code.syx";
        o.library = fs::path{};
        fs::create_directories(dir / "lib");
        auto saved = save_backup(c, o);
        EXPECT_TRUE(saved.ok()) << (saved.ok() ? "" : saved.error().message);
        return *saved;
    }
};

TEST_F(ExportTest, BothFilesAreCopiedAndASecondExportGetsASuffix) {
    const auto backup = make_backup();
    auto first = export_backup(backup.file, dir / "out");
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->file, dir / "out" / "code.syx");
    EXPECT_EQ(first->sidecar, dir / "out" / "code.syx.json");
    EXPECT_FALSE(first->renamed);
    EXPECT_EQ(syx::test::read_file_bytes(first->file), syx::test::read_file_bytes(backup.file));
    auto side = read_sidecar(first->sidecar);
    ASSERT_TRUE(side.ok()) << side.error().message;
    EXPECT_EQ(side->sha256, backup.metadata.sha256);

    const auto before = syx::test::read_file_bytes(first->file);
    auto second = export_backup(backup.file, dir / "out");
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(second->file, dir / "out" / "code-2.syx");
    EXPECT_EQ(second->sidecar, dir / "out" / "code-2.syx.json");
    EXPECT_TRUE(second->renamed);
    EXPECT_EQ(syx::test::read_file_bytes(first->file), before) << "never overwritten";
    auto side2 = read_sidecar(second->sidecar);
    ASSERT_TRUE(side2.ok());
    EXPECT_EQ(side2->file, "code-2.syx") << "the copy's sidecar names the copy";
    EXPECT_EQ(side2->sha256, backup.metadata.sha256);
}

TEST_F(ExportTest, ATakenSidecarNameAlsoMovesToTheNextSuffix) {
    const auto backup = make_backup();
    std::ofstream(dir / "out" / "code.syx.json") << "someone else's";
    auto r = export_backup(backup.file, dir / "out");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->file, dir / "out" / "code-2.syx");
    EXPECT_FALSE(fs::exists(dir / "out" / "code.syx")) << "no .syx without its own sidecar";
}

TEST_F(ExportTest, AFileWithoutSidecarOrAMissingFolderIsRefusedPlainly) {
    std::ofstream(dir / "lone.syx", std::ios::binary) << "\xF0\x01\xF7";
    auto lone = export_backup(dir / "lone.syx", dir / "out");
    ASSERT_FALSE(lone.ok());
    EXPECT_NE(lone.error().message.find("no sidecar"), std::string::npos);
    EXPECT_TRUE(fs::is_empty(dir / "out"));
    const auto backup = make_backup();
    auto missing = export_backup(backup.file, dir / "nowhere");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(ExportTest, DocumentsFolderComesFromUserDirsElseHome) {
    const char* old_home = std::getenv("HOME");              // NOLINT(concurrency-mt-unsafe)
    const char* old_config = std::getenv("XDG_CONFIG_HOME"); // NOLINT(concurrency-mt-unsafe)
    const std::string saved_home = old_home != nullptr ? old_home : "";
    const std::string saved_config = old_config != nullptr ? old_config : "";
    setenv("HOME", dir.c_str(), 1);                         // NOLINT(concurrency-mt-unsafe)
    setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    EXPECT_EQ(documents_dir(), dir) << "no user-dirs.dirs: the home folder";
    fs::create_directories(dir / "config");
    fs::create_directories(dir / "Dokumente");
    std::ofstream(dir / "config" / "user-dirs.dirs")
        << "# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n";
    EXPECT_EQ(documents_dir(), dir / "Dokumente");
    if (saved_home.empty()) {
        unsetenv("HOME"); // NOLINT(concurrency-mt-unsafe)
    } else {
        setenv("HOME", saved_home.c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    }
    if (saved_config.empty()) {
        unsetenv("XDG_CONFIG_HOME"); // NOLINT(concurrency-mt-unsafe)
    } else {
        setenv("XDG_CONFIG_HOME", saved_config.c_str(), 1); // NOLINT(concurrency-mt-unsafe)
    }
}

} // namespace
} // namespace syx::engine
