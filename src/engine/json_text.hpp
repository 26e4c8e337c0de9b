#pragma once
// JSON text that never throws: nlohmann's dump() throws on invalid UTF-8, and the strings we
// write include file names (any bytes on Linux: a name in Latin-1 is 0xFF…) and text quoted from
// devices and damaged files. Such bytes become U+FFFD instead of an "internal error" after a dump
// was taken (issue 17: `backup -o $'\xff.syx'` lost the dump, `upload` of such a file left an
// empty journal).
#include <string>

namespace syx::engine {

// `indent` as for nlohmann's dump(): -1 for one line (JSON Lines), 2 for documents.
template <class JsonType>
[[nodiscard]] std::string json_text(const JsonType& json, int indent = -1) {
    return json.dump(indent, ' ', false, JsonType::error_handler_t::replace);
}

} // namespace syx::engine
