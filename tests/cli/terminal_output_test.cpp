// Text from outside reaches the terminal made safe (engine/terminal_text.hpp): a file name or a
// journal record holding an ESC sequence or another control character was printed raw by
// `upload`, `validate` and `recover` (a crafted name could clear the screen, retitle the window
// or fake lines). Now every control is shown as an escape ("\x1b[2J"); the text stays readable.
#include <fstream>

#include <fmt/core.h>

#include "cli/cli_env.hpp"
#include "cli/flow_cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using syx::test::FlowHome;

// No control character in the output but the line breaks.
std::string first_control(const std::string& text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) {
            return fmt::format("0x{:02x}", u);
        }
    }
    const auto c1 = text.find("\xc2\x9b");
    return c1 == std::string::npos ? std::string{} : "U+009B";
}

TEST(TerminalOutput, AFileNameWithAnEscapeSequenceIsShownEscaped) {
    FlowHome home;
    const auto file = home / "a\x1b[2Jb.syx";
    syx::test::write_file_bytes(file, {'h', 'e', 'l', 'l', 'o'});
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"upload", "--device", "parker-midifly", "--api", "emulated",
                                   "--port", "parker-midifly", file.string()},
          std::vector<std::string>{"validate", "--device", "parker-midifly", file.string()}}) {
        const auto r = syx::test::run_cli(args);
        const std::string all = r.out + r.err;
        EXPECT_EQ(first_control(all), "") << args.front() << ":\n" << all;
        EXPECT_NE(all.find("a\\x1b[2Jb.syx"), std::string::npos) << args.front() << ":\n" << all;
    }
}

TEST(TerminalOutput, AJournalRecordWithControlCharactersIsListedEscaped) {
    FlowHome home;
    fs::create_directories(home.journal());
    const nlohmann::json start{{"record", "start"},
                               {"session", "20261206T010203Z-parker-midifly-1"},
                               {"time", "2026-12-06T01:02:03Z"},
                               {"pid", 1},
                               {"device", "parker-midifly"},
                               {"device_name", "Parker\x1b[2J MIDIFly\nFAKE: all good"},
                               {"port", "port\x1b]0;pwned\x07"},
                               {"api", "emulated"},
                               {"link", "din"},
                               {"file", "/tmp/fly\x1b[31m.syx"},
                               {"file_sha256", std::string(64, '0')},
                               {"message_count", 40},
                               {"total_bytes", 10000}};
    const nlohmann::json finished{{"record", "finished"},
                                  {"time", "2026-12-06T01:02:09Z"},
                                  {"outcome", "transfer-failed"},
                                  {"device_state", "unknown"},
                                  {"detail", "lost \xc2\x9b"
                                             "2J\r at 3"},
                                  {"recovery_plan", ""}};
    std::ofstream(home.journal() / "20261206T010203Z-parker-midifly-1.jsonl")
        << start.dump() << "\n"
        << finished.dump() << "\n";
    const auto r = syx::test::run_cli({"recover"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("1 interrupted update(s)"), std::string::npos) << r.out;
    EXPECT_EQ(first_control(r.out + r.err), "") << r.out;
    EXPECT_NE(r.out.find("Parker\\x1b[2J MIDIFly\\x0aFAKE: all good"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("port\\x1b]0;pwned\\x07"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("lost \\u009b2J\\x0d at 3"), std::string::npos) << r.out;
    // The printed command still names the file exactly when pasted (bash/zsh $'…').
    EXPECT_NE(r.out.find("$'/tmp/fly\\x1b[31m.syx'"), std::string::npos) << r.out;
    // No line of the listing starts with the forged text.
    EXPECT_EQ(r.out.find("\nFAKE"), std::string::npos) << r.out;
}

} // namespace
