#pragma once
// ASCII-only text helpers shared by core and engine (names and labels matched without case).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace syx {

// `text` with A-Z lowered; other bytes (UTF-8 included) unchanged.
inline std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace syx
