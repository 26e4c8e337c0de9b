#include "emulator/modelled_firmware.hpp"

#include <algorithm>

#include "core/checksum.hpp"
#include "core/payload_codec.hpp"
#include "emulator/model_base.hpp"

namespace syx::emu {

namespace {

Bytes pattern(std::size_t size, std::uint32_t seed) {
    Bytes data(size);
    std::uint32_t x = seed * 2654435761U + 1U;
    for (auto& b : data) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<std::uint8_t>(x & 0x7FU);
    }
    return data;
}

std::vector<Bytes> blocks_for(std::span<const std::uint8_t> prefix,
                              const std::array<std::uint8_t, 4>& version, std::size_t blocks,
                              std::size_t block_bytes) {
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < blocks; ++i) {
        const Bytes data = pattern(block_bytes, static_cast<std::uint32_t>(i + 1));
        out.push_back(encode_firmware_block(prefix, static_cast<std::uint16_t>(i),
                                            static_cast<std::uint16_t>(blocks), version, data));
    }
    return out;
}

} // namespace

std::size_t modelled_firmware_header_size(std::size_t prefix_size) {
    return 1 + prefix_size + 1 + 2 + 2 + 4 + 3;
}

Bytes encode_firmware_block(std::span<const std::uint8_t> prefix, std::uint16_t index,
                            std::uint16_t count, const std::array<std::uint8_t, 4>& version,
                            std::span<const std::uint8_t> data) {
    Bytes m;
    m.reserve(modelled_firmware_header_size(prefix.size()) + data.size() + 2);
    m.push_back(0xF0);
    m.insert(m.end(), prefix.begin(), prefix.end());
    m.push_back(kModelledFirmwareKind);
    m.push_back(static_cast<std::uint8_t>((index >> 7) & 0x7F));
    m.push_back(static_cast<std::uint8_t>(index & 0x7F));
    m.push_back(static_cast<std::uint8_t>((count >> 7) & 0x7F));
    m.push_back(static_cast<std::uint8_t>(count & 0x7F));
    for (const auto v : version) {
        m.push_back(static_cast<std::uint8_t>(v & 0x7F));
    }
    const auto n = data.size();
    m.push_back(static_cast<std::uint8_t>((n >> 14) & 0x7F));
    m.push_back(static_cast<std::uint8_t>((n >> 7) & 0x7F));
    m.push_back(static_cast<std::uint8_t>(n & 0x7F));
    for (const auto b : data) {
        m.push_back(static_cast<std::uint8_t>(b & 0x7F));
    }
    m.push_back(checksum7(data));
    m.push_back(0xF7);
    return m;
}

std::optional<std::size_t> declared_block_size(std::span<const std::uint8_t> partial,
                                               std::span<const std::uint8_t> prefix) {
    const std::size_t header = modelled_firmware_header_size(prefix.size());
    if (partial.size() < header || partial[0] != 0xF0 ||
        !std::equal(prefix.begin(), prefix.end(), partial.begin() + 1) ||
        partial[1 + prefix.size()] != kModelledFirmwareKind) {
        return std::nullopt;
    }
    const std::size_t l = header - 3;
    const std::size_t n = (std::size_t{partial[l]} << 14) | (std::size_t{partial[l + 1]} << 7) |
                          std::size_t{partial[l + 2]};
    return header + n + 2;
}

std::optional<FirmwareBlock> decode_firmware_block(std::span<const std::uint8_t> message,
                                                   std::span<const std::uint8_t> prefix) {
    const auto size = declared_block_size(message, prefix);
    if (!size || *size != message.size() || message.back() != 0xF7) {
        return std::nullopt;
    }
    const std::size_t p = 2 + prefix.size();
    FirmwareBlock block;
    block.index = static_cast<std::uint16_t>((message[p] << 7) | message[p + 1]);
    block.count = static_cast<std::uint16_t>((message[p + 2] << 7) | message[p + 3]);
    for (std::size_t i = 0; i < 4; ++i) {
        block.version[i] = message[p + 4 + i];
    }
    const std::size_t header = modelled_firmware_header_size(prefix.size());
    block.data = message.subspan(header, message.size() - header - 2);
    block.checksum_ok = checksum7(block.data) == message[message.size() - 2];
    return block;
}

std::vector<Bytes> make_prophet600_test_firmware(std::size_t blocks) {
    // The real page layout (gligli/p600fw fw2syx.py) [C]: page size 256 and the page number as
    // 14-bit values, pages highest first, 256 bytes 4-in-5, CRC-16/XMODEM of the bytes from the
    // page size on, sent as 7 + 7 + 2 bits — so the stricter manifest accepts these files.
    PayloadCodec codec;
    codec.encoding = PayloadEncoding::groups;
    codec.group_bytes = 4;
    codec.high_bits_before = false;
    codec.first_byte_in_low_bit = true;
    const CrcModel xmodem{16, 0x1021, 0, false, false, 0};
    std::vector<Bytes> out;
    for (std::size_t k = 0; k < blocks; ++k) {
        const std::size_t page = blocks - 1 - k;
        Bytes m{0xF0,
                0x00,
                0x61,
                0x16,
                0x6B,
                0x02,
                0x00,
                static_cast<std::uint8_t>((page >> 7) & 0x7F),
                static_cast<std::uint8_t>(page & 0x7F)};
        Bytes data(256);
        for (std::size_t i = 0; i < data.size(); ++i) {
            data[i] = static_cast<std::uint8_t>(i * 131 + page * 7 + 100);
        }
        const auto wire = codec.encode(data);
        m.insert(m.end(), wire.begin(), wire.end());
        const auto crc = crc_of(xmodem, std::span(m).subspan(5));
        m.push_back(static_cast<std::uint8_t>((crc >> 9) & 0x7F));
        m.push_back(static_cast<std::uint8_t>((crc >> 2) & 0x7F));
        m.push_back(static_cast<std::uint8_t>(crc & 0x03));
        m.push_back(0xF7);
        out.push_back(std::move(m));
    }
    out.push_back(Bytes{0xF0, 0x00, 0x61, 0x16, 0x6B, 0x00, 0x00, 0xF7});
    return out;
}

std::vector<Bytes> make_test_firmware(std::string_view device_id,
                                      const std::array<std::uint8_t, 4>& version) {
    // Sizes are modelled [M]: big enough to exercise pacing, small enough for fast tests.
    if (device_id == "moog-little-phatty") {
        // One very large message, as Moog staff describe the OS 1.x/2.x file [R].
        static constexpr std::uint8_t kPrefix[] = {0x04, 0x05};
        return blocks_for(kPrefix, version, 1, 24000);
    }
    if (device_id == "parker-midifly") {
        static constexpr std::uint8_t kPrefix[] = {0x00, 0x01, 0x25};
        return blocks_for(kPrefix, version, 40, 256);
    }
    if (device_id == "elektron-octatrack") {
        static constexpr std::uint8_t kPrefix[] = {0x00, 0x20, 0x3C};
        return blocks_for(kPrefix, version, 32, 512);
    }
    if (device_id == "gligli-prophet-600") {
        return make_prophet600_test_firmware(183);
    }
    return {};
}

} // namespace syx::emu
