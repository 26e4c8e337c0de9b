#include "core/firmware_grammar.hpp"

#include <algorithm>
#include <limits>

#include <fmt/core.h>

#include "core/intel_hex.hpp"

namespace syx {

namespace {

template <class E, std::size_t N>
std::optional<E> parse_from(std::string_view text, const E (&all)[N]) {
    for (E e : all) {
        if (text == to_string(e)) {
            return e;
        }
    }
    return std::nullopt;
}

} // namespace

const char* to_string(FieldEncoding encoding) {
    switch (encoding) {
    case FieldEncoding::msb_first_7bit:
        return "7bit-msb-first";
    case FieldEncoding::lsb_first_7bit:
        return "7bit-lsb-first";
    case FieldEncoding::nibbles_high_first:
        return "nibbles-high-first";
    case FieldEncoding::nibbles_low_first:
        return "nibbles-low-first";
    case FieldEncoding::digits:
        return "digits";
    }
    return "7bit-msb-first";
}

std::optional<FieldEncoding> parse_field_encoding(std::string_view text) {
    constexpr FieldEncoding all[] = {FieldEncoding::msb_first_7bit, FieldEncoding::lsb_first_7bit,
                                     FieldEncoding::nibbles_high_first,
                                     FieldEncoding::nibbles_low_first, FieldEncoding::digits};
    return parse_from(text, all);
}

const char* to_string(FieldRole role) {
    switch (role) {
    case FieldRole::none:
        return "none";
    case FieldRole::block_number:
        return "block-number";
    case FieldRole::address:
        return "address";
    case FieldRole::payload_bytes:
        return "payload-bytes";
    case FieldRole::block_bytes:
        return "block-bytes";
    case FieldRole::image_bytes:
        return "image-bytes";
    case FieldRole::image_crc:
        return "image-crc";
    case FieldRole::version:
        return "version";
    }
    return "none";
}

std::optional<FieldRole> parse_field_role(std::string_view text) {
    constexpr FieldRole all[] = {FieldRole::none,        FieldRole::block_number,
                                 FieldRole::address,     FieldRole::payload_bytes,
                                 FieldRole::block_bytes, FieldRole::image_bytes,
                                 FieldRole::image_crc,   FieldRole::version};
    return parse_from(text, all);
}

const char* to_string(BlockOrder order) {
    switch (order) {
    case BlockOrder::as_sent:
        return "as-sent";
    case BlockOrder::ascending:
        return "ascending";
    case BlockOrder::descending:
        return "descending";
    case BlockOrder::first_block_last:
        return "first-block-last";
    case BlockOrder::by_address:
        return "by-address";
    }
    return "as-sent";
}

std::optional<BlockOrder> parse_block_order(std::string_view text) {
    constexpr BlockOrder all[] = {BlockOrder::as_sent, BlockOrder::ascending,
                                  BlockOrder::descending, BlockOrder::first_block_last,
                                  BlockOrder::by_address};
    return parse_from(text, all);
}

const char* to_string(BadBlockBehaviour behaviour) {
    switch (behaviour) {
    case BadBlockBehaviour::unknown:
        return "unknown";
    case BadBlockBehaviour::skipped_silently:
        return "skipped-silently";
    case BadBlockBehaviour::stops_with_error:
        return "stops-with-error";
    case BadBlockBehaviour::answers_error:
        return "answers-error";
    }
    return "unknown";
}

std::optional<BadBlockBehaviour> parse_bad_block_behaviour(std::string_view text) {
    constexpr BadBlockBehaviour all[] = {
        BadBlockBehaviour::unknown, BadBlockBehaviour::skipped_silently,
        BadBlockBehaviour::stops_with_error, BadBlockBehaviour::answers_error};
    return parse_from(text, all);
}

std::string ChecksumSpec::describe() const {
    const char* what = over == ChecksumOver::decoded ? "the decoded data" : "the bytes as sent";
    switch (kind) {
    case ChecksumAlgorithm::none:
        return "no checksum";
    case ChecksumAlgorithm::sum:
        switch (sum) {
        case SumForm::mod256:
            return fmt::format("sum mod 256 of {}", what);
        case SumForm::low7:
            return fmt::format("sum & 7F of {}", what);
        case SumForm::twos_complement_7bit:
            return fmt::format("7-bit two's complement of the sum of {}", what);
        }
        break;
    case ChecksumAlgorithm::crc:
        return fmt::format("CRC-{} (poly {:X}) of {}", crc.width, crc.poly, what);
    }
    return {};
}

bool MessageType::has_field(FieldRole role) const {
    return std::any_of(fields.begin(), fields.end(),
                       [&](const FieldSpec& f) { return f.role == role; });
}

std::size_t MessageType::fixed_bytes() const {
    std::size_t n = headers.empty() ? 0 : headers.front().size();
    for (const auto& f : fields) {
        n += f.bytes;
    }
    return n;
}

const MessageType* FirmwareGrammar::find(std::string_view id) const {
    for (const auto& m : messages) {
        if (m.id == id) {
            return &m;
        }
    }
    return nullptr;
}

bool FirmwareGrammar::carries_checksum() const {
    if (image_crc) {
        return true;
    }
    return std::any_of(messages.begin(), messages.end(), [](const MessageType& t) {
        return t.image_data && (t.intel_hex_records || t.checksum.kind != ChecksumAlgorithm::none);
    });
}

// ---------------------------------------------------------------------------------------------
// Fields

namespace {

unsigned value_shift(const FieldSpec& f) {
    if (f.mask == 0) {
        return 0;
    }
    unsigned s = 0;
    while (s < 7 && ((f.mask >> s) & 1U) != 0) {
        ++s;
    }
    return s;
}

// Reads a field; a problem text when a byte is out of range for its encoding.
std::optional<std::uint64_t> read_field(const FieldSpec& f, std::span<const std::uint8_t> bytes,
                                        std::string& problem, std::size_t& bad_byte) {
    std::uint64_t v = 0;
    const std::size_t n = bytes.size();
    for (std::size_t i = 0; i < n; ++i) {
        std::uint8_t b = bytes[i];
        if (i == 0 && f.mask != 0) {
            if ((b & f.mask) != f.equals) {
                problem = fmt::format("byte {:02X} of field '{}' should have {:02X} in the bits "
                                      "{:02X}",
                                      b, f.name, f.equals, f.mask);
                bad_byte = i;
                return std::nullopt;
            }
            b = static_cast<std::uint8_t>((b & ~f.mask & 0x7F) >> value_shift(f));
        }
        switch (f.encoding) {
        case FieldEncoding::msb_first_7bit:
            v = (v << 7) | b;
            break;
        case FieldEncoding::lsb_first_7bit:
            v |= static_cast<std::uint64_t>(b) << (7 * i);
            break;
        case FieldEncoding::nibbles_high_first:
        case FieldEncoding::nibbles_low_first:
            if (b > 0x0F) {
                problem =
                    fmt::format("byte {:02X} of field '{}' is not a nibble (00–0F)", b, f.name);
                bad_byte = i;
                return std::nullopt;
            }
            if (f.encoding == FieldEncoding::nibbles_high_first) {
                v = (v << 4) | b;
            } else {
                v |= static_cast<std::uint64_t>(b) << (4 * i);
            }
            break;
        case FieldEncoding::digits:
            if ((b & 0x0F) > 9) {
                problem =
                    fmt::format("byte {:02X} of field '{}' is not a decimal digit", b, f.name);
                bad_byte = i;
                return std::nullopt;
            }
            v = v * 10 + (b & 0x0F);
            break;
        }
    }
    return v * f.scale;
}

void write_field(const FieldSpec& f, std::uint64_t value, std::vector<std::uint8_t>& out) {
    if (f.value) {
        value = *f.value;
    }
    std::uint64_t v = f.scale > 0 ? value / f.scale : value;
    std::vector<std::uint8_t> bytes(f.bytes, 0);
    for (std::size_t k = 0; k < f.bytes; ++k) {
        const std::size_t i = f.encoding == FieldEncoding::lsb_first_7bit ||
                                      f.encoding == FieldEncoding::nibbles_low_first
                                  ? k
                                  : f.bytes - 1 - k;
        switch (f.encoding) {
        case FieldEncoding::msb_first_7bit:
        case FieldEncoding::lsb_first_7bit:
            bytes[i] = static_cast<std::uint8_t>(v & 0x7F);
            v >>= 7;
            break;
        case FieldEncoding::nibbles_high_first:
        case FieldEncoding::nibbles_low_first:
            bytes[i] = static_cast<std::uint8_t>(v & 0x0F);
            v >>= 4;
            break;
        case FieldEncoding::digits:
            bytes[i] = static_cast<std::uint8_t>(v % 10);
            v /= 10;
            break;
        }
    }
    if (f.mask != 0 && !bytes.empty()) {
        bytes[0] =
            static_cast<std::uint8_t>(((bytes[0] << value_shift(f)) & ~f.mask & 0x7F) | f.equals);
    }
    out.insert(out.end(), bytes.begin(), bytes.end());
}

std::uint64_t field_value(const DecodedMessage& m, const MessageType& t, FieldRole role,
                          std::uint64_t fallback = 0) {
    for (std::size_t i = 0; i < t.fields.size() && i < m.fields.size(); ++i) {
        if (t.fields[i].role == role) {
            return m.fields[i].value;
        }
    }
    return fallback;
}

std::string hex_of(std::uint32_t value, unsigned width) {
    return fmt::format("{:0{}X}", value, (width + 3) / 4);
}

std::uint32_t checksum_value(const ChecksumSpec& c, std::span<const std::uint8_t> bytes) {
    return c.kind == ChecksumAlgorithm::crc ? crc_of(c.crc, bytes) : sum_of(c.sum, bytes);
}

unsigned checksum_width(const ChecksumSpec& c) {
    if (c.kind == ChecksumAlgorithm::crc) {
        return c.crc.width;
    }
    return c.sum == SumForm::mod256 ? 8 : 7;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// One message

std::optional<DecodedMessage> decode_message(const MessageType& type,
                                             std::span<const std::uint8_t> message,
                                             std::size_t index,
                                             std::vector<GrammarFinding>& problems) {
    const BytePattern* header = nullptr;
    for (const auto& h : type.headers) {
        if (h.matches_prefix(message)) {
            header = &h;
            break;
        }
    }
    if (header == nullptr) {
        return std::nullopt;
    }
    DecodedMessage out;
    out.index = index;
    out.type = &type;
    auto problem = [&](std::string code, std::size_t byte, std::string text) {
        problems.push_back(GrammarFinding{std::move(code), index, byte, std::move(text)});
        out.checksum_ok = out.checksum_ok && false;
    };
    if (type.exact) {
        if (!header->matches_exactly(message)) {
            problem("wrong-size", std::min(message.size(), header->size()) - 1,
                    fmt::format("the {} should be exactly {} ({} bytes); this one is {} bytes",
                                type.description, header->to_string(), header->size(),
                                message.size()));
        }
        return out;
    }
    std::size_t pos = header->size();
    const std::size_t end = message.empty() ? 0 : message.size() - 1; // the F7
    std::optional<std::uint64_t> declared_payload;
    for (const auto& f : type.fields) {
        if (pos + f.bytes > end) {
            problem("wrong-size", message.size() - 1,
                    fmt::format("the message is {} bytes, too short for its field '{}' (a {} "
                                "has at least {} bytes)",
                                message.size(), f.name, type.description, type.fixed_bytes() + 1));
            return out;
        }
        std::string text;
        std::size_t bad = 0;
        auto v = read_field(f, message.subspan(pos, f.bytes), text, bad);
        if (!v) {
            problem("bad-field", pos + bad, text);
            return out;
        }
        if (f.value && *v != *f.value) {
            problem("bad-field", pos,
                    fmt::format("field '{}' is {} where the {} always has {}", f.name, *v,
                                type.description, *f.value));
        }
        if (f.role == FieldRole::payload_bytes) {
            declared_payload = *v;
        }
        out.fields.push_back({f.name, *v});
        pos += f.bytes;
    }
    const std::size_t tail_data = type.checksum.kind != ChecksumAlgorithm::none &&
                                          type.checksum.place == ChecksumPlace::payload_tail
                                      ? type.checksum.bytes
                                      : 0;
    const std::size_t trailing = type.checksum.trailing_wire_bytes();
    std::uint64_t data_bytes = declared_payload.value_or(type.payload_bytes);
    if (type.variable_payload()) {
        const std::size_t available = end >= pos + trailing ? end - pos - trailing : 0;
        const auto carried = type.codec.data_size(available);
        if (!carried || *carried < tail_data + 1 || *carried - tail_data > type.max_payload_bytes) {
            problem("wrong-size", message.size() - 1,
                    fmt::format("the message is {} bytes; a {} carries 1 to {} data bytes — it is "
                                "truncated or damaged",
                                message.size(), type.description, type.max_payload_bytes));
            return out;
        }
        data_bytes = *carried - tail_data;
    }
    if (declared_payload && type.max_payload_bytes > 0 &&
        *declared_payload > type.max_payload_bytes) {
        problem("bad-field", header->size(),
                fmt::format("the message declares {} data bytes; the loader takes at most {}",
                            *declared_payload, type.max_payload_bytes));
        return out;
    }
    const std::size_t want_payload = type.codec.wire_size(data_bytes + tail_data);
    const std::size_t want_size = pos + want_payload + trailing + 1;
    if (message.size() != want_size) {
        problem("wrong-size", std::min(message.size(), want_size) - 1,
                fmt::format("the message is {} bytes; a {} of {} data bytes is {} bytes — it is "
                            "truncated or damaged",
                            message.size(), type.description, data_bytes, want_size));
        return out;
    }
    const auto wire = message.subspan(pos, want_payload);
    auto decoded = decode_payload(type.codec, wire);
    if (decoded.problem) {
        problem(
            "bad-payload", pos + decoded.problem->wire_index,
            fmt::format("payload byte {}: {}", decoded.problem->wire_index, decoded.problem->text));
        return out;
    }
    out.data = std::move(decoded.data);
    const auto& c = type.checksum;
    if (c.kind != ChecksumAlgorithm::none) {
        std::uint32_t found = 0;
        std::size_t at = 0;
        if (c.place == ChecksumPlace::payload_tail) {
            for (std::size_t i = 0; i < tail_data; ++i) {
                found = (found << 8) | out.data[data_bytes + i];
            }
            out.data.resize(data_bytes);
            at = pos + type.codec.wire_size(data_bytes);
        } else {
            at = pos + want_payload;
            for (std::size_t i = 0; i < c.split_bits.size(); ++i) {
                const unsigned bits = c.split_bits[i];
                found = (found << bits) | (message[at + i] & ((1U << bits) - 1U));
            }
        }
        const std::uint32_t expected =
            c.over == ChecksumOver::decoded
                ? checksum_value(c, out.data)
                : checksum_value(c, message.subspan(c.from, pos + want_payload - c.from));
        if (expected != found) {
            const unsigned w = checksum_width(c);
            problem("checksum-mismatch", at,
                    fmt::format("its checksum is {} but the {} gives {} ({}): the message is "
                                "damaged",
                                hex_of(found, w), type.description, hex_of(expected, w),
                                c.describe()));
        }
    }
    if (type.intel_hex_records && out.checksum_ok) {
        auto hex = read_intel_hex(out.data);
        if (hex.problem) {
            // Wire position: exact for raw7 (one wire byte per text byte).
            const auto at = std::min(pos + type.codec.wire_size(hex.problem->offset), end);
            problem("checksum-mismatch", at, "Intel HEX " + hex.problem->text);
            return out;
        }
        out.data = std::move(hex.data);
    }
    for (std::size_t i = 0; i < type.fields.size(); ++i) {
        if (type.fields[i].role == FieldRole::block_bytes && out.fields[i].value != data_bytes) {
            problem("bad-field", header->size(),
                    fmt::format("field '{}' declares {} bytes but the payload carries {}",
                                type.fields[i].name, out.fields[i].value, data_bytes));
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The file

namespace {

std::string sequence_text(const FirmwareGrammar& g, const SequenceItem& item) {
    const auto* t = g.find(item.type);
    return t != nullptr ? t->description : item.type;
}

void check_sequence(const FirmwareGrammar& g, DecodedFirmware& out) {
    const auto& ms = out.messages;
    std::size_t i = 0;
    for (const auto& item : g.sequence) {
        std::size_t count = 0;
        while (i < ms.size() && count < item.max && ms[i].type->id == item.type) {
            ++i;
            ++count;
        }
        if (count < item.min) {
            if (i == ms.size()) {
                out.problems.push_back(
                    {"truncated", ms.empty() ? std::nullopt : std::optional(ms.size() - 1),
                     std::nullopt,
                     fmt::format("the file ends after {} messages where {} should follow: it is "
                                 "truncated",
                                 ms.size(), sequence_text(g, item))});
            } else {
                out.problems.push_back(
                    {"wrong-order", i, 0,
                     fmt::format("this is {} where {} should come: the messages are out of "
                                 "order",
                                 ms[i].type->description, sequence_text(g, item))});
            }
            return;
        }
    }
    if (i < ms.size()) {
        out.problems.push_back({"wrong-order", i, 0,
                                fmt::format("this is {} after the end of the firmware ({}): the "
                                            "messages are out of order or two files were joined",
                                            ms[i].type->description, ms[i - 1].type->description)});
    }
}

void assemble_image(const FirmwareGrammar& g, DecodedFirmware& out) {
    std::vector<const DecodedMessage*> data;
    for (const auto& m : out.messages) {
        if (m.type->image_data) {
            data.push_back(&m);
        }
    }
    out.data_messages = data.size();
    if (!data.empty()) {
        const std::size_t size = data.front()->data.size();
        const bool same = std::all_of(data.begin(), data.end(), [&](const DecodedMessage* m) {
            return m->data.size() == size;
        });
        out.block_bytes = same ? size : 0;
    }
    const std::string noun = g.block_noun;
    auto block_of = [](const DecodedMessage* m) {
        return field_value(*m, *m->type, FieldRole::block_number);
    };
    switch (g.order) {
    case BlockOrder::as_sent:
        break;
    case BlockOrder::ascending:
    case BlockOrder::descending: {
        const bool up = g.order == BlockOrder::ascending;
        for (std::size_t k = 0; k < data.size(); ++k) {
            const std::uint64_t want = up ? k : data.size() - 1 - k;
            if (block_of(data[k]) != want) {
                out.problems.push_back(
                    {"block-order", data[k]->index, std::nullopt,
                     fmt::format("this message carries {} {} where {} {} should come ({}s go {}): "
                                 "the file is reordered, or {}s are missing",
                                 noun, block_of(data[k]), noun, want, noun,
                                 up ? "from 0 upwards" : "highest first, 0 last", noun)});
                return;
            }
        }
        break;
    }
    case BlockOrder::first_block_last:
        if (data.size() > 1) {
            std::rotate(data.begin(), data.end() - 1, data.end());
        }
        break;
    case BlockOrder::by_address: {
        std::uint64_t next = 0;
        std::uint64_t total = 0;
        for (const auto* m : data) {
            const auto address = field_value(*m, *m->type, FieldRole::address);
            if (address < next) {
                out.problems.push_back(
                    {"block-order", m->index, std::nullopt,
                     fmt::format("this message writes address {:X}, which an earlier message "
                                 "already wrote up to {:X}: the file is reordered or doubled",
                                 address, next)});
                return;
            }
            next = address + m->data.size();
            total += m->data.size();
        }
        out.declared_image_bytes = std::nullopt;
        out.image.clear();
        out.image.reserve(0);
        (void)total;
        return;
    }
    }
    if (g.order == BlockOrder::descending) {
        std::reverse(data.begin(), data.end());
    }
    for (const auto* m : data) {
        out.image.insert(out.image.end(), m->data.begin(), m->data.end());
    }
}

void check_image(const FirmwareGrammar& g, DecodedFirmware& out) {
    const DecodedMessage* crc_message = nullptr;
    std::optional<std::uint64_t> declared_crc;
    for (const auto& m : out.messages) {
        for (std::size_t i = 0; i < m.type->fields.size() && i < m.fields.size(); ++i) {
            switch (m.type->fields[i].role) {
            case FieldRole::image_bytes:
                out.declared_image_bytes = m.fields[i].value;
                break;
            case FieldRole::image_crc:
                declared_crc = m.fields[i].value;
                crc_message = &m;
                break;
            case FieldRole::version:
                out.declared_version = fmt::format("{}", m.fields[i].value);
                break;
            default:
                break;
            }
        }
    }
    std::size_t covered = out.image.size();
    if (out.declared_image_bytes) {
        if (*out.declared_image_bytes > out.image.size() ||
            (out.block_bytes > 0 &&
             out.image.size() - *out.declared_image_bytes >= out.block_bytes)) {
            out.problems.push_back(
                {"image-size", std::nullopt, std::nullopt,
                 fmt::format("the header declares an image of {} bytes but the {}s carry {} "
                             "bytes: {}s are missing or extra",
                             *out.declared_image_bytes, g.block_noun, out.image.size(),
                             g.block_noun)});
            return;
        }
        covered = static_cast<std::size_t>(*out.declared_image_bytes);
    }
    if (g.image_crc) {
        out.image_crc = crc_of(*g.image_crc, std::span(out.image).first(covered));
        if (declared_crc && *declared_crc != *out.image_crc) {
            out.problems.push_back(
                {"image-crc-mismatch", crc_message->index, std::nullopt,
                 fmt::format("the header gives the image CRC-{} as {} but the {} decoded bytes "
                             "give {}: a {} is damaged",
                             g.image_crc->width,
                             hex_of(static_cast<std::uint32_t>(*declared_crc), g.image_crc->width),
                             covered, hex_of(*out.image_crc, g.image_crc->width), g.block_noun)});
        }
    }
}

} // namespace

DecodedFirmware decode_firmware(const FirmwareGrammar& grammar,
                                std::span<const std::span<const std::uint8_t>> messages) {
    DecodedFirmware out;
    if (messages.empty()) {
        // Found by the fuzzer: with nothing to decode there was nothing to object to either.
        out.problems.push_back(
            {"truncated", std::nullopt, std::nullopt,
             fmt::format("the file holds no messages: it is not {}", grammar.name)});
        return out;
    }
    bool all_typed = true;
    std::size_t checksummed = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto before = out.problems.size();
        std::optional<DecodedMessage> decoded;
        for (const auto& type : grammar.messages) {
            decoded = decode_message(type, messages[i], i, out.problems);
            if (decoded) {
                break;
            }
        }
        if (!decoded) {
            all_typed = false;
            std::string starts;
            for (std::size_t k = 0; k < std::min<std::size_t>(messages[i].size(), 8); ++k) {
                starts += fmt::format("{}{:02X}", k == 0 ? "" : " ", messages[i][k]);
            }
            out.problems.push_back(
                {"not-firmware", i, 0,
                 fmt::format("this message (starting {} …) is none of the {} messages: it is not "
                             "firmware (another kind of data for this maker, or another device)",
                             starts, grammar.name)});
            continue;
        }
        if (decoded->type->checksum.kind != ChecksumAlgorithm::none ||
            decoded->type->intel_hex_records) {
            ++checksummed;
            if (out.problems.size() == before) {
                ++out.checksums_correct;
            }
        }
        out.messages.push_back(std::move(*decoded));
    }
    out.checksums_checked = checksummed > 0;
    if (!out.messages.empty()) {
        out.last_type = out.messages.back().type->id;
    }
    if (!all_typed || out.messages.empty()) {
        return out;
    }
    const auto problems_before = out.problems.size();
    check_sequence(grammar, out);
    if (out.problems.size() != problems_before) {
        return out;
    }
    assemble_image(grammar, out);
    if (out.problems.size() == problems_before && grammar.order != BlockOrder::by_address) {
        check_image(grammar, out);
    }
    return out;
}

std::string DecodedFirmware::summary(const FirmwareGrammar& g) const {
    std::string s = g.name;
    const std::string noun = g.block_noun;
    s += fmt::format(", {} {}{}", data_messages, noun, data_messages == 1 ? "" : "s");
    if (block_bytes > 0) {
        s += fmt::format(" of {} bytes", block_bytes);
    }
    const bool checked =
        std::any_of(g.messages.begin(), g.messages.end(), [](const MessageType& t) {
            return t.image_data && t.checksum.kind != ChecksumAlgorithm::none;
        });
    const bool hex_records = std::any_of(g.messages.begin(), g.messages.end(),
                                         [](const MessageType& t) { return t.intel_hex_records; });
    if (hex_records) {
        s += ok() ? ", every Intel HEX record checksum correct"
                  : ", an Intel HEX record is damaged or missing";
    } else if (checked) {
        s += ok() ? fmt::format(", every {} checksum correct", noun)
                  : fmt::format(", {} of {} checksums correct", checksums_correct, data_messages);
    } else {
        s += fmt::format(", no {} checksum in this format", noun);
    }
    if (declared_image_bytes) {
        s += fmt::format(", image {} bytes", *declared_image_bytes);
    } else if (!image.empty()) {
        s += fmt::format(", image {} bytes", image.size());
    }
    if (image_crc && g.image_crc) {
        s += fmt::format(", image CRC-{} {}{}", g.image_crc->width,
                         hex_of(*image_crc, g.image_crc->width), ok() ? " matches the header" : "");
    }
    if (declared_version) {
        s += fmt::format(", declares version {}", *declared_version);
    }
    if (!last_type.empty()) {
        if (const auto* t = g.find(last_type); t != nullptr && !t->image_data) {
            s += fmt::format(", ends with {}", t->description);
        }
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// Encoding

std::vector<std::uint8_t> encode_message(const MessageType& type,
                                         std::span<const std::uint8_t> data,
                                         const EncodeValues& values, std::uint8_t fill) {
    std::vector<std::uint8_t> out = type.headers.front().concrete();
    if (type.exact) {
        return out;
    }
    std::vector<std::uint8_t> payload(data.begin(), data.end());
    if (type.intel_hex_records) {
        payload = write_intel_hex(data, type.records_padding);
    }
    if (!type.has_field(FieldRole::payload_bytes) && payload.size() < type.payload_bytes) {
        payload.resize(type.payload_bytes, fill);
    }
    for (const auto& f : type.fields) {
        std::uint64_t v = 0;
        switch (f.role) {
        case FieldRole::block_number:
            v = values.block_number;
            break;
        case FieldRole::address:
            v = values.address;
            break;
        case FieldRole::payload_bytes:
        case FieldRole::block_bytes:
            v = payload.size();
            break;
        case FieldRole::image_bytes:
            v = values.image_bytes;
            break;
        case FieldRole::image_crc:
            v = values.image_crc;
            break;
        case FieldRole::version:
            v = values.version;
            break;
        case FieldRole::none:
            break;
        }
        write_field(f, v, out);
    }
    const std::size_t fields_end = out.size();
    const auto& c = type.checksum;
    std::vector<std::uint8_t> carried = payload;
    if (c.kind != ChecksumAlgorithm::none && c.place == ChecksumPlace::payload_tail) {
        const std::uint32_t value = checksum_value(c, payload);
        for (std::size_t i = 0; i < c.bytes; ++i) {
            carried.push_back(static_cast<std::uint8_t>(value >> (8 * (c.bytes - 1 - i))));
        }
    }
    const auto wire = type.codec.encode(carried);
    out.insert(out.end(), wire.begin(), wire.end());
    if (c.kind != ChecksumAlgorithm::none && c.place == ChecksumPlace::trailing) {
        const std::uint32_t value =
            c.over == ChecksumOver::decoded
                ? checksum_value(c, payload)
                : checksum_value(c, std::span(out).subspan(c.from, out.size() - c.from));
        unsigned remaining = 0;
        for (auto bits : c.split_bits) {
            remaining += bits;
        }
        for (auto bits : c.split_bits) {
            remaining -= bits;
            out.push_back(static_cast<std::uint8_t>((value >> remaining) & ((1U << bits) - 1U)));
        }
    }
    (void)fields_end;
    out.push_back(0xF7);
    return out;
}

std::vector<std::vector<std::uint8_t>> encode_firmware(const FirmwareGrammar& g,
                                                       std::span<const std::uint8_t> image,
                                                       std::uint64_t version) {
    std::vector<std::vector<std::uint8_t>> out;
    const MessageType* first_data = nullptr;
    for (const auto& item : g.sequence) {
        const auto* t = g.find(item.type);
        if (t != nullptr && t->image_data) {
            first_data = t;
            break;
        }
    }
    if (first_data == nullptr) {
        return out;
    }
    const std::size_t block =
        first_data->payload_bytes > 0 ? first_data->payload_bytes : first_data->max_payload_bytes;
    if (block == 0) {
        return out;
    }
    const std::size_t blocks = std::max<std::size_t>(1, (image.size() + block - 1) / block);
    auto block_data = [&](std::size_t k) {
        const std::size_t begin = std::min(image.size(), k * block);
        const std::size_t end = std::min(image.size(), begin + block);
        return image.subspan(begin, end - begin);
    };
    EncodeValues values;
    values.image_bytes = image.size();
    values.version = version;
    if (g.image_crc) {
        values.image_crc = crc_of(*g.image_crc, image);
    }
    // The data messages of the sequence take the blocks in the grammar's order.
    std::vector<std::size_t> order(blocks);
    for (std::size_t k = 0; k < blocks; ++k) {
        order[k] = g.order == BlockOrder::descending ? blocks - 1 - k : k;
    }
    if (g.order == BlockOrder::first_block_last) {
        std::rotate(order.begin(), order.begin() + 1, order.end()); // 1, 2, …, n-1, 0
    }
    std::size_t next = 0;
    for (std::size_t s = 0; s < g.sequence.size(); ++s) {
        const auto& item = g.sequence[s];
        const auto* t = g.find(item.type);
        if (t == nullptr) {
            continue;
        }
        if (!t->image_data) {
            for (std::size_t n = 0; n < std::max<std::size_t>(item.min, 1) && n < item.max; ++n) {
                out.push_back(encode_message(*t, {}, values));
            }
            continue;
        }
        // Data items later in the sequence that must still get their minimum.
        std::size_t reserved = 0;
        for (std::size_t r = s + 1; r < g.sequence.size(); ++r) {
            const auto* rt = g.find(g.sequence[r].type);
            if (rt != nullptr && rt->image_data) {
                reserved += g.sequence[r].min;
            }
        }
        std::size_t n = 0;
        while (next < blocks && n < item.max && (blocks - next > reserved || n < item.min)) {
            const std::size_t k = order[next++];
            values.block_number = k;
            values.address = k * block;
            out.push_back(encode_message(*t, block_data(k), values, 0));
            ++n;
        }
    }
    return out;
}

} // namespace syx
