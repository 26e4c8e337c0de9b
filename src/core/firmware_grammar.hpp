#pragma once
// A firmware file's grammar as data (firmware-manifests/README.md "Firmware grammar"): the kinds
// of message a loader takes (header bytes, fields, an encoded payload, a checksum and where it is
// carried), the order they come in, and the rules for the whole image (block order, image size
// and CRC against a header message). decode_firmware() reads a file by it and says in words what
// it found; encode_firmware() builds files by it (tests, the emulator's test firmware).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/checksum.hpp"
#include "core/manifest.hpp"
#include "core/payload_codec.hpp"

namespace syx {

// How a number is carried in a field.
enum class FieldEncoding {
    msb_first_7bit,     // N bytes of 7 bits, most significant first (14-bit = 2 bytes)
    lsb_first_7bit,     // N bytes of 7 bits, least significant first
    nibbles_high_first, // N bytes of 4 bits (00–0F), most significant first
    nibbles_low_first,  // N bytes of 4 bits, least significant first
    digits,             // N bytes of decimal digits (low 4 bits of each), most significant first
};
const char* to_string(FieldEncoding encoding);
std::optional<FieldEncoding> parse_field_encoding(std::string_view text);

// What a field means to the decoder.
enum class FieldRole {
    none,          // informative (shown, not used)
    block_number,  // the block/page number (orders the image)
    address,       // where the payload goes in memory (bytes)
    payload_bytes, // the number of data bytes in the payload
    block_bytes,   // the declared block size; must equal the payload's data bytes
    image_bytes,   // the whole image's size (a header message)
    image_crc,     // the whole image's CRC (a header message)
    version,       // the firmware version the file declares
};
const char* to_string(FieldRole role);
std::optional<FieldRole> parse_field_role(std::string_view text);

struct FieldSpec {
    std::string name;
    FieldEncoding encoding = FieldEncoding::msb_first_7bit;
    std::size_t bytes = 1;   // wire bytes
    std::uint64_t scale = 1; // value = decoded × scale (MIOS8 addresses: × 8)
    std::uint8_t mask = 0;   // with `equals`: (first byte & mask) must be `equals`, and only the
    std::uint8_t equals = 0; // other bits carry the value (MIOS8 command byte: low nibble 2)
    std::optional<std::uint64_t> value; // the value it must have, if fixed
    FieldRole role = FieldRole::none;
};

enum class ChecksumAlgorithm { none, sum, crc };
enum class ChecksumOver {
    wire,    // the 7-bit bytes as sent, from byte `from` of the message to the payload's end
    decoded, // the decoded payload data (without a checksum carried in it)
};
enum class ChecksumPlace {
    payload_tail, // the last `bytes` decoded bytes of the payload (big-endian)
    trailing,     // wire bytes after the payload, the value split by `split_bits` (MSB first)
};

struct ChecksumSpec {
    ChecksumAlgorithm kind = ChecksumAlgorithm::none;
    SumForm sum = SumForm::mod256;
    CrcModel crc;
    ChecksumOver over = ChecksumOver::decoded;
    std::size_t from = 1; // wire: first message byte covered (0 = F0)
    ChecksumPlace place = ChecksumPlace::payload_tail;
    std::size_t bytes = 1;               // payload_tail: decoded bytes
    std::vector<unsigned> split_bits{7}; // trailing: bits per wire byte, most significant first

    [[nodiscard]] std::size_t trailing_wire_bytes() const {
        return kind != ChecksumAlgorithm::none && place == ChecksumPlace::trailing
                   ? split_bits.size()
                   : 0;
    }
    [[nodiscard]] std::string describe() const; // "sum mod 256 of the decoded page", "CRC-16 …"
};

struct MessageType {
    std::string id;                   // "block", "end", "init": named in the sequence
    std::string description;          // "a 256-byte flash page"
    std::vector<BytePattern> headers; // alternatives; the message starts with one of them
    std::vector<FieldSpec> fields;    // after the header, in order
    PayloadCodec codec;
    // Decoded data bytes in the payload, not counting a checksum carried in it. 0 with no
    // payload_bytes field: the message has no payload.
    std::uint64_t payload_bytes = 0;
    std::uint64_t max_payload_bytes = 0; // with a payload_bytes field: its upper bound; alone:
                                         // the payload runs to the checksum or F7 (TRAM8)
    // The decoded payload is Intel HEX text (TRAM8): every record's checksum is checked and the
    // data records' bytes become the message's data.
    bool intel_hex_records = false;
    std::size_t records_padding = 0; // encoding: 00 bytes before every 64 data bytes (TRAM8 451)
    ChecksumSpec checksum;
    bool image_data = false; // its payload is part of the firmware image
    bool exact = false;      // the whole message is a header (no fields/payload): matches exactly
    Evidence evidence;

    [[nodiscard]] bool has_field(FieldRole role) const;
    // The payload's length is not fixed nor declared: it is what the message holds.
    [[nodiscard]] bool variable_payload() const {
        return payload_bytes == 0 && max_payload_bytes > 0 && !has_field(FieldRole::payload_bytes);
    }
    // Wire bytes before the payload (the first header's length + the fields).
    [[nodiscard]] std::size_t fixed_bytes() const;
};

// One element of the sequence: a message type and how often it occurs in a row.
struct SequenceItem {
    std::string type;
    std::size_t min = 1;
    std::size_t max = 1; // SIZE_MAX for "+" and "*"
};

enum class BlockOrder {
    as_sent,          // the image is the data messages in file order
    ascending,        // block numbers 0, 1, 2 … (from the block_number field)
    descending,       // block numbers n-1 … 1, 0 (GliGli Prophet-600)
    first_block_last, // the last data message is block 0, the others follow it in order
                      // (Novation Launchpad: 72 blocks 1…n, then 73 = block 0)
    by_address,       // each data message carries its address; ascending, no overlap
};
const char* to_string(BlockOrder order);
std::optional<BlockOrder> parse_block_order(std::string_view text);

enum class BadBlockBehaviour {
    unknown,
    skipped_silently, // the loader drops it and carries on (Mutable Instruments)
    stops_with_error, // the loader stops and shows an error (Yarns "Er", Prophet-600 "E")
    answers_error,    // the loader answers with an error message (MIOS8 0E 03)
};
const char* to_string(BadBlockBehaviour behaviour);
std::optional<BadBlockBehaviour> parse_bad_block_behaviour(std::string_view text);

struct FirmwareGrammar {
    std::string name;                 // "Shruthi-1 firmware"
    std::string block_noun = "block"; // "page"
    std::vector<MessageType> messages;
    std::vector<SequenceItem> sequence;
    BlockOrder order = BlockOrder::as_sent;
    // Whole-image CRC, compared with the image_crc field of a header message over the first
    // image_bytes bytes of the decoded image.
    std::optional<CrcModel> image_crc;
    BadBlockBehaviour bad_block = BadBlockBehaviour::unknown;
    std::string bad_block_display; // what the device shows then ("Er"), if anything
    Evidence evidence;

    [[nodiscard]] const MessageType* find(std::string_view id) const;
    // The format carries a check of the image's contents: a checksum in the data messages, a
    // whole-image CRC, or Intel HEX record checksums. False for the Novation Launchpad Pro and
    // MK2 (their footer value is not checked by the bootloader [R]).
    [[nodiscard]] bool carries_checksum() const;
};

// What validate and inspect say about a format without any checksum.
inline constexpr std::string_view kNoChecksumText =
    "this format carries no checksum; only a known release's SHA-256 can show the file is intact";

// ---------------------------------------------------------------------------------------------
// Decoding

struct GrammarFinding {
    std::string code;                   // stable: checksum-mismatch, not-firmware, …
    std::optional<std::size_t> message; // 0-based
    std::optional<std::size_t> byte;    // offset within that message
    std::string text;
};

struct DecodedField {
    std::string name;
    std::uint64_t value = 0;
};

struct DecodedMessage {
    std::size_t index = 0;
    const MessageType* type = nullptr; // nullptr: no type matched
    std::vector<DecodedField> fields;
    std::vector<std::uint8_t> data; // decoded payload data (checksum removed)
    bool checksum_ok = true;
};

struct DecodedFirmware {
    std::vector<DecodedMessage> messages;
    std::vector<GrammarFinding> problems; // each a reason to refuse the file
    std::size_t data_messages = 0;
    std::size_t block_bytes = 0; // data bytes per block when they are all the same size
    bool checksums_checked = false;
    std::size_t checksums_correct = 0;
    std::vector<std::uint8_t> image; // assembled (not for by_address)
    std::optional<std::uint64_t> declared_image_bytes;
    std::optional<std::uint32_t> image_crc; // computed, when the grammar has one
    std::optional<std::string> declared_version;
    std::string last_type; // id of the last message's type

    [[nodiscard]] bool ok() const { return problems.empty(); }
    // "Shruthi-1 firmware, 249 pages of 256 bytes, every page checksum correct, ends with the
    // reboot message"
    [[nodiscard]] std::string summary(const FirmwareGrammar& grammar) const;
};

// The messages as they stand in the file (F0 … F7 each).
[[nodiscard]] DecodedFirmware
decode_firmware(const FirmwareGrammar& grammar,
                std::span<const std::span<const std::uint8_t>> messages);

// Decodes one message against one type (nullopt: the header does not match); problems found in
// it are appended with `index` as its message number.
[[nodiscard]] std::optional<DecodedMessage> decode_message(const MessageType& type,
                                                           std::span<const std::uint8_t> message,
                                                           std::size_t index,
                                                           std::vector<GrammarFinding>& problems);

// ---------------------------------------------------------------------------------------------
// Encoding (tests, emulator test firmware)

struct EncodeValues {
    std::uint64_t block_number = 0;
    std::uint64_t address = 0;
    std::uint64_t image_bytes = 0;
    std::uint32_t image_crc = 0;
    std::uint64_t version = 0;
};

// One message of `type` carrying `data` (padded with `fill` to the type's payload size).
[[nodiscard]] std::vector<std::uint8_t> encode_message(const MessageType& type,
                                                       std::span<const std::uint8_t> data,
                                                       const EncodeValues& values,
                                                       std::uint8_t fill = 0);

// A whole file for `image` by the grammar's sequence and block order (not for by_address).
[[nodiscard]] std::vector<std::vector<std::uint8_t>>
encode_firmware(const FirmwareGrammar& grammar, std::span<const std::uint8_t> image,
                std::uint64_t version = 0);

} // namespace syx
