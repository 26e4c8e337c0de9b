#pragma once
// MIDI-OX style hex text: "F0 00 01 25 … F7" — bytes as two hex digits separated by any
// whitespace or commas, optionally written 0xF0 or F0h, with comments from ';', '#' or '//' to
// the end of the line. The decoded bytes are then framed like a raw .syx; message and finding
// offsets point into the text.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/sysex_file.hpp"

namespace syx {

// True for bytes a text editor would show as text: no control bytes other than tab, LF, VT, FF
// and CR, and any byte >= 0x80 part of valid UTF-8 (comments may hold names with accents).
// Binary SysEx never passes: it has control bytes, and F0 followed by a data byte is not UTF-8.
[[nodiscard]] bool looks_like_text(std::span<const std::uint8_t> bytes);

struct HexTextDecode {
    bool ok = false;
    std::vector<std::uint8_t> bytes;
    // When !ok: where and why decoding stopped.
    std::uint64_t error_offset = 0;
    std::uint64_t error_line = 0; // 1-based
    std::string problem;
};

[[nodiscard]] HexTextDecode decode_hex_text(std::span<const std::uint8_t> text);

// Parses text already known to look like text into `file` (format hex_text, or unknown with a
// "text-not-sysex" finding when it is not hex SysEx).
void read_hex_text(std::span<const std::uint8_t> text, SysexFile& file);

} // namespace syx
