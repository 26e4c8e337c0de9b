#include "core/gzip.hpp"

#include <algorithm>

#include <zlib.h>

namespace syx {

bool is_gzip(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
}

GunzipResult gunzip(std::span<const std::uint8_t> compressed, std::uint64_t max_output) {
    GunzipResult result;
    z_stream stream{};
    // 16 + MAX_WBITS: gzip wrapper only (we detected the gzip magic).
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
        result.status = GunzipStatus::corrupt;
        result.detail = "zlib could not start";
        return result;
    }

    // Grow the output geometrically, but never past the cap (+1 byte to notice overflow).
    const std::uint64_t hard_limit = max_output + 1;
    std::uint64_t capacity = std::min<std::uint64_t>(
        hard_limit, std::max<std::uint64_t>(compressed.size() * 4, 1 << 16));
    result.bytes.resize(static_cast<std::size_t>(capacity));

    std::uint64_t in_pos = 0;
    std::uint64_t out_pos = 0;
    bool done = false;
    while (!done) {
        if (out_pos == capacity) {
            if (capacity >= hard_limit) {
                result.status = GunzipStatus::too_large;
                break;
            }
            capacity = std::min<std::uint64_t>(hard_limit, capacity * 2);
            result.bytes.resize(static_cast<std::size_t>(capacity));
        }
        const std::uint64_t in_left = compressed.size() - in_pos;
        const std::uint64_t out_left = capacity - out_pos;
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): zlib's API is not const-correct
        stream.next_in = const_cast<Bytef*>(compressed.data() + in_pos);
        stream.avail_in = static_cast<uInt>(std::min<std::uint64_t>(in_left, 1U << 30));
        stream.next_out = result.bytes.data() + out_pos;
        stream.avail_out = static_cast<uInt>(std::min<std::uint64_t>(out_left, 1U << 30));
        const uInt avail_in_before = stream.avail_in;
        const uInt avail_out_before = stream.avail_out;

        const int rc = inflate(&stream, Z_NO_FLUSH);
        in_pos += avail_in_before - stream.avail_in;
        out_pos += avail_out_before - stream.avail_out;

        if (rc == Z_STREAM_END) {
            // Another gzip member may follow (gzip allows concatenation).
            if (in_pos < compressed.size() && is_gzip(compressed.subspan(in_pos))) {
                inflateReset(&stream);
                continue;
            }
            if (in_pos < compressed.size()) {
                result.status = GunzipStatus::corrupt;
                result.input_offset = in_pos;
                result.detail = "unexpected bytes after the end of the compressed data";
            }
            done = true;
        } else if (rc == Z_OK) {
            continue;
        } else if (rc == Z_BUF_ERROR) {
            // No progress possible: either the output is full (grown above) or the input ran
            // out before the end of the stream.
            if (stream.avail_out == 0) {
                continue;
            }
            result.status = GunzipStatus::corrupt;
            result.input_offset = in_pos;
            result.detail = "the compressed data ends early (truncated file)";
            done = true;
        } else {
            result.status = GunzipStatus::corrupt;
            result.input_offset = in_pos;
            result.detail = stream.msg != nullptr ? stream.msg : "damaged compressed data";
            done = true;
        }
    }
    inflateEnd(&stream);
    // The buffer holds up to max_output + 1 bytes so an overflow can be seen. A stream that ends
    // (or breaks) exactly on that extra byte leaves the loop without passing the capacity check
    // above, so the cap is enforced here, whatever way the loop ended.
    if (out_pos > max_output) {
        result.status = GunzipStatus::too_large;
        out_pos = max_output;
    }
    result.bytes.resize(static_cast<std::size_t>(out_pos));
    return result;
}

} // namespace syx
