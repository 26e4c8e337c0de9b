// Raw .syx framing: the in-place reader path and the incremental (live receive) path must agree
// whatever the chunking, and never produce anything but clean F0…F7 messages.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_invariants.hpp"

#include "core/sysex_framer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace syx;
    if (size == 0) {
        return 0;
    }
    // The first byte picks the chunk size for the incremental run.
    const std::size_t chunk = 1 + data[0] % 17;
    const std::span<const std::uint8_t> input(data + 1, size - 1);

    std::vector<std::uint8_t> in_place(input.begin(), input.end());
    SysexFramer whole = SysexFramer::in_place(in_place);
    whole.feed(std::span<const std::uint8_t>(in_place.data(), in_place.size()));
    whole.finish();

    std::vector<std::uint8_t> storage;
    SysexFramer pieces(storage);
    for (std::size_t i = 0; i < input.size(); i += chunk) {
        pieces.feed(input.subspan(i, std::min(chunk, input.size() - i)));
    }
    pieces.finish();

    SYX_FUZZ_REQUIRE(whole.messages().size() == pieces.messages().size());
    SYX_FUZZ_REQUIRE(whole.findings().size() == pieces.findings().size());
    for (std::size_t i = 0; i < whole.messages().size(); ++i) {
        const auto a = whole.bytes_of(whole.messages()[i]);
        const auto b = pieces.bytes_of(pieces.messages()[i]);
        SYX_FUZZ_REQUIRE(whole.messages()[i].offset == pieces.messages()[i].offset);
        SYX_FUZZ_REQUIRE(a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()));
        SYX_FUZZ_REQUIRE(a.front() == 0xF0 && a.back() == 0xF7);
        for (std::size_t k = 1; k + 1 < a.size(); ++k) {
            SYX_FUZZ_REQUIRE(a[k] < 0x80);
        }
    }
    SYX_FUZZ_REQUIRE(in_place.size() <= input.size());
    return 0;
}
