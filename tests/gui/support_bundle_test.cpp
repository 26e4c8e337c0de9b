#include <filesystem>
#include <fstream>

#include "read_archive.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "gui/support_bundle.hpp"

namespace syx::gui {
namespace {

namespace fs = std::filesystem;

TEST(SupportBundle, IsOneTarGzWhoseFilesReadBackWithLibarchive) {
    const fs::path dir = syx::test::process_temp_path("syxflash-bundle-test");
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path path = dir / "bundle.tar.gz";
    // A long journal name (over ustar's 100 characters) and a binary-ish trace line.
    const std::string journal = "journal/" + std::string(120, 'j') + ".jsonl";
    const std::vector<BundleEntry> entries{
        {"report.txt", "syxflash support report\ndevice: Parker MIDIFly\n"},
        {"trace.txt", std::string("line with \xe2\x80\x94 dash\n") + std::string(50000, 'x')},
        {journal, "{\"record\":\"start\"}\n"},
        {"empty.txt", ""}};
    const auto written =
        write_support_bundle(path, "syxflash-support-x", entries, std::chrono::system_clock::now());
    ASSERT_TRUE(written) << written.error().message;

    // gzip magic: what `file` and every unpacker look for.
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {};
    in.read(reinterpret_cast<char*>(magic),
            2); // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
    EXPECT_EQ(magic[0], 0x1F);
    EXPECT_EQ(magic[1], 0x8B);

    const auto read = test::read_archive(path);
    ASSERT_TRUE(read.opened) << read.error;
    EXPECT_TRUE(read.error.empty()) << read.error;
    EXPECT_EQ(read.compression, "gzip");
    ASSERT_EQ(read.files.size(), entries.size());
    for (const auto& e : entries) {
        const auto it = read.files.find("syxflash-support-x/" + e.name);
        ASSERT_NE(it, read.files.end()) << e.name;
        EXPECT_EQ(it->second, e.content) << e.name;
    }
    fs::remove_all(dir);
}

TEST(SupportBundle, NeverOverwritesAnEarlierBundle) {
    const fs::path dir = syx::test::process_temp_path("syxflash-bundle-overwrite-test");
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path path = dir / "bundle.tar.gz";
    const auto when = std::chrono::system_clock::now();
    ASSERT_TRUE(write_support_bundle(path, "a", {{"report.txt", "first"}}, when));
    EXPECT_FALSE(write_support_bundle(path, "a", {{"report.txt", "second"}}, when));
    EXPECT_EQ(test::read_archive(path).files.at("a/report.txt"), "first");
    fs::remove_all(dir);
}

} // namespace
} // namespace syx::gui
