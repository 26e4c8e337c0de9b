#include "core/hash.hpp"

#include <new>
#include <utility>

#include <fmt/core.h>
#include <libdeflate.h>
#include <openssl/evp.h>
#include <zlib.h>

namespace syx {
namespace {

// Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every init, which costs more
// than hashing a small SysEx message.
const EVP_MD* sha256_algorithm() {
    static const EVP_MD* const algorithm = [] {
        const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        return fetched != nullptr ? fetched : EVP_sha256();
    }();
    return algorithm;
}

EVP_MD_CTX* as_context(void* p) {
    return static_cast<EVP_MD_CTX*>(p);
}

void init_or_throw(EVP_MD_CTX* context) {
    if (context == nullptr || EVP_DigestInit_ex(context, sha256_algorithm(), nullptr) != 1) {
        throw std::bad_alloc(); // only when OpenSSL itself cannot allocate
    }
}

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kUpperHexDigits[] = "0123456789ABCDEF";

} // namespace

Sha256::Sha256() : m_context(EVP_MD_CTX_new()) {
    init_or_throw(as_context(m_context));
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(as_context(m_context));
}

Sha256::Sha256(Sha256&& other) noexcept : m_context(std::exchange(other.m_context, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
    if (this != &other) {
        EVP_MD_CTX_free(as_context(m_context));
        m_context = std::exchange(other.m_context, nullptr);
    }
    return *this;
}

void Sha256::update(std::span<const std::uint8_t> bytes) {
    if (!bytes.empty()) {
        EVP_DigestUpdate(as_context(m_context), bytes.data(), bytes.size());
    }
}

Sha256Digest Sha256::finish() {
    Sha256Digest digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(as_context(m_context), digest.data(), &length);
    init_or_throw(as_context(m_context));
    return digest;
}

Sha256Digest sha256(std::span<const std::uint8_t> bytes) {
    // One reusable context per thread: hashing 200 000 small messages should not allocate
    // 200 000 contexts.
    thread_local Sha256 hasher;
    hasher.update(bytes);
    return hasher.finish();
}

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t previous) {
    // libdeflate's CRC-32 (the same polynomial and conventions as zlib's crc32) uses carry-less
    // multiplication where the CPU has it: several times zlib 1.2's speed, which matters when a
    // 64 MiB firmware is inspected.
    return static_cast<std::uint32_t>(libdeflate_crc32(previous, bytes.data(), bytes.size()));
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.resize(bytes.size() * 2);
    std::size_t i = 0;
    for (const std::uint8_t b : bytes) {
        out[i++] = kHexDigits[b >> 4];
        out[i++] = kHexDigits[b & 0x0F];
    }
    return out;
}

std::string crc32_hex(std::uint32_t crc) {
    return fmt::format("{:08x}", crc);
}

std::string to_spaced_hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size() * 3);
    for (const std::uint8_t b : bytes) {
        if (!out.empty()) {
            out.push_back(' ');
        }
        out.push_back(kUpperHexDigits[b >> 4]);
        out.push_back(kUpperHexDigits[b & 0x0F]);
    }
    return out;
}

} // namespace syx
