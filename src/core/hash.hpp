#pragma once
// Hashes shared by every layer: SHA-256 (OpenSSL EVP) for identities of files and messages,
// CRC-32 (libdeflate) for quick comparisons with vendor tools, and lowercase
// hex formatting.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace syx {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental SHA-256. Reusable after finish() (it resets itself).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&& other) noexcept;
    Sha256& operator=(Sha256&& other) noexcept;

    void update(std::span<const std::uint8_t> bytes);
    [[nodiscard]] Sha256Digest finish();

private:
    void* m_context = nullptr; // EVP_MD_CTX*, kept opaque so OpenSSL stays out of the header
};

[[nodiscard]] Sha256Digest sha256(std::span<const std::uint8_t> bytes);

// CRC-32 as in zip/gzip/PNG (the same value as zlib's crc32). Pass the previous value to continue a
// running CRC.
[[nodiscard]] std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t previous = 0);

// Lowercase hex without separators: "f0437e".
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);
// Eight lowercase hex digits: "0a1b2c3d".
[[nodiscard]] std::string crc32_hex(std::uint32_t crc);
// Uppercase bytes separated by spaces, as MIDI people write them: "F0 43 00 09 F7".
[[nodiscard]] std::string to_spaced_hex(std::span<const std::uint8_t> bytes);

} // namespace syx
