// Crash safety (issue 6): kill the process (SIGKILL) at many points while a backup is written and
// while an update journal is being kept, then check what the next run sees: earlier backups
// intact, no partial file presented as a backup, temporaries never mistaken for backups and
// cleaned up, and the interrupted transfer found from its journal.
#include <csignal>
#include <set>
#include <thread>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/catalogue.hpp"
#include "engine/atomic_file.hpp"
#include "engine/backup_store.hpp"
#include "engine/crash_point.hpp"
#include "engine/journal.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

const syx::Manifest& little_phatty() {
    static const auto load =
        syx::load_catalogue({syx::test::source_dir() / "firmware-manifests"}, {});
    return load.catalogue.find("moog-little-phatty")->manifest;
}

Bytes lp_bank(unsigned seed) {
    Bytes m{0xF0, 0x04, 0x05, 0x03, 0x01};
    while (m.size() < 17276) {
        m.push_back(static_cast<std::uint8_t>((m.size() * 13 + seed) & 0x7F));
    }
    m.push_back(0xF7);
    return m;
}

syx::engine::BackupContent content(unsigned seed) {
    syx::engine::BackupContent c;
    c.device_id = "moog-little-phatty";
    c.device_name = "Moog Little Phatty";
    c.messages = {lp_bank(seed)};
    c.complete = true;
    c.completeness = "1 of 1 bank message";
    c.backup_kind = "automatic";
    c.label = "run" + std::to_string(seed);
    return c;
}

struct ChildEnd {
    bool killed = false; // by SIGKILL
    int exit_code = -1;
};

// Runs `body` in a forked child; `kill_after` (if set) SIGKILLs it from outside after that delay.
template <class Body>
ChildEnd run_child(Body body, std::optional<std::chrono::microseconds> kill_after = {}) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        body();
        ::_exit(0);
    }
    if (kill_after) {
        std::this_thread::sleep_for(*kill_after);
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ChildEnd end;
    end.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    end.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return end;
}

// What a user would find at the requested output name after the crash.
void expect_output_whole_or_absent(const fs::path& dir, unsigned seed, const std::string& where) {
    SCOPED_TRACE(where);
    const Bytes full = lp_bank(seed);
    const fs::path out = dir / ("out-" + std::to_string(seed) + ".syx");
    if (fs::exists(out)) {
        // The requested file is either absent or whole (atomic), never a prefix…
        EXPECT_EQ(syx::test::read_file_bytes(out),
                  std::vector<unsigned char>(full.begin(), full.end()));
        // …and it only counts as a backup once its sidecar committed it.
        const auto check = syx::engine::verify_backup(out, little_phatty());
        EXPECT_EQ(check.ok, fs::exists(syx::engine::sidecar_path(out)));
    } else {
        EXPECT_FALSE(fs::exists(syx::engine::sidecar_path(out)));
    }
}

// What the GUI's library page would list, and what is left lying around.
void expect_library_clean(const fs::path& dir, const fs::path& library, const std::string& where) {
    SCOPED_TRACE(where);
    // Every listed library entry is complete and intact.
    for (const auto& entry : syx::engine::list_library(library)) {
        EXPECT_TRUE(entry.intact) << entry.file;
        EXPECT_TRUE(entry.complete) << entry.file;
        EXPECT_TRUE(syx::engine::verify_backup(entry.file, little_phatty()).ok) << entry.file;
    }
    // Temporaries of the killed writer are gone after the next run looked (list_library cleans
    // the library; the output folder is cleaned the same way).
    syx::engine::remove_abandoned_temporary_files(dir);
    for (const auto& folder : {dir, library / "moog-little-phatty"}) {
        if (!fs::exists(folder)) {
            continue;
        }
        for (const auto& e : fs::directory_iterator(folder)) {
            EXPECT_FALSE(syx::engine::is_temporary_file_name(e.path().filename().string()))
                << e.path();
        }
    }
}

class CrashSafety : public ::testing::Test {
protected:
    void SetUp() override {
        library = dir / "library";
        // Two earlier backups that must survive everything below.
        for (unsigned seed : {1u, 2u}) {
            syx::engine::SaveBackupOptions options;
            options.output = dir / ("earlier-" + std::to_string(seed) + ".syx");
            options.library = library;
            ASSERT_TRUE(syx::engine::save_backup(content(seed), options).ok());
        }
        earlier_library = syx::engine::list_library(library);
        ASSERT_EQ(earlier_library.size(), 2u);
    }

    void expect_earlier_intact() {
        for (unsigned seed : {1u, 2u}) {
            const auto file = dir / ("earlier-" + std::to_string(seed) + ".syx");
            EXPECT_TRUE(syx::engine::verify_backup(file, little_phatty()).ok) << file;
        }
        const auto now = syx::engine::list_library(library);
        for (const auto& before : earlier_library) {
            const auto it = std::find_if(now.begin(), now.end(),
                                         [&](const auto& e) { return e.file == before.file; });
            ASSERT_NE(it, now.end()) << before.file;
            EXPECT_TRUE(it->intact);
            EXPECT_EQ(it->sha256, before.sha256);
        }
    }

    syx::test::TempDir dir;
    fs::path library;
    std::vector<syx::engine::LibraryEntry> earlier_library;
};

TEST_F(CrashSafety, KilledAtEveryInjectedPointOfABackupWrite) {
    // One save with an output and a library copy passes each atomic point 4 times (two .syx, two
    // sidecars) and each backup point twice.
    const std::vector<std::string> points{
        "atomic:temp-created", "atomic:partly-written", "atomic:synced",         "atomic:linked",
        "atomic:done",         "backup:syx-written",    "backup:sidecar-written"};
    unsigned seed = 10;
    std::size_t killed = 0;
    for (const auto& point : points) {
        for (int nth = 1; nth <= 4; ++nth, ++seed) {
            const std::string spec = point + "#" + std::to_string(nth);
            const fs::path out = dir / ("out-" + std::to_string(seed) + ".syx");
            const auto end = run_child([&] {
                syx::engine::arm_crash_point(spec);
                syx::engine::SaveBackupOptions options;
                options.output = out;
                options.library = library;
                const auto saved = syx::engine::save_backup(content(seed), options);
                ::_exit(saved.ok() ? 0 : 1);
            });
            const bool reachable = point.rfind("backup:", 0) == 0 ? nth <= 2 : true;
            EXPECT_EQ(end.killed, reachable) << spec;
            if (!end.killed) {
                EXPECT_EQ(end.exit_code, 0) << spec;
            }
            killed += end.killed ? 1 : 0;
            expect_output_whole_or_absent(dir.path(), seed, spec);
            expect_library_clean(dir.path(), library, spec);
            expect_earlier_intact();
        }
    }
    EXPECT_EQ(killed, 5u * 4u + 2u * 2u);
}

TEST_F(CrashSafety, KilledAfterRandomDelaysWhileWritingBackupsInALoop) {
    // A child that writes backups back to back, killed from outside after 25 different delays:
    // wherever the kill lands, nothing partial is presented as a backup.
    for (unsigned run = 0; run < 25; ++run) {
        const unsigned first_seed = 1000 + run * 100;
        const auto end = run_child(
            [&] {
                for (unsigned i = 0; i < 100; ++i) {
                    syx::engine::SaveBackupOptions options;
                    options.output = dir / ("out-" + std::to_string(first_seed + i) + ".syx");
                    options.library = library;
                    (void)syx::engine::save_backup(content(first_seed + i), options);
                }
            },
            std::chrono::microseconds(200 + run * 397));
        (void)end;
        for (unsigned i = 0; i < 100; ++i) {
            expect_output_whole_or_absent(dir.path(), first_seed + i,
                                          "run " + std::to_string(run) + " backup " +
                                              std::to_string(i));
        }
        expect_library_clean(dir.path(), library, "run " + std::to_string(run));
        expect_earlier_intact();
    }
}

TEST(CrashSafetyJournal, KilledMidTransferIsFoundFromItsJournal) {
    syx::test::TempDir dir;
    for (unsigned kill_at : {1u, 7u, 16u, 17u, 33u, 99u}) {
        SCOPED_TRACE(kill_at);
        const auto end = run_child([&] {
            syx::engine::arm_crash_point("journal:progress#" + std::to_string(kill_at));
            syx::engine::JournalStart start;
            start.device_id = "gligli-prophet-600";
            start.device_name = "Prophet-600 (GliGli)";
            start.port = "gligli-prophet-600";
            start.api = "emulated";
            start.file = "/fixtures/p600.syx";
            start.file_sha256 = std::string(64, 'b');
            start.message_count = 220;
            auto journal = syx::engine::UpdateJournal::start(start, dir.path());
            if (!journal) {
                ::_exit(3);
            }
            (void)journal->phase("transfer");
            for (std::uint64_t i = 1; i <= 220; ++i) {
                (void)journal->progress(i, i * 333);
            }
            (void)journal->finish("success", syx::engine::DeviceState::updated);
        });
        EXPECT_TRUE(end.killed);
        const auto found = syx::engine::find_interrupted(dir.path());
        ASSERT_EQ(found.size(), 1u);
        EXPECT_EQ(found[0].device_id, "gligli-prophet-600");
        EXPECT_EQ(found[0].last_phase, "transfer");
        // The kill came right after record kill_at was appended: the journal knows exactly how
        // far the transfer got.
        EXPECT_EQ(found[0].messages_sent, kill_at);
        EXPECT_FALSE(found[0].running);
        ASSERT_TRUE(syx::engine::mark_resolved(dir.path(), found[0].session, "test").ok());
    }
    EXPECT_TRUE(syx::engine::find_interrupted(dir.path()).empty());
    EXPECT_EQ(syx::engine::list_sessions(dir.path()).size(), 6u);
}

} // namespace
