#include "engine/terminal_text.hpp"

#include <fmt/core.h>

namespace syx::engine {

namespace {

// The length of the UTF-8 sequence that starts at `text[at]` when it is complete and valid
// (shortest form, no surrogates, at most U+10FFFF); 0 when it is invalid; -1 when the text ends
// before a sequence that is valid so far is complete.
int utf8_length(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    int length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF; // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    for (int i = 1; i < length; ++i) {
        if (at + static_cast<std::size_t>(i) >= text.size()) {
            return -1;
        }
        const auto byte = static_cast<unsigned char>(text[at + static_cast<std::size_t>(i)]);
        if (byte < (i == 1 ? low : 0x80) || byte > (i == 1 ? high : 0xBF)) {
            return 0;
        }
    }
    return length;
}

// Escapes `text` into `out`; returns how many bytes at the end were left because they may be
// the start of a character cut off by the end of a piece (only when `hold_tail`).
std::size_t escape_into(std::string& out, std::string_view text, bool keep_line_breaks,
                        bool hold_tail) {
    std::size_t at = 0;
    while (at < text.size()) {
        const auto byte = static_cast<unsigned char>(text[at]);
        if (byte < 0x80) {
            if ((byte < 0x20 && !(keep_line_breaks && (byte == '\n' || byte == '\t')))) {
                out += fmt::format("\\x{:02x}", byte);
            } else if (byte == 0x7F) {
                out += "\\u007f";
            } else {
                out += static_cast<char>(byte);
            }
            ++at;
            continue;
        }
        const int length = utf8_length(text, at);
        if (length < 0 && hold_tail) {
            return text.size() - at;
        }
        if (length <= 0) {
            out += fmt::format("\\x{:02x}", byte);
            ++at;
            continue;
        }
        // U+0080–U+009F (C2 80 – C2 9F): the C1 controls, CSI (U+009B) among them.
        const auto second = static_cast<unsigned char>(text[at + 1]);
        if (byte == 0xC2 && second <= 0x9F) {
            out += fmt::format("\\u{:04x}", second);
        } else {
            out.append(text.substr(at, static_cast<std::size_t>(length)));
        }
        at += static_cast<std::size_t>(length);
    }
    return 0;
}

} // namespace

std::string terminal_safe(std::string_view text, bool keep_line_breaks) {
    std::string out;
    out.reserve(text.size());
    (void)escape_into(out, text, keep_line_breaks, false);
    return out;
}

std::string TerminalSafeStream::feed(std::string_view bytes) {
    m_held.append(bytes);
    std::string out;
    out.reserve(m_held.size());
    const std::size_t held = escape_into(out, m_held, true, true);
    m_held.erase(0, m_held.size() - held);
    return out;
}

std::string TerminalSafeStream::finish() {
    std::string out = terminal_safe(m_held, true);
    m_held.clear();
    return out;
}

} // namespace syx::engine
