// The whole reader as the CLI and GUI use it: format detection, gzip (with a small cap, so
// decompression bombs are found quickly), SMF, hex text and raw .syx.
#include <cstddef>
#include <cstdint>

#include "fuzz_invariants.hpp"

#include "core/gzip.hpp"
#include "core/sysex_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace syx;
    ReadOptions options;
    options.max_file_bytes = 1U << 20;
    const std::span<const std::uint8_t> input(data, size);
    const SysexFile file = read_sysex_bytes(input, options);
    fuzz::check_file(file, size);
    SYX_FUZZ_REQUIRE(file.decoded_bytes <= options.max_file_bytes);
    SYX_FUZZ_REQUIRE(file.built_storage.size() <= options.max_file_bytes);
    if (size == 0) {
        SYX_FUZZ_REQUIRE(file.has_errors());
    }
    if (is_gzip(input)) {
        const GunzipResult unpacked = gunzip(input, 4096);
        SYX_FUZZ_REQUIRE(unpacked.bytes.size() <= 4096);
    }
    return 0;
}
