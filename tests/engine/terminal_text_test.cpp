// engine/terminal_text.hpp: text from outside shown on a terminal with its controls escaped and
// its valid UTF-8 kept.
#include <gtest/gtest.h>

#include "engine/terminal_text.hpp"

namespace {

using syx::engine::terminal_safe;
using syx::engine::TerminalSafeStream;

TEST(TerminalText, ControlCharactersAreShownAsEscapes) {
    EXPECT_EQ(terminal_safe("a\x1b[2Jb.syx"), "a\\x1b[2Jb.syx");
    EXPECT_EQ(terminal_safe("x\x1b]0;title\x07y"), "x\\x1b]0;title\\x07y");
    EXPECT_EQ(terminal_safe("over\rwrite"), "over\\x0dwrite");
    EXPECT_EQ(terminal_safe("del\x7f"), "del\\u007f");
    EXPECT_EQ(terminal_safe("csi\xc2\x9b"
                            "31m"),
              "csi\\u009b31m"); // U+009B, the C1 CSI
    EXPECT_EQ(terminal_safe(std::string("nul\0x", 5)), "nul\\x00x");
}

TEST(TerminalText, LineBreaksAreKeptOnlyWhenAsked) {
    EXPECT_EQ(terminal_safe("one\ntwo\tthree"), "one\\x0atwo\\x09three");
    EXPECT_EQ(terminal_safe("one\ntwo\tthree", true), "one\ntwo\tthree");
}

TEST(TerminalText, ValidUtf8IsKeptAndInvalidBytesAreShown) {
    EXPECT_EQ(terminal_safe("Caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x8e\xb9"),
              "Caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x8e\xb9");
    EXPECT_EQ(terminal_safe("\xff.syx"), "\\xff.syx");
    EXPECT_EQ(terminal_safe("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
    EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80"); // a surrogate
    EXPECT_EQ(terminal_safe("cut \xe2\x86"), "cut \\xe2\\x86");
}

TEST(TerminalText, AStreamHoldsACharacterSplitBetweenWrites) {
    TerminalSafeStream stream;
    EXPECT_EQ(stream.feed("a \xe2"), "a ");
    EXPECT_EQ(stream.feed("\x86\x92 \x1b"), "\xe2\x86\x92 \\x1b");
    EXPECT_EQ(stream.feed("ok\n\xf0\x9f"), "ok\n");
    EXPECT_EQ(stream.finish(), "\\xf0\\x9f");
}

} // namespace
