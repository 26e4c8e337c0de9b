#pragma once
// Intel HEX records carried as ASCII inside a SysEx payload (LPZW TRAM8: the firmware is one
// message of Intel HEX records with runs of 00 bytes between them as a built-in write delay,
// kay-lpzw/TRAM8 "HEX_2_SYX Formating/hex_2_syx.py"). The records' own checksums are the only
// check the format has, so validation reads every record: ':' LL AAAA TT DD… CC, where the bytes
// LL…CC add up to 0 mod 256, ending with the end-of-file record ":00000001FF".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace syx {

struct IntelHexProblem {
    std::size_t offset = 0; // within the text
    std::string text;
};

struct IntelHexText {
    std::vector<std::uint8_t> data; // the data records' bytes, in file order
    std::size_t records = 0;        // every record, the end record included
    std::optional<IntelHexProblem> problem;
};

// Reads `text`; 00, CR and LF between records are separators (padding), anything else outside a
// record is a problem, as is a wrong record checksum, a non-hex digit, a record after the end
// record, or a missing end record.
[[nodiscard]] IntelHexText read_intel_hex(std::span<const std::uint8_t> text);

// Intel HEX text for `data` from address 0: records of 16 data bytes, each 64 data bytes preceded
// by `padding` 00 bytes (TRAM8: 451), no line ends, then the end-of-file record.
[[nodiscard]] std::vector<std::uint8_t> write_intel_hex(std::span<const std::uint8_t> data,
                                                        std::size_t padding);

} // namespace syx
