#pragma once
// Checks every fuzzer applies to a reader's output: what the readers promise their callers.
#include <cstdio>
#include <cstdlib>

#include "core/sysex_file.hpp"

namespace syx::fuzz {

// Aborts with the broken promise named, so the tail of a fuzzer's log says which one failed.
inline void require_at(bool condition, const char* what, const char* file, int line) {
    if (!condition) {
        std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", file, line, what);
        std::abort();
    }
}

} // namespace syx::fuzz

#define SYX_FUZZ_REQUIRE(condition)                                                                \
    ::syx::fuzz::require_at(static_cast<bool>(condition), #condition, __FILE__, __LINE__)

namespace syx::fuzz {

// Every message is a complete, clean F0…F7 inside the message bytes; findings point inside the
// input.
inline void check_file(const SysexFile& file, std::size_t input_size) {
    for (std::size_t i = 0; i < file.messages.size(); ++i) {
        const SysexMessage& m = file.messages[i];
        SYX_FUZZ_REQUIRE(m.index == i);
        SYX_FUZZ_REQUIRE(m.length >= 2);
        SYX_FUZZ_REQUIRE(m.storage_begin + m.length <= file.message_bytes().size());
        const auto bytes = file.bytes_of(m);
        SYX_FUZZ_REQUIRE(bytes.front() == 0xF0 && bytes.back() == 0xF7);
        for (std::size_t k = 1; k + 1 < bytes.size(); ++k) {
            SYX_FUZZ_REQUIRE(bytes[k] < 0x80);
        }
    }
    for (const Finding& f : file.findings) {
        SYX_FUZZ_REQUIRE(!f.code.empty() && !f.text.empty());
        if (f.message_index) {
            SYX_FUZZ_REQUIRE(*f.message_index < file.messages.size());
        }
        if (f.offset && !file.compressed) {
            SYX_FUZZ_REQUIRE(*f.offset <= input_size);
        }
    }
    // Memory stays proportional to the input (gzip output is capped separately).
    if (!file.compressed) {
        SYX_FUZZ_REQUIRE(file.built_storage.size() <= input_size);
        SYX_FUZZ_REQUIRE(file.message_bytes().size() <= input_size);
    }
}

} // namespace syx::fuzz
