// MIDI-OX style hex text reader.
#include <cstddef>
#include <cstdint>

#include "fuzz_invariants.hpp"

#include "core/hex_text_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace syx;
    const std::span<const std::uint8_t> input(data, size);
    const HexTextDecode decoded = decode_hex_text(input);
    SYX_FUZZ_REQUIRE(decoded.bytes.size() <= size / 2);
    if (!decoded.ok) {
        SYX_FUZZ_REQUIRE(decoded.error_offset < size);
    }
    SysexFile file;
    read_hex_text(input, file);
    fuzz::check_file(file, size);
    for (const auto& m : file.messages) {
        SYX_FUZZ_REQUIRE(m.offset < size);
    }
    return 0;
}
