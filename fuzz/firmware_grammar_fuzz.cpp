// libFuzzer target for the firmware grammar's decoders (issue 15): payload codecs, checksums and
// whole-file decoding must never crash, hang or read out of bounds on hostile bytes, and what
// they accept must be self-consistent. Also the Intel HEX record reader (TRAM8).
//
// Input: byte 0 picks a payload codec, byte 1 a grammar shape (sum or CRC, where the checksum
// sits, block order, a header with the image size and a whole-image CRC in nibble or 7-bit
// fields); the rest is split at every F7 into messages that go through both the
// codec on its own and decode_firmware with a grammar whose headers the fuzzer can reach.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_invariants.hpp"

#include "core/checksum.hpp"
#include "core/firmware_grammar.hpp"
#include "core/intel_hex.hpp"
#include "core/payload_codec.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

syx::PayloadCodec codec_from(std::uint8_t selector) {
    syx::PayloadCodec codec;
    switch (selector % 4) {
    case 0:
        codec.encoding = syx::PayloadEncoding::raw7;
        break;
    case 1:
        codec.encoding = syx::PayloadEncoding::nibbles;
        break;
    case 2:
        codec.encoding = syx::PayloadEncoding::groups;
        break;
    default:
        codec.encoding = syx::PayloadEncoding::bitstream7;
        break;
    }
    codec.high_nibble_first = (selector & 0x04) != 0;
    codec.group_bytes = 1 + ((selector >> 3) % 7); // 1..7
    codec.high_bits_before = (selector & 0x40) != 0;
    codec.first_byte_in_low_bit = (selector & 0x80) != 0;
    return codec;
}

syx::FirmwareGrammar grammar_from(const syx::PayloadCodec& codec, std::uint8_t shape) {
    syx::FirmwareGrammar grammar;
    grammar.name = "fuzz firmware";
    grammar.block_noun = "page";
    grammar.sequence = {{"block", 1, SIZE_MAX}, {"end", 1, 1}};
    switch (shape % 4) {
    case 0:
        grammar.order = syx::BlockOrder::as_sent;
        break;
    case 1:
        grammar.order = syx::BlockOrder::ascending;
        break;
    case 2:
        grammar.order = syx::BlockOrder::descending;
        break;
    default:
        grammar.order = syx::BlockOrder::first_block_last;
        break;
    }

    syx::MessageType end;
    end.id = "end";
    end.headers = {syx::BytePattern({0xF0, 0x00, 0x61, 0x7F, 0xF7})};
    end.exact = true;

    syx::MessageType block;
    block.id = "block";
    block.headers = {syx::BytePattern({0xF0, 0x00, 0x61, 0x01})};
    syx::FieldSpec number;
    number.name = "page";
    number.bytes = 2;
    number.role = syx::FieldRole::block_number;
    block.fields.push_back(number);
    block.codec = codec;
    block.payload_bytes = 8;
    block.image_data = true;
    if ((shape & 0x04) != 0) {
        block.checksum.kind = syx::ChecksumAlgorithm::crc;
        block.checksum.crc = syx::CrcModel{}; // CRC-16/XMODEM
        block.checksum.over = syx::ChecksumOver::wire;
        block.checksum.from = 4;
        block.checksum.place = syx::ChecksumPlace::trailing;
        block.checksum.split_bits = {7, 7, 2};
    } else if ((shape & 0x08) != 0) {
        block.checksum.kind = syx::ChecksumAlgorithm::sum;
        block.checksum.sum = syx::SumForm::mod256;
        block.checksum.place = syx::ChecksumPlace::payload_tail;
        block.checksum.bytes = 1;
    }
    grammar.messages = {block, end};
    if ((shape & 0x20) != 0) {
        // A Launchpad X-like header: image size and image CRC-32/MPEG-2 as 8-nibble fields (or
        // 7-bit fields), checked against the decoded image (first_block_last, as_sent …).
        syx::MessageType header;
        header.id = "header";
        header.headers = {syx::BytePattern({0xF0, 0x00, 0x61, 0x7C})};
        const bool nibbles = (shape & 0x40) == 0;
        syx::FieldSpec image_bytes;
        image_bytes.name = "image size";
        image_bytes.encoding =
            nibbles ? syx::FieldEncoding::nibbles_high_first : syx::FieldEncoding::lsb_first_7bit;
        image_bytes.bytes = nibbles ? 8 : 5;
        image_bytes.role = syx::FieldRole::image_bytes;
        syx::FieldSpec image_crc = image_bytes;
        image_crc.name = "image CRC";
        image_crc.encoding =
            nibbles ? syx::FieldEncoding::nibbles_low_first : syx::FieldEncoding::msb_first_7bit;
        image_crc.role = syx::FieldRole::image_crc;
        header.fields = {image_bytes, image_crc};
        grammar.messages.push_back(header);
        grammar.sequence.insert(grammar.sequence.begin(), {"header", 1, 1});
        grammar.image_crc = syx::CrcModel{32, 0x04C11DB7, 0xFFFFFFFF, false, false, 0};
    }
    return grammar;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const syx::PayloadCodec codec = codec_from(data[0]);
    const auto grammar = grammar_from(codec, data[1]);
    const std::span<const std::uint8_t> rest(data + 2, size - 2);

    // The codec alone: whatever decodes cleanly has the size the codec says, and its data
    // encodes to wire bytes that decode to the same data again. (Byte equality with the input is
    // not promised: unused high bits of a short group and a bit stream's padding carry no data
    // and are ignored, FIRMWARE_FORMATS.md.)
    const auto decoded = syx::decode_payload(codec, rest);
    if (!decoded.problem) {
        SYX_FUZZ_REQUIRE(codec.data_size(rest.size()) == decoded.data.size());
        SYX_FUZZ_REQUIRE(codec.wire_size(decoded.data.size()) == rest.size());
        const auto wire = codec.encode(decoded.data);
        SYX_FUZZ_REQUIRE(wire.size() == rest.size());
        const auto again = syx::decode_payload(codec, wire);
        SYX_FUZZ_REQUIRE(!again.problem && again.data == decoded.data);
    } else {
        SYX_FUZZ_REQUIRE(decoded.problem->wire_index <= rest.size());
    }
    (void)syx::crc_of(grammar.messages.front().checksum.crc, rest);
    (void)syx::sum_of(syx::SumForm::twos_complement_7bit, rest);

    // Intel HEX text (TRAM8): problems point inside the text; what reads cleanly writes back to
    // text that reads to the same data.
    const auto hex = syx::read_intel_hex(rest);
    if (hex.problem) {
        SYX_FUZZ_REQUIRE(hex.problem->offset <= rest.size());
    } else {
        SYX_FUZZ_REQUIRE(hex.records >= 1);
        const auto text = syx::write_intel_hex(hex.data, data[1] % 8);
        const auto back = syx::read_intel_hex(text);
        SYX_FUZZ_REQUIRE(!back.problem && back.data == hex.data);
    }

    // The whole file: messages split at F7, each decoded against the grammar.
    std::vector<std::span<const std::uint8_t>> messages;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == 0xF7) {
            messages.push_back(rest.subspan(begin, i + 1 - begin));
            begin = i + 1;
        }
    }
    if ((data[1] & 0x10) != 0) {
        // A TRAM8-like grammar: one message whose payload runs to F7 and is Intel HEX text.
        syx::FirmwareGrammar tram;
        tram.name = "fuzz hex firmware";
        tram.sequence = {{"firmware", 1, 1}};
        syx::MessageType t;
        t.id = "firmware";
        t.headers = {syx::BytePattern({0xF0, 0x00, 0x29})};
        t.max_payload_bytes = 4096;
        t.intel_hex_records = true;
        t.image_data = true;
        tram.messages = {t};
        const auto decoded_hex = syx::decode_firmware(tram, messages);
        for (const auto& problem : decoded_hex.problems) {
            SYX_FUZZ_REQUIRE(!problem.message || *problem.message < messages.size());
        }
    }
    const auto firmware = syx::decode_firmware(grammar, messages);
    for (const auto& problem : firmware.problems) {
        SYX_FUZZ_REQUIRE(!problem.message || *problem.message < messages.size());
    }
    SYX_FUZZ_REQUIRE(firmware.messages.size() <= messages.size());
    if (firmware.ok()) {
        SYX_FUZZ_REQUIRE(!firmware.summary(grammar).empty());
        // A file the grammar accepts encodes again, from its own image, to a file it accepts.
        const auto again = syx::encode_firmware(grammar, firmware.image);
        std::vector<std::span<const std::uint8_t>> spans(again.begin(), again.end());
        SYX_FUZZ_REQUIRE(syx::decode_firmware(grammar, spans).ok());
    }
    return 0;
}
