#include <cstdlib>
#include <fstream>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/catalogue.hpp"
#include "core/hash.hpp"
#include "engine/backup_store.hpp"

namespace {

namespace fs = std::filesystem;
using syx::engine::BackupContent;
using Bytes = std::vector<std::uint8_t>;

const syx::Manifest& manifest(const std::string& id) {
    static const auto load =
        syx::load_catalogue({syx::test::source_dir() / "firmware-manifests"}, {});
    const auto* entry = load.catalogue.find(id);
    if (entry == nullptr) {
        throw std::runtime_error("no manifest " + id);
    }
    return entry->manifest;
}

// A Little Phatty bulk dump as DEVICES.md describes it: one 17 277-byte message
// F0 04 05 03 01 <payload> F7 (presets + globals, Stage I size).
Bytes lp_bank(std::uint8_t seed = 0) {
    Bytes m{0xF0, 0x04, 0x05, 0x03, 0x01};
    while (m.size() < 17276) {
        m.push_back(static_cast<std::uint8_t>((m.size() * 7 + seed) & 0x7F));
    }
    m.push_back(0xF7);
    return m;
}

BackupContent lp_content(std::uint8_t seed = 0) {
    BackupContent c;
    c.device_id = "moog-little-phatty";
    c.device_name = "Moog Little Phatty";
    c.messages = {lp_bank(seed)};
    c.identity_reply = {0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05,
                        0x00, 0x01, 0x03, 0x05, 0x00, 0x00, 0xF7};
    c.firmware_version = "3.5.0.0";
    c.complete = true;
    c.completeness = "1 of 1 bank message";
    c.backup_kind = "automatic";
    return c;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(BackupStore, WritesPlainSyxAndSidecarAndLibraryCopy) {
    syx::test::TempDir dir;
    const auto content = lp_content();
    syx::engine::SaveBackupOptions options;
    options.output = dir / "lp.syx";
    options.library = dir / "library";
    auto saved = syx::engine::save_backup(content, options);
    ASSERT_TRUE(saved.ok()) << saved.error().message;

    // The .syx is exactly what the device sent: no header, no wrapper.
    EXPECT_EQ(syx::test::read_file_bytes(dir / "lp.syx"),
              std::vector<unsigned char>(content.messages[0].begin(), content.messages[0].end()));
    std::ifstream side(dir / "lp.syx.json");
    const auto json = nlohmann::json::parse(side);
    EXPECT_EQ(json["device"]["id"], "moog-little-phatty");
    EXPECT_EQ(json["identity_reply"], "F0 7E 7F 06 02 04 00 05 00 01 03 05 00 00 F7");
    EXPECT_EQ(json["firmware_version"], "3.5.0.0");
    EXPECT_EQ(json["sha256"], syx::to_hex(syx::sha256(content.messages[0])));
    EXPECT_EQ(json["bytes"], 17277);
    EXPECT_EQ(json["messages"], 1);
    EXPECT_EQ(json["complete"], true);
    EXPECT_EQ(json["file"], "lp.syx");
    EXPECT_EQ(json["created"].get<std::string>().size(), 20u); // 2026-11-20T22:33:44Z

    ASSERT_TRUE(saved->library_file.has_value());
    EXPECT_EQ(saved->library_file->parent_path(), dir / "library" / "moog-little-phatty");
    EXPECT_EQ(syx::test::read_file_bytes(*saved->library_file),
              syx::test::read_file_bytes(dir / "lp.syx"));
    EXPECT_TRUE(fs::exists(syx::engine::sidecar_path(*saved->library_file)));
    // No temporary file left anywhere.
    EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"library", "lp.syx", "lp.syx.json"}));
}

TEST(BackupStore, NeverOverwritesAnExistingBackupOrSidecar) {
    syx::test::TempDir dir;
    syx::engine::SaveBackupOptions options;
    options.output = dir / "lp.syx";
    options.library = fs::path{};
    ASSERT_TRUE(syx::engine::save_backup(lp_content(1), options).ok());
    const auto before = syx::test::read_file_bytes(dir / "lp.syx");
    auto again = syx::engine::save_backup(lp_content(2), options);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, syx::ErrorCode::refused);
    EXPECT_EQ(syx::test::read_file_bytes(dir / "lp.syx"), before);

    // A sidecar without its .syx also blocks the name: the pair belongs together.
    syx::test::write_file_bytes(dir / "other.syx.json", {'{', '}'});
    options.output = dir / "other.syx";
    auto blocked = syx::engine::save_backup(lp_content(3), options);
    ASSERT_FALSE(blocked.ok());
    EXPECT_FALSE(fs::exists(dir / "other.syx"));
}

TEST(BackupStore, IncompleteDumpIsNeverWrittenAsTheBackup) {
    syx::test::TempDir dir;
    auto content = lp_content();
    content.complete = false;
    content.completeness = "0 of 1 bank message (timed out after 10 s)";
    syx::engine::SaveBackupOptions options;
    options.output = dir / "lp.syx";
    options.library = dir / "library";
    auto saved = syx::engine::save_backup(content, options);
    ASSERT_FALSE(saved.ok());
    EXPECT_EQ(saved.error().code, syx::ErrorCode::refused);
    EXPECT_FALSE(fs::exists(dir / "lp.syx"));
    EXPECT_TRUE(syx::engine::list_library(dir / "library").empty());

    // Kept for diagnosis under a name nobody mistakes for the backup, twice without clobbering.
    auto kept = syx::engine::save_incomplete_dump(content, dir / "lp.syx");
    ASSERT_TRUE(kept.ok()) << kept.error().message;
    EXPECT_EQ(kept->file, dir / "lp.incomplete.syx");
    auto kept2 = syx::engine::save_incomplete_dump(content, dir / "lp.syx");
    ASSERT_TRUE(kept2.ok());
    EXPECT_EQ(kept2->file, dir / "lp.incomplete-2.syx");
    EXPECT_FALSE(fs::exists(dir / "lp.syx"));
    const auto check = syx::engine::verify_backup(kept->file, manifest("moog-little-phatty"));
    EXPECT_FALSE(check.ok);
}

TEST(BackupStore, VerifyAcceptsOwnBackupAndNamesEveryProblem) {
    syx::test::TempDir dir;
    syx::engine::SaveBackupOptions options;
    options.output = dir / "lp.syx";
    options.library = fs::path{};
    ASSERT_TRUE(syx::engine::save_backup(lp_content(), options).ok());
    const auto& lp = manifest("moog-little-phatty");
    auto good = syx::engine::verify_backup(dir / "lp.syx", lp);
    EXPECT_TRUE(good.ok) << (good.problems.empty() ? "" : good.problems.front());

    // Another device's backup does not count for this one.
    auto other = syx::engine::verify_backup(dir / "lp.syx", manifest("novation-k-station"));
    EXPECT_FALSE(other.ok);

    // One byte changed after saving: the hash says so.
    auto bytes = syx::test::read_file_bytes(dir / "lp.syx");
    bytes[100] ^= 0x01;
    fs::remove(dir / "lp.syx");
    syx::test::write_file_bytes(dir / "lp.syx", bytes);
    auto changed = syx::engine::verify_backup(dir / "lp.syx", lp);
    EXPECT_FALSE(changed.ok);
    ASSERT_FALSE(changed.problems.empty());
    EXPECT_NE(changed.problems.front().find("SHA-256"), std::string::npos);

    // A plain .syx from elsewhere (no sidecar) is not a verified backup.
    syx::test::write_file_bytes(dir / "foreign.syx", bytes);
    auto foreign = syx::engine::verify_backup(dir / "foreign.syx", lp);
    EXPECT_FALSE(foreign.ok);
    EXPECT_NE(foreign.problems.front().find("sidecar"), std::string::npos);
}

TEST(BackupStore, LibraryListsNewestFirstAndIgnoresTemporariesAndOrphans) {
    syx::test::TempDir dir;
    const auto library = dir / "library";
    auto first = lp_content(1);
    first.created = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    auto second = lp_content(2);
    second.created = first.created + std::chrono::hours(1);
    second.label = "../../etc/My Preset: \"Bass\"";
    syx::engine::SaveBackupOptions options;
    options.library = library;
    ASSERT_TRUE(syx::engine::save_backup(first, options).ok());
    auto saved = syx::engine::save_backup(second, options);
    ASSERT_TRUE(saved.ok());
    // The label from device data cannot leave the folder.
    EXPECT_EQ(saved->file.parent_path(), library / "moog-little-phatty");
    EXPECT_EQ(saved->file.filename().string(), "20231114T231320Z-etc_My_Preset_Bass_.syx");

    const auto dev = library / "moog-little-phatty";
    // Leftovers of a killed writer: a temporary of a dead process and a .syx without sidecar.
    syx::test::write_file_bytes(dev / ".x.syx.tmp-999999999-abcdef", {0xF0});
    syx::test::write_file_bytes(dev / "orphan.syx", {0xF0, 0xF7});
    const auto entries = syx::engine::list_library(library);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].created, "2023-11-14T23:13:20Z");
    EXPECT_EQ(entries[1].created, "2023-11-14T22:13:20Z");
    EXPECT_TRUE(entries[0].intact);
    EXPECT_TRUE(entries[0].complete);
    EXPECT_EQ(entries[0].device_id, "moog-little-phatty");
    EXPECT_EQ(entries[0].sha256, syx::to_hex(syx::sha256(second.messages[0])));
    EXPECT_FALSE(fs::exists(dev / ".x.syx.tmp-999999999-abcdef")); // cleaned up
    EXPECT_TRUE(syx::engine::list_library(library, "novation-k-station").empty());
    EXPECT_EQ(syx::engine::list_library(library, "moog-little-phatty").size(), 2u);
}

TEST(BackupStore, SanitisesNamesFromDeviceData) {
    using syx::engine::sanitize_file_name;
    EXPECT_EQ(sanitize_file_name("Fat Bass 01"), "Fat_Bass_01");
    EXPECT_EQ(sanitize_file_name("../../x"), "x");
    EXPECT_EQ(sanitize_file_name("a..b"), "a_b");
    EXPECT_EQ(sanitize_file_name(".hidden"), "hidden");
    EXPECT_EQ(sanitize_file_name("a/b\\c:d*e?f\"g<h>i|j"), "a_b_c_d_e_f_g_h_i_j");
    EXPECT_EQ(sanitize_file_name(""), "unnamed");
    EXPECT_EQ(sanitize_file_name("\x01\x02"), "unnamed");
    EXPECT_EQ(sanitize_file_name("CON"), "_CON");
    EXPECT_EQ(sanitize_file_name("nul.syx"), "_nul.syx");
    EXPECT_EQ(sanitize_file_name("-rf"), "rf");
    EXPECT_EQ(sanitize_file_name("Caf\xC3\xA9"), "Caf_");
    EXPECT_EQ(sanitize_file_name(std::string(200, 'a')).size(), 64u);
}

TEST(BackupStore, LibraryFollowsXdgDataHome) {
    syx::test::TempDir dir;
    const char* old = std::getenv("XDG_DATA_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_DATA_HOME", dir.path().c_str(), 1);
    EXPECT_EQ(syx::engine::backup_library_dir(), dir / "syxflash" / "backups");
    if (old) {
        ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
    } else {
        ::unsetenv("XDG_DATA_HOME");
    }
}

} // namespace
