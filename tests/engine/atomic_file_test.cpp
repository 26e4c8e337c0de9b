#include <chrono>
#include <thread>

#include "support/test_support.hpp"
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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

// read_file_bytes (sidecars, pending records, library copies) goes through the same regular-file
// gate as every other read (issue 17): it used an ifstream, which blocks on a FIFO until a writer
// comes, follows /dev/zero without end and calls a link loop "cannot open".
TEST(AtomicFile, ReadingAFifoIsRefusedAtOnceInWords) {
    syx::test::TempDir dir;
    const auto fifo = dir / "x.syx.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // Were the read to block, this writer ends it after 2 s with an empty file, and the test fails
    // on the result instead of hanging.
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) {
            ::close(fd);
        }
    });
    const auto started = std::chrono::steady_clock::now();
    auto r = syx::engine::read_file_bytes(fifo);
    const auto took = std::chrono::steady_clock::now() - started;
    writer.join();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, syx::ErrorCode::usage);
    EXPECT_NE(r.error().message.find("named pipe (FIFO)"), std::string::npos) << r.error().message;
    EXPECT_LT(took, std::chrono::seconds(1));
}

TEST(AtomicFile, ReadingADeviceOrALinkLoopSaysWhatItIs) {
    syx::test::TempDir dir;
    const auto zero = dir / "zero.syx.json";
    std::filesystem::create_symlink("/dev/zero", zero);
    auto r = syx::engine::read_file_bytes(zero);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("character device"), std::string::npos) << r.error().message;

    std::filesystem::create_symlink(dir / "b", dir / "a");
    std::filesystem::create_symlink(dir / "a", dir / "b");
    r = syx::engine::read_file_bytes(dir / "a");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("loop of symbolic links"), std::string::npos)
        << r.error().message;

    r = syx::engine::read_file_bytes(dir / "missing.syx.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, syx::ErrorCode::not_found);
}
