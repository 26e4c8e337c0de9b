#include <fstream>
#include <sstream>

#include "support/small_tmpfs.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/journal.hpp"

namespace {

namespace fs = std::filesystem;
using syx::engine::DeviceState;
using syx::engine::JournalStart;
using syx::engine::UpdateJournal;

JournalStart midifly_start() {
    JournalStart s;
    s.device_id = "parker-midifly";
    s.device_name = "Parker MIDIFly";
    s.port = "parker-midifly";
    s.api = "emulated";
    s.link = "usb";
    s.file = "/tmp/fly.syx";
    s.file_sha256 = std::string(64, 'a');
    s.message_count = 40;
    s.total_bytes = 4000;
    return s;
}

std::vector<nlohmann::json> lines_of(const fs::path& path) {
    std::vector<nlohmann::json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

TEST(Journal, RecordsTheTransferAsItGoes) {
    syx::test::TempDir dir;
    auto journal = UpdateJournal::start(midifly_start(), dir.path());
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    ASSERT_TRUE(journal->phase("transfer").ok());
    for (std::uint64_t i = 1; i <= 3; ++i) {
        ASSERT_TRUE(journal->progress(i, i * 100).ok());
    }
    ASSERT_TRUE(journal->finish("success", DeviceState::updated).ok());
    const auto lines = lines_of(journal->path());
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_EQ(lines[0]["record"], "start");
    EXPECT_EQ(lines[0]["device"], "parker-midifly");
    EXPECT_EQ(lines[0]["port"], "parker-midifly");
    EXPECT_EQ(lines[0]["file_sha256"], std::string(64, 'a'));
    EXPECT_EQ(lines[1]["phase"], "transfer");
    EXPECT_EQ(lines[4]["messages_sent"], 3);
    EXPECT_EQ(lines[5]["record"], "finished");
    EXPECT_EQ(lines[5]["device_state"], "updated");
    // A finished, successful session needs nothing.
    EXPECT_TRUE(syx::engine::find_interrupted(dir.path()).empty());
}

TEST(Journal, SessionWithoutFinishIsFoundOnlyOnceItsProcessIsGone) {
    syx::test::TempDir dir;
    std::string session;
    {
        auto journal = UpdateJournal::start(midifly_start(), dir.path());
        ASSERT_TRUE(journal.ok());
        session = journal->session_id();
        ASSERT_TRUE(journal->phase("transfer").ok());
        ASSERT_TRUE(journal->progress(17, 1700).ok());
        // While the writer holds its journal, it is running, not interrupted.
        const auto all = syx::engine::list_sessions(dir.path());
        ASSERT_EQ(all.size(), 1u);
        EXPECT_TRUE(all[0].running);
        EXPECT_TRUE(syx::engine::find_interrupted(dir.path()).empty());
    } // closed without a finished record: as if the process had died
    const auto found = syx::engine::find_interrupted(dir.path());
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].session, session);
    EXPECT_EQ(found[0].device_id, "parker-midifly");
    EXPECT_EQ(found[0].last_phase, "transfer");
    EXPECT_EQ(found[0].messages_sent, 17u);
    EXPECT_EQ(found[0].message_count, 40u);
    EXPECT_FALSE(found[0].finished);

    ASSERT_TRUE(syx::engine::mark_resolved(dir.path(), session, "recovered: upload repeated").ok());
    EXPECT_TRUE(syx::engine::find_interrupted(dir.path()).empty());
    EXPECT_TRUE(syx::engine::list_sessions(dir.path())[0].resolved);
}

TEST(Journal, FailedTransferWithUnknownDeviceStateNeedsRecoveryButRefusalDoesNot) {
    syx::test::TempDir dir;
    {
        auto failed = UpdateJournal::start(midifly_start(), dir.path());
        ASSERT_TRUE(failed.ok());
        ASSERT_TRUE(failed->finish("failed", DeviceState::unknown, "port vanished").ok());
        auto refused = UpdateJournal::start(midifly_start(), dir.path());
        ASSERT_TRUE(refused.ok());
        ASSERT_TRUE(refused->finish("refused", DeviceState::unchanged, "validation").ok());
    }
    const auto found = syx::engine::find_interrupted(dir.path());
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].outcome, "failed");
    EXPECT_EQ(found[0].detail, "port vanished");
    EXPECT_EQ(syx::engine::list_sessions(dir.path()).size(), 2u);
}

TEST(Journal, TornLastLineIsIgnored) {
    syx::test::TempDir dir;
    fs::path path;
    {
        auto journal = UpdateJournal::start(midifly_start(), dir.path());
        ASSERT_TRUE(journal.ok());
        ASSERT_TRUE(journal->progress(5, 500).ok());
        path = journal->path();
    }
    {
        std::ofstream out(path, std::ios::app);
        out << R"({"record":"progress","messages_sent":6,"bytes)"; // power cut mid-line
    }
    const auto found = syx::engine::find_interrupted(dir.path());
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].messages_sent, 5u);
    EXPECT_TRUE(found[0].torn_tail);
}

TEST(Journal, FollowsXdgStateHome) {
    const char* old = std::getenv("XDG_STATE_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_STATE_HOME", "/x/state", 1);
    EXPECT_EQ(syx::engine::journal_dir(), fs::path("/x/state/syxflash/journal"));
    ::setenv("XDG_STATE_HOME", "relative", 1); // XDG: relative paths are ignored
    const char* home = std::getenv("HOME");
    if (home != nullptr) {
        EXPECT_EQ(syx::engine::journal_dir(), fs::path(home) / ".local/state/syxflash/journal");
    }
    if (old) {
        ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
    } else {
        ::unsetenv("XDG_STATE_HOME");
    }
}

// ---- a full disk (a small tmpfs in a user namespace) -------------------------------------------

// The journal folder's files, hidden ones included, one name per line.
std::string files_in(const fs::path& dir) {
    std::string names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        names += entry.path().filename().string() + "\n";
    }
    return names;
}

// Fills the file system holding `dir` up to the last byte.
void fill_disk(const fs::path& dir) {
    std::ofstream fill(dir / "fill", std::ios::binary);
    const std::string block(4096, 'x');
    for (int i = 0;
         i < 4096 && fill.write(block.data(), static_cast<std::streamsize>(block.size())); ++i) {
    }
}

TEST(JournalFullDisk, AWriteFailureIsReportedOnceAndTheFinishIsStillRecorded) {
    syx::test::TempDir dir;
    const fs::path mount = dir / "state";
    fs::create_directories(mount);
    // 16 KiB: one page taken by another file, two by the journal's reserve, one for the journal.
    const auto run = syx::test::run_with_small_tmpfs(mount, 16, [&]() -> std::string {
        std::ostringstream problems;
        {
            std::ofstream other(mount / "other", std::ios::binary);
            other << std::string(4096, 'o');
        }
        const fs::path journal_dir = mount / "journal";
        fs::path journal_file;
        {
            auto journal = UpdateJournal::start(midifly_start(), journal_dir);
            if (!journal) {
                return "start failed: " + journal.error().message;
            }
            journal_file = journal->path();
            if (!journal->phase("transfer").ok()) {
                problems << "the transfer phase was not written; ";
            }
            // One progress record per message, far more than one page holds.
            int failures = 0;
            std::string first_error;
            for (std::uint64_t i = 1; i <= 200; ++i) {
                if (auto s = journal->progress(i, i * 274); !s) {
                    ++failures;
                    first_error = s.error().message;
                }
            }
            // A note and a phase after the failure say nothing more.
            for (const auto& s :
                 {journal->note("the user typed something"), journal->phase("verify")}) {
                if (!s) {
                    ++failures;
                }
            }
            if (failures != 1) {
                problems << failures << " failure(s) reported, not exactly one; ";
            }
            if (first_error.find("No space left on device") == std::string::npos ||
                first_error.find("said once") == std::string::npos) {
                problems << "the failure reads '" << first_error << "'; ";
            }
            if (!journal->write_failed()) {
                problems << "write_failed() is false; ";
            }
            if (auto s = journal->finish("success", DeviceState::updated, "version 1.2"); !s) {
                problems << "finish was not recorded: " << s.error().message << "; ";
            }
            const auto read = syx::engine::read_journal(journal->path());
            if (!read) {
                return problems.str() + "the journal cannot be read: " + read.error().message;
            }
            if (!read->finished || read->outcome != "success" || read->device_state != "updated") {
                problems << "read back: finished " << read->finished << ", outcome '"
                         << read->outcome << "', device state '" << read->device_state << "'; ";
            }
            if (read->messages_sent == 0 || read->messages_sent >= 200) {
                problems << read->messages_sent
                         << " progress records: the disk did not fill mid-way; ";
            }
        } // closed: no longer running
        if (!syx::engine::find_interrupted(journal_dir).empty()) {
            problems << "a finished run is listed as interrupted; ";
        }
        if (files_in(journal_dir) != journal_file.filename().string() + "\n") {
            problems << "left in the journal folder: " << files_in(journal_dir) << "; ";
        }
        return problems.str();
    });
    if (!run.ran) {
        GTEST_SKIP() << run.skip_reason;
    }
    EXPECT_EQ(run.problems, "");
}

TEST(JournalFullDisk, AJournalThatCannotBeStartedLeavesNoFileBehind) {
    syx::test::TempDir dir;
    const fs::path mount = dir / "state";
    fs::create_directories(mount);
    const auto run = syx::test::run_with_small_tmpfs(mount, 16, [&]() -> std::string {
        std::ostringstream problems;
        fs::create_directories(mount / "journal");
        fill_disk(mount);
        auto journal = UpdateJournal::start(midifly_start(), mount / "journal");
        if (journal) {
            return "a journal was started on a full disk";
        }
        if (journal.error().message.find("No space left on device") == std::string::npos) {
            problems << "the error reads '" << journal.error().message << "'; ";
        }
        // An empty file here would be listed as an unreadable, possibly interrupted update.
        if (const auto left = files_in(mount / "journal"); !left.empty()) {
            problems << "left in the journal folder: " << left << "; ";
        }
        if (!syx::engine::list_unreadable(mount / "journal").empty()) {
            problems << "an unreadable journal is listed; ";
        }
        return problems.str();
    });
    if (!run.ran) {
        GTEST_SKIP() << run.skip_reason;
    }
    EXPECT_EQ(run.problems, "");
}

} // namespace

namespace {

TEST(Journal, AFileNameThatIsNotUtf8IsJournaledNotThrown) {
    // Linux names are bytes: a Latin-1 name (0xFF) made the JSON writer throw, which ended an
    // upload as an "internal error" and left an empty journal behind.
    syx::test::TempDir dir;
    auto start = midifly_start();
    start.file = "/tmp/\xff\xfe-fly.syx";
    auto journal = UpdateJournal::start(start, dir.path());
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    ASSERT_TRUE(journal->note("typed \xff").ok());
    ASSERT_TRUE(journal->finish("success", DeviceState::updated, "detail \xfe").ok());
    const auto read = syx::engine::read_journal(journal->path());
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_TRUE(read->finished);
    EXPECT_NE(read->file.find("-fly.syx"), std::string::npos);
}

} // namespace

namespace {

TEST(Journal, ADamagedRecordNeitherHidesAnUpdateNorNamesAnotherFile) {
    // Hand-made or damaged: a start record whose session names a path, and a finish without a
    // device state. The entry is listed (the device may be half-written) under its file's own
    // name, so `recover --resolve` can find it.
    syx::test::TempDir dir;
    {
        std::ofstream out(dir / "odd.jsonl");
        out << R"({"record":"start","session":"../../etc/passwd","device":"parker-midifly"})"
            << "\n"
            << R"({"record":"finished","outcome":"success"})"
            << "\n";
    }
    const auto found = syx::engine::find_interrupted(dir.path());
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].session, "odd");
    EXPECT_EQ(found[0].device_state, "unknown");
    ASSERT_TRUE(syx::engine::mark_resolved(dir.path(), found[0].session, "checked by hand").ok());
    EXPECT_TRUE(syx::engine::find_interrupted(dir.path()).empty());
}

} // namespace
