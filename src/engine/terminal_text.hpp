#pragma once
// Text from outside made safe for a terminal (issue 17 follow-up): file names, journal records,
// manifest names, a device's display text, identity strings and port names reach the CLI's
// human output, and a terminal obeys the control characters in them ("\x1b[2J" clears the
// screen, OSC sequences retitle the window or write the clipboard, "\r" overwrites what was
// said). Here every control character is shown as an escape instead: C0 as \xNN ("\x1b", "\x07",
// "\x0d"), DEL and the C1 controls as \u00NN ("\u007f", "\u009b"; these also stay valid inside
// a JSON string), a byte that is not valid UTF-8 as \xNN. Valid UTF-8 text is kept as it is.
// A backslash is kept as it is (the escapes are for reading, not for parsing back).
#include <string>
#include <string_view>

namespace syx::engine {

// `keep_line_breaks`: "\n" and "\t" pass (whole lines of output); otherwise they are escaped too
// (a name in a line: a newline in it would fake a line of output).
[[nodiscard]] std::string terminal_safe(std::string_view text, bool keep_line_breaks = false);

// terminal_safe(…, true) for output written in pieces: a UTF-8 character split between two
// writes is held back until its end arrives, not shown as two bad bytes.
class TerminalSafeStream {
public:
    [[nodiscard]] std::string feed(std::string_view bytes);
    // What is held back (an unfinished character at the end), escaped.
    [[nodiscard]] std::string finish();

private:
    std::string m_held;
};

} // namespace syx::engine
