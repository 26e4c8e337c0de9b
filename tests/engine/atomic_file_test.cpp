#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "engine/atomic_file.hpp"

using Bytes = std::vector<std::uint8_t>;

TEST(AtomicFile, WritesTheBytesAndLeavesNoTemporaryFile) {
    syx::test::TempDir dir;
    const Bytes bytes{0xF0, 0x01, 0xF7};
    ASSERT_TRUE(syx::engine::write_file_atomically(dir / "a.syx", bytes).ok());
    EXPECT_EQ(syx::test::read_file_bytes(dir / "a.syx"), bytes);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
        ++files;
    }
    EXPECT_EQ(files, 1u);
}

TEST(AtomicFile, NeverOverwritesUnlessAsked) {
    syx::test::TempDir dir;
    const Bytes first{0xF0, 0x01, 0xF7};
    const Bytes second{0xF0, 0x02, 0xF7};
    ASSERT_TRUE(syx::engine::write_file_atomically(dir / "backup.syx", first).ok());
    auto again = syx::engine::write_file_atomically(dir / "backup.syx", second);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, syx::ErrorCode::refused);
    EXPECT_EQ(syx::test::read_file_bytes(dir / "backup.syx"), first);
    ASSERT_TRUE(syx::engine::write_file_atomically(dir / "backup.syx", second,
                                                   syx::engine::Overwrite::allowed)
                    .ok());
    EXPECT_EQ(syx::test::read_file_bytes(dir / "backup.syx"), second);
}

TEST(AtomicFile, MissingDirectoryIsAnIoError) {
    auto r = syx::engine::write_file_atomically("/nonexistent-dir/x.syx", std::string_view("x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, syx::ErrorCode::io);
}
