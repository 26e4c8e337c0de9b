// Standard MIDI File reader on arbitrary bytes behind a valid "MThd" tag.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_invariants.hpp"

#include "core/smf_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace syx;
    std::vector<std::uint8_t> bytes;
    const std::span<const std::uint8_t> input(data, size);
    if (!is_standard_midi_file(input)) {
        // Most mutations would otherwise stop at the tag: put it in front.
        bytes = {'M', 'T', 'h', 'd'};
    }
    bytes.insert(bytes.end(), input.begin(), input.end());
    SysexFile file;
    read_standard_midi_file(bytes, file);
    fuzz::check_file(file, bytes.size());
    for (const auto& m : file.messages) {
        SYX_FUZZ_REQUIRE(m.tick.has_value());
        SYX_FUZZ_REQUIRE(m.offset < bytes.size());
    }
    return 0;
}
