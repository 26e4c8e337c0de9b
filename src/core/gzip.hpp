#pragma once
// gzip decompression (zlib) with a hard cap on the output, so a "zip bomb" costs at most the cap.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace syx {

[[nodiscard]] bool is_gzip(std::span<const std::uint8_t> bytes); // starts with 1F 8B

enum class GunzipStatus {
    ok,
    too_large, // output would exceed the cap; `bytes` holds the first max_output bytes
    corrupt,   // damaged or truncated stream; `bytes` holds what could be decompressed
};

struct GunzipResult {
    GunzipStatus status = GunzipStatus::ok;
    std::vector<std::uint8_t> bytes;
    std::uint64_t input_offset = 0; // where in the compressed input a problem was noticed
    std::string detail;             // zlib's explanation for `corrupt`
};

// Decompresses one or more concatenated gzip members.
[[nodiscard]] GunzipResult gunzip(std::span<const std::uint8_t> compressed,
                                  std::uint64_t max_output);

} // namespace syx
