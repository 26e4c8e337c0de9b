// A full disk under the update journal (issue 17): the write failure is said once, the run still
// ends with its outcome recorded, and `recover` does not list a run whose messages were all sent.
// The disk is a 16 KiB tmpfs in a user namespace (support/small_tmpfs.hpp); where the machine
// forbids that, the test skips with the reason.
#include "support/small_tmpfs.hpp"
#include <gtest/gtest.h>

#include "cli/flow_cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

TEST(FullDiskCli, AJournalWriteFailureMidUploadIsSaidOnceAndTheSuccessIsStillRecorded) {
    FlowHome home;
    // The journal's start record names the firmware by its absolute path: a long one (3.4 KB,
    // within PATH_MAX) takes most of the journal's only page, so the disk fills during the
    // transfer of a short file instead of after a long one.
    fs::path folder = home / "fw";
    for (int i = 0; i < 17; ++i) {
        folder /= std::string(199, static_cast<char>('a' + i));
    }
    fs::create_directories(folder);
    const fs::path file = folder / "midifly.syx";
    syx::test::write_short_midifly_firmware(file, 8); // the run takes 2 s, not 9
    const fs::path state = home / "state";
    fs::create_directories(state);

    syx::test::ProcessResult upload;
    syx::test::ProcessResult recover;
    std::string journal_text;
    // One page for another file, two for the journal's reserve, one for the journal itself.
    const auto run = syx::test::run_with_small_tmpfs(state, 16, [&]() -> std::string {
        syx::test::write_file_bytes(state / "other", std::vector<unsigned char>(4096, 'o'));
        upload = syx::test::run_cli({"upload", "--device", "parker-midifly", "--api", "emulated",
                                     "--port", "parker-midifly", file.string(),
                                     "--allow-unknown-release", "--yes"});
        recover = syx::test::run_cli({"recover"});
        for (const auto& entry : fs::directory_iterator(home.journal())) {
            const auto bytes = syx::test::read_file_bytes(entry.path());
            journal_text += entry.path().filename().string() + ":\n" +
                            std::string(bytes.begin(), bytes.end()) + "\n";
        }
        // What the parent checks travels back in the report: the child's results are its own.
        return "exit " + std::to_string(upload.exit_code) + "\n--upload--\n" + upload.err +
               "\n--recover--\n" + recover.out + recover.err + "\n--journal--\n" + journal_text;
    });
    if (!run.ran) {
        GTEST_SKIP() << run.skip_reason;
    }
    const std::string& report = run.problems;
    const auto upload_err = report.substr(0, report.find("--recover--"));
    const auto recover_out = report.substr(report.find("--recover--"),
                                           report.find("--journal--") - report.find("--recover--"));
    const auto journal = report.substr(report.find("--journal--"));
    EXPECT_EQ(report.rfind("exit 0\n", 0), 0u) << report;
    // Said once, not once per message.
    EXPECT_EQ(count_of(upload_err, "No space left on device"), 1u) << report;
    EXPECT_NE(upload_err.find("said once"), std::string::npos) << report;
    // The disk filled before the last message: some progress records are missing.
    EXPECT_EQ(journal.find("\"messages_sent\":8"), std::string::npos) << report;
    // …and the run is still recorded as the success it was, so nothing is listed to recover.
    EXPECT_NE(journal.find("\"record\":\"finished\",\"time\""), std::string::npos) << report;
    EXPECT_NE(journal.find("\"outcome\":\"success\""), std::string::npos) << report;
    EXPECT_EQ(recover_out.find("killed or crashed"), std::string::npos) << report;
    EXPECT_NE(recover_out.find("No interrupted updates"), std::string::npos) << report;
    // The reserve was given back: only the journal is left.
    EXPECT_EQ(count_of(journal, ".jsonl:\n"), 1u) << report;
    EXPECT_EQ(journal.find("reserve"), std::string::npos) << report;
}

} // namespace
