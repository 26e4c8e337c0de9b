#pragma once
// Checks every fuzzer applies to a reader's output: what the readers promise their callers.
#include <cstdlib>

#include "core/sysex_file.hpp"

namespace syx::fuzz {

inline void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// Every message is a complete, clean F0…F7 inside the message bytes; findings point inside the input.
inline void check_file(const SysexFile& file, std::size_t input_size) {
    for (std::size_t i = 0; i < file.messages.size(); ++i) {
        const SysexMessage& m = file.messages[i];
        require(m.index == i);
        require(m.length >= 2);
        require(m.storage_begin + m.length <= file.message_bytes().size());
        const auto bytes = file.bytes_of(m);
        require(bytes.front() == 0xF0 && bytes.back() == 0xF7);
        for (std::size_t k = 1; k + 1 < bytes.size(); ++k) {
            require(bytes[k] < 0x80);
        }
    }
    for (const Finding& f : file.findings) {
        require(!f.code.empty() && !f.text.empty());
        if (f.message_index) {
            require(*f.message_index < file.messages.size());
        }
        if (f.offset && !file.compressed) {
            require(*f.offset <= input_size);
        }
    }
    // Memory stays proportional to the input (gzip output is capped separately).
    if (!file.compressed) {
        require(file.storage.size() <= input_size);
        require(file.message_bytes().size() <= input_size);
    }
}

} // namespace syx::fuzz
