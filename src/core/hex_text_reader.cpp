#include "core/hex_text_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include <fmt/core.h>

#include "core/sysex_framer.hpp"

namespace syx {
namespace {

int hex_value(std::uint8_t c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool is_separator(std::uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == ',';
}

// Walks the text and calls on_byte(value, text_offset, line) for each byte it encodes.
// Returns the offset of the first token that is not a hex byte (with its line), if any.
struct BadToken {
    std::size_t offset = 0;
    std::size_t length = 0;
    std::uint64_t line = 0;
};

template <class OnByte>
std::optional<BadToken> tokenize(std::span<const std::uint8_t> text, OnByte&& on_byte) {
    std::size_t pos = 0;
    std::uint64_t line = 1;
    const std::size_t size = text.size();
    // A UTF-8 byte-order mark at the very start is not content.
    if (size >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) {
        pos = 3;
    }
    while (pos < size) {
        const std::uint8_t c = text[pos];
        if (c == '\n') {
            ++line;
            ++pos;
            continue;
        }
        if (is_separator(c)) {
            ++pos;
            continue;
        }
        if (c == ';' || c == '#' || (c == '/' && pos + 1 < size && text[pos + 1] == '/')) {
            const void* eol = std::memchr(text.data() + pos, '\n', size - pos);
            pos =
                eol != nullptr
                    ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(eol) - text.data())
                    : size;
            continue;
        }
        std::size_t end = pos;
        while (end < size && !is_separator(text[end]) && text[end] != ';' && text[end] != '#') {
            ++end;
        }
        std::size_t digits_begin = pos;
        std::size_t digits_end = end;
        if (end - pos > 2 && text[pos] == '0' && (text[pos + 1] == 'x' || text[pos + 1] == 'X')) {
            digits_begin += 2;
        } else if (end - pos == 3 && (text[end - 1] == 'h' || text[end - 1] == 'H')) {
            digits_end -= 1;
        }
        const std::size_t digits = digits_end - digits_begin;
        bool valid = digits >= 2 && digits % 2 == 0;
        for (std::size_t i = digits_begin; valid && i < digits_end; ++i) {
            valid = hex_value(text[i]) >= 0;
        }
        if (!valid) {
            return BadToken{pos, end - pos, line};
        }
        for (std::size_t i = digits_begin; i < digits_end; i += 2) {
            const auto value =
                static_cast<std::uint8_t>((hex_value(text[i]) << 4) | hex_value(text[i + 1]));
            on_byte(value, i, line);
        }
        pos = end;
    }
    return std::nullopt;
}

// "00000000: f0 43 …", "0000010  f0 43 …" — a dump with an address first on each line: the
// first token of every line is a run of >= 4 hex digits (maybe with ':'), followed by more on
// the line, and the addresses start at 0 and increase.
bool looks_like_dump_with_offsets(std::span<const std::uint8_t> text) {
    std::size_t lines = 0;
    std::uint64_t previous = 0;
    std::size_t pos = 0;
    while (pos < text.size() && lines < 64) {
        std::size_t end = pos;
        while (end < text.size() && text[end] != '\n') {
            ++end;
        }
        std::size_t p = pos;
        while (p < end && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r')) {
            ++p;
        }
        if (p < end) {
            std::size_t digits = 0;
            std::uint64_t address = 0;
            while (p + digits < end && hex_value(text[p + digits]) >= 0) {
                if (digits < 15) {
                    address =
                        (address << 4) | static_cast<std::uint64_t>(hex_value(text[p + digits]));
                }
                ++digits;
            }
            std::size_t after = p + digits;
            if (after < end && text[after] == ':') {
                ++after;
            }
            const bool more = after < end && (text[after] == ' ' || text[after] == '\t');
            if (digits < 4 || !more || (lines == 0 && address != 0) ||
                (lines > 0 && address <= previous)) {
                return false;
            }
            previous = address;
            ++lines;
        }
        pos = end + 1;
    }
    return lines >= 1;
}

bool starts_with_ci(std::span<const std::uint8_t> text, std::size_t pos, const char* word) {
    const std::size_t n = std::strlen(word);
    if (text.size() - pos < n) {
        return false;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<char>(text[pos + i]);
        if (std::tolower(static_cast<unsigned char>(c)) != word[i]) {
            return false;
        }
    }
    return true;
}

bool looks_like_html(std::span<const std::uint8_t> text) {
    std::size_t pos = 0;
    while (pos < text.size() && (is_separator(text[pos]) || text[pos] == 0xEF ||
                                 text[pos] == 0xBB || text[pos] == 0xBF)) {
        ++pos;
    }
    return starts_with_ci(text, pos, "<!doctype html") || starts_with_ci(text, pos, "<html") ||
           starts_with_ci(text, pos, "<?xml");
}

} // namespace

bool looks_like_text(std::span<const std::uint8_t> bytes) {
    std::size_t i = 0;
    const std::size_t size = bytes.size();
    while (i < size) {
        const std::uint8_t c = bytes[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') {
                return false;
            }
            if (c == 0x7F) {
                return false;
            }
            ++i;
            continue;
        }
        // UTF-8 sequence: lead byte says how many continuation bytes (10xxxxxx) follow.
        std::size_t extra = 0;
        if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            extra = 3;
        } else {
            return false;
        }
        if (size - i <= extra) {
            return false;
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            if ((bytes[i + k] & 0xC0) != 0x80) {
                return false;
            }
        }
        i += extra + 1;
    }
    return true;
}

HexTextDecode decode_hex_text(std::span<const std::uint8_t> text) {
    HexTextDecode result;
    result.bytes.reserve(text.size() / 2);
    const auto bad = tokenize(text, [&](std::uint8_t value, std::size_t, std::uint64_t) {
        result.bytes.push_back(value);
    });
    if (bad) {
        result.error_offset = bad->offset;
        result.error_line = bad->line;
        const std::size_t shown = std::min<std::size_t>(bad->length, 24);
        result.problem = fmt::format(
            "\"{}{}\" on line {} is not a hex byte",
            std::string(reinterpret_cast<const char*>(text.data() + bad->offset), shown),
            shown < bad->length ? "…" : "", bad->line);
        result.bytes.clear();
        return result;
    }
    result.ok = true;
    return result;
}

void read_hex_text(std::span<const std::uint8_t> text, SysexFile& file) {
    const auto not_sysex = [&](std::uint64_t offset, std::string why) {
        file.format = FileFormat::unknown;
        file.findings.push_back(
            Finding{Severity::error, "text-not-sysex", std::nullopt, offset, std::move(why)});
    };
    if (looks_like_html(text)) {
        not_sysex(0, "The file is a web page (HTML/XML text), not SysEx. This usually happens "
                     "when a download link saves the page around the file instead of the file; "
                     "download the raw .syx again (on GitHub, use the \"Raw\" or download "
                     "button).");
        return;
    }
    if (looks_like_dump_with_offsets(text)) {
        not_sysex(0, "The file is text, not binary SysEx: a hex dump with an address at the "
                     "start of every line (output of xxd, hexdump or od). Sending it would send "
                     "the characters, not the bytes. Convert it back to binary (for xxd output: "
                     "'xxd -r dump.txt file.syx') or get the original .syx.");
        return;
    }
    HexTextDecode decoded = decode_hex_text(text);
    if (!decoded.ok) {
        not_sysex(decoded.error_offset,
                  fmt::format("The file is text, not binary SysEx, and not a hex listing of "
                              "SysEx bytes either: {}. syxflash reads hex text only as bytes "
                              "written \"F0 43 00 … F7\" with optional ';', '#' or '//' "
                              "comments. Get the binary .syx, or fix the listing.",
                              decoded.problem));
        return;
    }
    if (decoded.bytes.empty()) {
        not_sysex(0, "The file is text without any hex bytes in it (only blanks or comments), "
                     "so it holds no SysEx.");
        return;
    }

    file.format = FileFormat::hex_text;
    file.built_storage = std::move(decoded.bytes);
    SysexFramer framer = SysexFramer::in_place(file.built_storage);
    framer.feed(
        std::span<const std::uint8_t>(file.built_storage.data(), file.built_storage.size()));
    framer.finish();
    if (!framer.saw_f0() && !framer.saw_f7()) {
        auto& findings = framer.findings();
        findings.erase(
            std::remove_if(findings.begin(), findings.end(),
                           [](const Finding& f) { return f.code == "bytes-outside-messages"; }),
            findings.end());
        file.format = FileFormat::unknown;
        findings.push_back(Finding{
            Severity::error, "raw-payload", std::nullopt, 0,
            "The hex text holds bytes but no F0 and no F7, so no SysEx message: it looks like a "
            "payload written without its SysEx framing. Sending it would not work."});
    }

    // Offsets so far count decoded bytes; users look at the text, so translate them to text
    // offsets (and name the line) in one more pass over the text.
    std::vector<std::uint64_t> wanted;
    for (const auto& m : framer.messages()) {
        wanted.push_back(m.offset);
    }
    for (const auto& f : framer.findings()) {
        if (f.offset) {
            wanted.push_back(*f.offset);
        }
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> located(wanted.size()); // offset, line
    std::size_t next = 0;
    std::uint64_t decoded_index = 0;
    (void)tokenize(text, [&](std::uint8_t, std::size_t text_offset, std::uint64_t line) {
        while (next < wanted.size() && wanted[next] == decoded_index) {
            located[next++] = {text_offset, line};
        }
        ++decoded_index;
    });
    const auto locate = [&](std::uint64_t position) {
        const auto it = std::lower_bound(wanted.begin(), wanted.end(), position);
        if (it == wanted.end() || *it != position) {
            return std::pair<std::uint64_t, std::uint64_t>{position, 0};
        }
        const auto i = static_cast<std::size_t>(it - wanted.begin());
        // Past-the-end offsets (a message cut off by the end of the text) stay as they are.
        return i < next ? located[i] : std::pair<std::uint64_t, std::uint64_t>{text.size(), 0};
    };

    for (const FramedMessage& m : framer.messages()) {
        SysexMessage message;
        message.index = file.messages.size();
        message.offset = locate(m.offset).first;
        message.storage_begin = m.storage_begin;
        message.length = m.length;
        file.messages.push_back(message);
    }
    for (Finding f : framer.findings()) {
        if (f.offset) {
            const auto [offset, line] = locate(*f.offset);
            if (line > 0) {
                f.text += fmt::format(" (Byte positions count the decoded bytes; this is on "
                                      "line {} of the text.)",
                                      line);
            }
            f.offset = offset;
        }
        file.findings.push_back(std::move(f));
    }
}

} // namespace syx
