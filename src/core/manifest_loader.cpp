#include "core/manifest_loader.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "core/firmware_grammar.hpp"

namespace syx {

std::string ManifestProblem::to_string() const {
    if (line == 0) {
        return fmt::format("{}: {}", file, text);
    }
    return fmt::format("{}:{}:{}: {}", file, line, column, text);
}

namespace {

// toml++ throws on syntax errors; that exception stops here (no exceptions across layers).
constexpr std::int64_t kMaxMessageBytes = 64LL * 1024 * 1024;
constexpr std::int64_t kMaxMessages = 1'000'000;
constexpr std::int64_t kMaxGapMs = 10'000;
constexpr std::int64_t kMaxSettleMs = 120'000;
constexpr std::int64_t kMaxBytesPerSecond = 10'000'000;

const char* type_name(toml::node_type type) {
    switch (type) {
    case toml::node_type::none:
        return "nothing";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    }
    return "a value";
}

struct Location {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

Location location_of(const toml::source_region& region) {
    return {region.begin.line, region.begin.column};
}

class Problems {
public:
    Problems(std::string file, std::vector<ManifestProblem>& out)
        : m_file(std::move(file)), m_out(out) {}
    void add(Location where, std::string text) {
        m_out.push_back(ManifestProblem{m_file, where.line, where.column, std::move(text)});
    }
    [[nodiscard]] std::size_t count() const { return m_out.size(); }

private:
    std::string m_file;
    std::vector<ManifestProblem>& m_out;
};

// Reads the keys of one TOML table, remembering which were used; finish() reports the rest as
// unknown. `m_path` names the table in messages ("firmware.releases[1]").
class TableReader {
public:
    TableReader(const toml::table& table, std::string path, Problems& problems)
        : m_table(table), m_path(std::move(path)), m_problems(problems) {}
    TableReader(const TableReader&) = delete;
    TableReader& operator=(const TableReader&) = delete;

    [[nodiscard]] Location where() const {
        auto loc = location_of(m_table.source());
        if (loc.line == 0) {
            loc.line = 1;
            loc.column = 1;
        }
        return loc;
    }
    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] std::string name(std::string_view key) const {
        return m_path.empty() ? std::string(key) : fmt::format("{}.{}", m_path, key);
    }
    void problem(Location loc, std::string text) { m_problems.add(loc, std::move(text)); }
    Problems& problems() { return m_problems; }

    [[nodiscard]] bool has(std::string_view key) const { return m_table.contains(key); }

    // Returns the node for `key`, marking it used; reports a missing required key.
    const toml::node* node(std::string_view key, bool required) {
        m_used.insert(std::string(key));
        const toml::node* n = m_table.get(key);
        if (n == nullptr && required) {
            problem(where(), fmt::format("missing required key '{}'{}", key,
                                         m_path.empty() ? std::string() : " in [" + m_path + "]"));
        }
        return n;
    }

    Location loc(std::string_view key) const {
        const toml::node* n = m_table.get(key);
        return n != nullptr ? location_of(n->source()) : where();
    }

    void wrong_type(std::string_view key, const toml::node& n, std::string_view expected) {
        problem(location_of(n.source()),
                fmt::format("'{}' must be {}, found {}", name(key), expected, type_name(n.type())));
    }

    std::optional<std::string> string(std::string_view key, bool required,
                                      bool allow_empty = false) {
        const toml::node* n = node(key, required);
        if (n == nullptr) {
            return std::nullopt;
        }
        const auto* s = n->as_string();
        if (s == nullptr) {
            wrong_type(key, *n, "a string");
            return std::nullopt;
        }
        if (!allow_empty && s->get().find_first_not_of(" \t\r\n") == std::string::npos) {
            problem(location_of(n->source()), fmt::format("'{}' must not be empty", name(key)));
            return std::nullopt;
        }
        return s->get();
    }

    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min,
                                        std::int64_t max) {
        const toml::node* n = node(key, required);
        if (n == nullptr) {
            return std::nullopt;
        }
        const auto* i = n->as_integer();
        if (i == nullptr) {
            wrong_type(key, *n, "an integer");
            return std::nullopt;
        }
        const std::int64_t v = i->get();
        if (v < min || v > max) {
            problem(location_of(n->source()),
                    fmt::format("'{}' = {} is out of range ({}..{})", name(key), v, min, max));
            return std::nullopt;
        }
        return v;
    }

    std::optional<bool> boolean(std::string_view key, bool required) {
        const toml::node* n = node(key, required);
        if (n == nullptr) {
            return std::nullopt;
        }
        const auto* b = n->as_boolean();
        if (b == nullptr) {
            wrong_type(key, *n, "true or false");
            return std::nullopt;
        }
        return b->get();
    }

    const toml::table* table(std::string_view key, bool required) {
        const toml::node* n = node(key, required);
        if (n == nullptr) {
            return nullptr;
        }
        const auto* t = n->as_table();
        if (t == nullptr) {
            wrong_type(key, *n, "a table");
        }
        return t;
    }

    // An array of tables ([[key]]); each element is checked to be a table.
    std::vector<const toml::table*> tables(std::string_view key, bool required) {
        std::vector<const toml::table*> out;
        const toml::node* n = node(key, required);
        if (n == nullptr) {
            return out;
        }
        const auto* a = n->as_array();
        if (a == nullptr) {
            wrong_type(key, *n, "an array of tables ([[" + name(key) + "]])");
            return out;
        }
        for (const auto& element : *a) {
            if (const auto* t = element.as_table()) {
                out.push_back(t);
            } else {
                problem(location_of(element.source()),
                        fmt::format("elements of '{}' must be tables, found {}", name(key),
                                    type_name(element.type())));
            }
        }
        return out;
    }

    std::optional<std::vector<std::string>> strings(std::string_view key, bool required,
                                                    bool allow_empty_list = false) {
        const toml::node* n = node(key, required);
        if (n == nullptr) {
            return std::nullopt;
        }
        const auto* a = n->as_array();
        if (a == nullptr) {
            wrong_type(key, *n, "an array of strings");
            return std::nullopt;
        }
        std::vector<std::string> out;
        bool good = true;
        for (const auto& element : *a) {
            const auto* s = element.as_string();
            if (s == nullptr || s->get().empty()) {
                problem(location_of(element.source()),
                        fmt::format("elements of '{}' must be non-empty strings, found {}",
                                    name(key), s == nullptr ? type_name(element.type()) : "\"\""));
                good = false;
                continue;
            }
            out.push_back(s->get());
        }
        if (out.empty() && good && !allow_empty_list) {
            problem(location_of(n->source()), fmt::format("'{}' must not be empty", name(key)));
            return std::nullopt;
        }
        if (!good) {
            return std::nullopt;
        }
        return out;
    }

    std::optional<BytePattern> pattern(std::string_view key, bool required, bool wildcards = true) {
        auto text = string(key, required);
        if (!text) {
            return std::nullopt;
        }
        auto parsed = BytePattern::parse(*text, wildcards);
        if (!parsed) {
            problem(loc(key),
                    fmt::format("'{}' is not valid hex: {}", name(key), parsed.error().message));
            return std::nullopt;
        }
        return std::move(parsed).value();
    }

    // A pattern that must start F0 (a complete or partial SysEx message).
    std::optional<BytePattern> sysex_pattern(std::string_view key, bool required,
                                             bool wildcards = true, bool must_end_f7 = false) {
        auto p = pattern(key, required, wildcards);
        if (!p) {
            return std::nullopt;
        }
        const auto& b = p->bytes();
        if (!b.front() || *b.front() != 0xF0) {
            problem(loc(key), fmt::format("'{}' must start with F0 (SysEx start)", name(key)));
            return std::nullopt;
        }
        for (std::size_t i = 1; i < b.size(); ++i) {
            const bool last = i + 1 == b.size();
            if (b[i] && *b[i] >= 0x80 && !(last && *b[i] == 0xF7)) {
                problem(loc(key), fmt::format("'{}': byte {} ({:02X}) is not a 7-bit data byte",
                                              name(key), i, *b[i]));
                return std::nullopt;
            }
        }
        if (must_end_f7 && (!b.back() || *b.back() != 0xF7 || b.size() < 2)) {
            problem(loc(key), fmt::format("'{}' must end with F7 (SysEx end)", name(key)));
            return std::nullopt;
        }
        return p;
    }

    template <class T, class Parse>
    std::optional<T> choice(std::string_view key, bool required, Parse parse, const char* allowed) {
        auto text = string(key, required);
        if (!text) {
            return std::nullopt;
        }
        auto v = parse(*text);
        if (!v) {
            problem(loc(key),
                    fmt::format("'{}' = \"{}\" is not one of: {}", name(key), *text, allowed));
        }
        return v;
    }

    Evidence evidence() {
        Evidence e;
        if (auto c = choice<Confidence>("confidence", true, parse_confidence,
                                        "confirmed, reported, modelled")) {
            e.confidence = *c;
        }
        if (auto s = string("source", false)) {
            e.source = *s;
        }
        return e;
    }

    // Reports every key of the table that nobody asked for.
    void finish() {
        for (const auto& [key, value] : m_table) {
            if (m_used.count(std::string(key.str())) == 0) {
                auto loc = location_of(key.source());
                if (loc.line == 0) {
                    loc = location_of(value.source());
                }
                problem(loc, fmt::format("unknown key '{}'{}", name(key.str()),
                                         m_path.empty() ? std::string(" at top level")
                                                        : " in [" + m_path + "]"));
            }
        }
    }

private:
    const toml::table& m_table;
    std::string m_path;
    Problems& m_problems;
    std::set<std::string> m_used;
};

std::uint64_t to_u64(std::optional<std::int64_t> v, std::uint64_t fallback = 0) {
    return v ? static_cast<std::uint64_t>(*v) : fallback;
}

std::string element_path(std::string_view base, std::size_t index) {
    return fmt::format("{}[{}]", base, index);
}

bool is_kebab_id(std::string_view id) {
    if (id.empty() || id.size() > 64 || id.front() == '-' || id.back() == '-') {
        return false;
    }
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

void check_min_max(TableReader& r, std::string_view min_key, std::uint64_t min,
                   std::string_view max_key, std::uint64_t max) {
    if (r.has(min_key) && r.has(max_key) && min > max) {
        r.problem(r.loc(min_key), fmt::format("'{}' ({}) is larger than '{}' ({})", r.name(min_key),
                                              min, r.name(max_key), max));
    }
}

Identity read_identity(TableReader& r) {
    Identity id;
    if (auto m = r.pattern("manufacturer_id", false, false)) {
        id.manufacturer_id = m->concrete();
        const auto& b = id.manufacturer_id;
        const bool one = b.size() == 1 && b[0] != 0x00 && b[0] < 0x7E;
        const bool three = b.size() == 3 && b[0] == 0x00 && b[1] < 0x80 && b[2] < 0x80;
        if (!one && !three) {
            r.problem(r.loc("manufacturer_id"),
                      "'identity.manufacturer_id' must be one byte 01..7D or three bytes 00 xx yy");
        }
    }
    id.answers_identity = r.boolean("answers_identity", true).value_or(false);
    id.reply_pattern = r.sysex_pattern("reply_pattern", id.answers_identity, true, true);
    if (id.reply_pattern) {
        const auto& b = id.reply_pattern->bytes();
        if (b.size() < 6 || !b[1] || *b[1] != 0x7E || !b[3] || *b[3] != 0x06 || !b[4] ||
            *b[4] != 0x02) {
            r.problem(
                r.loc("reply_pattern"),
                "'identity.reply_pattern' must look like an identity reply: F0 7E ?? 06 02 …");
        }
        if (!id.answers_identity) {
            r.problem(r.loc("reply_pattern"),
                      "'identity.reply_pattern' given but 'answers_identity' is false");
        }
    }
    id.bootloader_reply_pattern = r.sysex_pattern("bootloader_reply_pattern", false, true, true);
    id.application_hint = r.string("application_hint", false).value_or("");
    id.bootloader_hint = r.string("bootloader_hint", false).value_or("");
    id.registry_mismatch = r.boolean("registry_mismatch", false).value_or(false);
    id.note = r.string("note", false).value_or("");
    id.evidence = r.evidence();
    r.finish();
    return id;
}

Transports read_transports(TableReader& r) {
    Transports t;
    constexpr const char* kUses = "preferred, allowed, required, unsupported";
    t.usb = r.choice<LinkUse>("usb", true, parse_link_use, kUses).value_or(LinkUse::allowed);
    t.din = r.choice<LinkUse>("din", true, parse_link_use, kUses).value_or(LinkUse::allowed);
    if (auto p = r.strings("usb_port_patterns", false, true)) {
        t.usb_port_patterns = *p;
    }
    t.note = r.string("note", false).value_or("");
    t.evidence = r.evidence();
    if (r.has("usb") && r.has("din")) {
        if (t.usb == LinkUse::unsupported && t.din == LinkUse::unsupported) {
            r.problem(r.where(), "[transports]: usb and din cannot both be unsupported");
        }
        if (t.usb == t.din && (t.usb == LinkUse::preferred || t.usb == LinkUse::required)) {
            r.problem(r.where(),
                      fmt::format("[transports]: usb and din cannot both be {}", to_string(t.usb)));
        }
        if ((t.usb == LinkUse::required && t.din != LinkUse::unsupported) ||
            (t.din == LinkUse::required && t.usb != LinkUse::unsupported)) {
            r.problem(r.where(),
                      "[transports]: when one link is required the other must be unsupported");
        }
    }
    r.finish();
    return t;
}

// [firmware.grammar] (core/firmware_grammar.hpp, README "Firmware grammar").
std::optional<CrcModel> read_crc_model(TableReader& r) {
    CrcModel c;
    const auto width = r.integer("width", true, 1, 32);
    c.width = static_cast<unsigned>(width.value_or(16));
    const std::int64_t top = width ? (std::int64_t{1} << *width) - 1 : 0xFFFFFFFFLL;
    c.poly = static_cast<std::uint32_t>(r.integer("poly", true, 1, top).value_or(1));
    c.init = static_cast<std::uint32_t>(r.integer("init", true, 0, top).value_or(0));
    c.refin = r.boolean("refin", true).value_or(false);
    c.refout = r.boolean("refout", true).value_or(false);
    c.xorout = static_cast<std::uint32_t>(r.integer("xorout", true, 0, top).value_or(0));
    if (!width) {
        return std::nullopt;
    }
    return c;
}

ChecksumSpec read_checksum(TableReader& r) {
    ChecksumSpec c;
    const auto kind = r.string("kind", true).value_or("");
    if (kind == "sum") {
        c.kind = ChecksumAlgorithm::sum;
        c.sum =
            r.choice<SumForm>("sum", true, parse_sum_form, "mod-256, low-7, twos-complement-7bit")
                .value_or(SumForm::mod256);
    } else if (kind == "crc") {
        c.kind = ChecksumAlgorithm::crc;
        if (auto model = read_crc_model(r)) {
            c.crc = *model;
        }
    } else if (!kind.empty()) {
        r.problem(r.loc("kind"),
                  fmt::format("'{}' = \"{}\" is not one of: sum, crc", r.name("kind"), kind));
    }
    const auto over = r.string("over", true).value_or("decoded");
    if (over == "wire") {
        c.over = ChecksumOver::wire;
        c.from = static_cast<std::size_t>(r.integer("from", true, 0, kMaxMessageBytes).value_or(1));
    } else if (over != "decoded") {
        r.problem(r.loc("over"),
                  fmt::format("'{}' = \"{}\" is not one of: wire, decoded", r.name("over"), over));
    }
    const auto place = r.string("place", true).value_or("payload-tail");
    if (place == "payload-tail") {
        c.place = ChecksumPlace::payload_tail;
        c.bytes = static_cast<std::size_t>(r.integer("bytes", true, 1, 4).value_or(1));
        if (c.over == ChecksumOver::wire) {
            r.problem(r.loc("place"), fmt::format("'{}': a checksum over the wire bytes cannot be "
                                                  "carried inside the payload it covers",
                                                  r.name("place")));
        }
    } else if (place == "trailing") {
        c.place = ChecksumPlace::trailing;
        c.split_bits.clear();
        const toml::node* n = r.node("split_bits", true);
        const auto* a = n != nullptr ? n->as_array() : nullptr;
        unsigned total = 0;
        if (n != nullptr && (a == nullptr || a->empty())) {
            r.problem(location_of(n->source()),
                      fmt::format("'{}' must be a non-empty array of integers 1..7",
                                  r.name("split_bits")));
        } else if (a != nullptr) {
            for (const auto& e : *a) {
                const auto* i = e.as_integer();
                if (i == nullptr || i->get() < 1 || i->get() > 7) {
                    r.problem(location_of(e.source()),
                              fmt::format("elements of '{}' must be integers 1..7 (bits carried "
                                          "per 7-bit byte)",
                                          r.name("split_bits")));
                    continue;
                }
                c.split_bits.push_back(static_cast<unsigned>(i->get()));
                total += static_cast<unsigned>(i->get());
            }
        }
        const unsigned width = c.kind == ChecksumAlgorithm::crc ? c.crc.width
                               : c.sum == SumForm::mod256       ? 8U
                                                                : 7U;
        if (!c.split_bits.empty() && total < width) {
            r.problem(r.loc("split_bits"), fmt::format("'{}' carries {} bits; the checksum has {}",
                                                       r.name("split_bits"), total, width));
        }
    } else {
        r.problem(r.loc("place"), fmt::format("'{}' = \"{}\" is not one of: payload-tail, trailing",
                                              r.name("place"), place));
    }
    r.finish();
    return c;
}

FieldSpec read_field_spec(TableReader& r) {
    FieldSpec f;
    f.name = r.string("name", true).value_or("");
    f.encoding = r.choice<FieldEncoding>("encoding", true, parse_field_encoding,
                                         "7bit-msb-first, 7bit-lsb-first, nibbles-high-first, "
                                         "nibbles-low-first, digits")
                     .value_or(FieldEncoding::msb_first_7bit);
    const std::int64_t max_bytes = f.encoding == FieldEncoding::digits ? 9
                                   : f.encoding == FieldEncoding::nibbles_high_first ||
                                           f.encoding == FieldEncoding::nibbles_low_first
                                       ? 8
                                       : 5;
    f.bytes = static_cast<std::size_t>(r.integer("bytes", true, 1, max_bytes).value_or(1));
    f.scale = to_u64(r.integer("scale", false, 1, 1 << 20), 1);
    if (auto mask = r.integer("mask", false, 1, 0x7F)) {
        f.mask = static_cast<std::uint8_t>(*mask);
        f.equals = static_cast<std::uint8_t>(r.integer("equals", true, 0, 0x7F).value_or(0));
        if ((f.equals & ~f.mask) != 0) {
            r.problem(r.loc("equals"),
                      fmt::format("'{}' has bits outside '{}'", r.name("equals"), r.name("mask")));
        }
    }
    if (auto v = r.integer("value", false, 0, std::numeric_limits<std::int64_t>::max())) {
        f.value = static_cast<std::uint64_t>(*v);
    }
    f.role = r.choice<FieldRole>("role", false, parse_field_role,
                                 "none, block-number, address, payload-bytes, block-bytes, "
                                 "image-bytes, image-crc, version")
                 .value_or(FieldRole::none);
    r.finish();
    return f;
}

MessageType read_message_type(TableReader& r) {
    MessageType t;
    t.id = r.string("id", true).value_or("");
    t.description = r.string("description", true).value_or("");
    if (const toml::node* n = r.node("headers", true)) {
        const auto* a = n->as_array();
        if (a == nullptr || a->empty()) {
            r.problem(
                location_of(n->source()),
                fmt::format("'{}' must be a non-empty array of hex strings", r.name("headers")));
        } else {
            for (const auto& e : *a) {
                const auto* s = e.as_string();
                auto p =
                    s != nullptr
                        ? BytePattern::parse(s->get())
                        : Result<BytePattern>(make_error(ErrorCode::invalid_data, "not a string"));
                if (!p || p->empty() || !p->bytes().front() || *p->bytes().front() != 0xF0) {
                    r.problem(location_of(e.source()),
                              fmt::format("'{}': {}", r.name("headers"),
                                          p ? std::string("each header must start with F0")
                                            : "not valid hex: " + p.error().message));
                    continue;
                }
                if (!t.headers.empty() && p->size() != t.headers.front().size()) {
                    r.problem(location_of(e.source()),
                              fmt::format("'{}': alternative headers must have the same length",
                                          r.name("headers")));
                    continue;
                }
                t.headers.push_back(std::move(p).value());
            }
        }
    }
    t.exact = r.boolean("exact", false).value_or(false);
    t.image_data = r.boolean("image_data", false).value_or(false);
    if (t.exact) {
        for (const auto& h : t.headers) {
            const auto& b = h.bytes();
            if (h.has_wildcards() || !b.back() || *b.back() != 0xF7) {
                r.problem(r.loc("headers"),
                          fmt::format("'{}': an exact message is a complete message ending F7, "
                                      "without ??",
                                      r.name("headers")));
                break;
            }
        }
    }
    if (auto payload = r.choice<PayloadEncoding>("payload", false, parse_payload_encoding,
                                                 "raw7, nibbles, groups, bitstream7")) {
        t.codec.encoding = *payload;
        if (*payload == PayloadEncoding::nibbles) {
            t.codec.high_nibble_first = r.boolean("high_nibble_first", true).value_or(true);
        } else if (*payload == PayloadEncoding::groups) {
            t.codec.group_bytes =
                static_cast<std::size_t>(r.integer("group_bytes", true, 1, 7).value_or(7));
            const auto where = r.string("high_bits", true).value_or("before");
            if (where != "before" && where != "after") {
                r.problem(r.loc("high_bits"),
                          fmt::format("'{}' = \"{}\" is not one of: before, after",
                                      r.name("high_bits"), where));
            }
            t.codec.high_bits_before = where == "before";
            const auto bit = r.integer("first_byte_bit", true, 0, 6).value_or(0);
            t.codec.first_byte_in_low_bit = bit == 0;
            if (bit != 0 && static_cast<std::size_t>(bit) != t.codec.group_bytes - 1) {
                r.problem(r.loc("first_byte_bit"),
                          fmt::format("'{}' must be 0 or group_bytes − 1 ({})",
                                      r.name("first_byte_bit"), t.codec.group_bytes - 1));
            }
        }
        t.payload_bytes = to_u64(r.integer("payload_bytes", false, 1, kMaxMessageBytes));
        t.max_payload_bytes = to_u64(r.integer("max_payload_bytes", false, 1, kMaxMessageBytes));
        if (const auto records = r.string("records", false)) {
            t.intel_hex_records = *records == "intel-hex";
            if (!t.intel_hex_records) {
                r.problem(r.loc("records"), fmt::format("'{}' = \"{}\" is not one of: intel-hex",
                                                        r.name("records"), *records));
            } else {
                t.records_padding = static_cast<std::size_t>(
                    r.integer("records_padding", false, 0, 65536).value_or(0));
            }
            if (t.intel_hex_records && *payload != PayloadEncoding::raw7) {
                r.problem(r.loc("records"),
                          fmt::format("'{}': Intel HEX text travels as raw7", r.name("records")));
            }
        }
    } else if (t.image_data) {
        r.problem(r.where(), fmt::format("[{}]: image data needs a 'payload' encoding", r.path()));
    }
    const auto fields = r.tables("fields", false);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        TableReader fr(*fields[i], element_path(r.path() + ".fields", i), r.problems());
        t.fields.push_back(read_field_spec(fr));
    }
    if (t.exact && (!t.fields.empty() || r.has("payload"))) {
        r.problem(r.where(),
                  fmt::format("[{}]: an exact message has no fields or payload", r.path()));
    }
    if (r.has("payload") && !t.exact) {
        const bool declared = t.has_field(FieldRole::payload_bytes);
        if (declared && t.max_payload_bytes == 0) {
            r.problem(r.where(), fmt::format("[{}]: a payload-bytes field needs "
                                             "'max_payload_bytes'",
                                             r.path()));
        } else if (!declared && t.payload_bytes == 0 && t.max_payload_bytes == 0) {
            r.problem(r.where(), fmt::format("[{}]: give 'payload_bytes' (decoded data bytes "
                                             "per message), a payload-bytes field, or "
                                             "'max_payload_bytes' for a payload that runs to "
                                             "the end",
                                             r.path()));
        }
    }
    if (const auto* c = r.table("checksum", false)) {
        TableReader cr(*c, r.path() + ".checksum", r.problems());
        t.checksum = read_checksum(cr);
        if (!r.has("payload") && t.checksum.place == ChecksumPlace::payload_tail) {
            r.problem(cr.where(), fmt::format("[{}.checksum]: carried in the payload, but the "
                                              "message has no payload",
                                              r.path()));
        }
    }
    t.evidence = r.evidence();
    r.finish();
    return t;
}

std::shared_ptr<const FirmwareGrammar> read_grammar(TableReader& r) {
    auto g = std::make_shared<FirmwareGrammar>();
    g->name = r.string("name", true).value_or("");
    g->block_noun = r.string("block_noun", false).value_or("block");
    g->order = r.choice<BlockOrder>("order", true, parse_block_order,
                                    "as-sent, ascending, descending, first-block-last, by-address")
                   .value_or(BlockOrder::as_sent);
    g->bad_block =
        r.choice<BadBlockBehaviour>("bad_block", true, parse_bad_block_behaviour,
                                    "unknown, skipped-silently, stops-with-error, answers-error")
            .value_or(BadBlockBehaviour::unknown);
    g->bad_block_display = r.string("bad_block_display", false).value_or("");
    g->evidence = r.evidence();
    const auto types = r.tables("messages", true);
    for (std::size_t i = 0; i < types.size(); ++i) {
        TableReader tr(*types[i], element_path("firmware.grammar.messages", i), r.problems());
        auto type = read_message_type(tr);
        if (!type.id.empty() && g->find(type.id) != nullptr) {
            tr.problem(tr.loc("id"), fmt::format("message type \"{}\" is defined twice", type.id));
        }
        g->messages.push_back(std::move(type));
    }
    if (auto seq = r.strings("sequence", true)) {
        for (const auto& text : *seq) {
            SequenceItem item;
            item.type = text;
            if (!text.empty() && (text.back() == '+' || text.back() == '*' || text.back() == '?')) {
                const char q = text.back();
                item.type.pop_back();
                item.min = q == '+' ? 1 : 0;
                item.max = q == '?' ? 1 : std::numeric_limits<std::size_t>::max();
            }
            if (g->find(item.type) == nullptr) {
                r.problem(r.loc("sequence"),
                          fmt::format("'{}': \"{}\" names no [[firmware.grammar.messages]] id",
                                      r.name("sequence"), item.type));
            }
            g->sequence.push_back(item);
        }
    }
    const bool numbered = std::any_of(g->messages.begin(), g->messages.end(), [](const auto& t) {
        return t.image_data && t.has_field(FieldRole::block_number);
    });
    const bool addressed = std::any_of(g->messages.begin(), g->messages.end(), [](const auto& t) {
        return t.image_data && t.has_field(FieldRole::address);
    });
    if ((g->order == BlockOrder::ascending || g->order == BlockOrder::descending) && !numbered) {
        r.problem(r.loc("order"), fmt::format("'{}' = \"{}\" needs a block-number field in the "
                                              "data messages",
                                              r.name("order"), to_string(g->order)));
    }
    if (g->order == BlockOrder::by_address && !addressed) {
        r.problem(r.loc("order"), fmt::format("'{}' = \"by-address\" needs an address field in "
                                              "the data messages",
                                              r.name("order")));
    }
    if (const auto* t = r.table("image_crc", false)) {
        TableReader cr(*t, "firmware.grammar.image_crc", r.problems());
        g->image_crc = read_crc_model(cr);
        cr.finish();
    }
    r.finish();
    return g;
}

FirmwareRules read_firmware(TableReader& r) {
    FirmwareRules f;
    f.supported = r.boolean("supported", true).value_or(false);
    const bool req = f.supported;
    f.unsupported_reason = r.string("reason", !f.supported).value_or("");
    if (r.has("message_prefixes")) {
        if (const toml::node* n = r.node("message_prefixes", true)) {
            const auto* a = n->as_array();
            if (a == nullptr || a->empty()) {
                r.problem(location_of(n->source()),
                          "'firmware.message_prefixes' must be a non-empty array of hex strings");
            } else {
                for (const auto& element : *a) {
                    const auto* s = element.as_string();
                    auto p = s != nullptr ? BytePattern::parse(s->get())
                                          : Result<BytePattern>(make_error(ErrorCode::invalid_data,
                                                                           "not a string"));
                    if (!p || !p->bytes().front() || *p->bytes().front() != 0xF0) {
                        r.problem(location_of(element.source()),
                                  fmt::format("'firmware.message_prefixes': {}",
                                              p ? std::string("each prefix must start with F0")
                                                : "not valid hex: " + p.error().message));
                        continue;
                    }
                    f.message_prefixes.push_back(std::move(p).value());
                }
            }
        }
    } else if (req) {
        r.node("message_prefixes", true);
    }
    f.min_message_bytes = to_u64(r.integer("min_message_bytes", req, 2, kMaxMessageBytes));
    f.max_message_bytes = to_u64(r.integer("max_message_bytes", req, 2, kMaxMessageBytes));
    check_min_max(r, "min_message_bytes", f.min_message_bytes, "max_message_bytes",
                  f.max_message_bytes);
    f.min_messages = to_u64(r.integer("min_messages", req, 1, kMaxMessages));
    f.max_messages = to_u64(r.integer("max_messages", req, 1, kMaxMessages));
    check_min_max(r, "min_messages", f.min_messages, "max_messages", f.max_messages);
    f.final_message = r.sysex_pattern("final_message", false, true, true);
    f.checksum = r.choice<FirmwareChecksum>("checksum", req, parse_firmware_checksum,
                                            "none, unknown, twos-complement-7bit, grammar")
                     .value_or(FirmwareChecksum::unknown);
    f.checksum_from = to_u64(r.integer("checksum_from", false, 1, kMaxMessageBytes), 1);
    f.max_file_bytes = to_u64(r.integer("max_file_bytes", req, 1, kMaxMessageBytes));
    if (auto steps = r.strings("bootloader_steps", req)) {
        f.bootloader_steps = *steps;
    }
    f.note = r.string("note", false).value_or("");
    f.evidence = r.evidence();
    const auto not_firmware = r.tables("not_firmware", false);
    for (std::size_t i = 0; i < not_firmware.size(); ++i) {
        TableReader nr(*not_firmware[i], element_path("firmware.not_firmware", i), r.problems());
        NotFirmware nf;
        if (auto prefix = nr.sysex_pattern("prefix", true)) {
            nf.prefix = *prefix;
        }
        if (auto size = nr.integer("size", false, 2, kMaxMessageBytes)) {
            nf.size = static_cast<std::uint64_t>(*size);
        }
        nf.what = nr.string("what", true).value_or("");
        nf.evidence = nr.evidence();
        nr.finish();
        f.not_firmware.push_back(std::move(nf));
    }
    const auto releases = r.tables("releases", false);
    for (std::size_t i = 0; i < releases.size(); ++i) {
        TableReader rr(*releases[i], element_path("firmware.releases", i), r.problems());
        FirmwareRelease release;
        release.version = rr.string("version", true).value_or("");
        if (auto hash = rr.string("sha256", true)) {
            bool good = hash->size() == 64;
            for (std::size_t k = 0; good && k < 32; ++k) {
                auto byte = BytePattern::parse(hash->substr(k * 2, 2), false);
                good = byte.ok();
                if (good) {
                    release.sha256[k] = byte->concrete()[0];
                }
            }
            if (!good) {
                rr.problem(rr.loc("sha256"), fmt::format("'{}' must be 64 hex digits (a SHA-256)",
                                                         rr.name("sha256")));
            }
        }
        release.source = rr.string("source", true).value_or("");
        release.evidence.confidence = rr.choice<Confidence>("confidence", true, parse_confidence,
                                                            "confirmed, reported, modelled")
                                          .value_or(Confidence::modelled);
        release.evidence.source = release.source;
        rr.finish();
        f.releases.push_back(std::move(release));
    }
    if (const auto* t = r.table("grammar", false)) {
        TableReader gr(*t, "firmware.grammar", r.problems());
        f.grammar = read_grammar(gr);
    } else if (f.checksum == FirmwareChecksum::grammar) {
        r.problem(r.loc("checksum"), "'firmware.checksum' = \"grammar\" needs a [firmware.grammar] "
                                     "table that describes it");
    }
    r.finish();
    return f;
}

std::optional<LinkPacing> read_link_pacing(TableReader& r, Link link) {
    LinkPacing p;
    p.rules.gap_after_message =
        std::chrono::milliseconds(r.integer("gap_ms", true, 0, kMaxGapMs).value_or(0));
    if (auto rate = r.integer("max_bytes_per_second", false, 1,
                              link == Link::din ? kDinBytesPerSecond : kMaxBytesPerSecond)) {
        p.rules.max_bytes_per_second = static_cast<std::uint32_t>(*rate);
    }
    p.rules.chunk_bytes = static_cast<std::uint32_t>(
        r.integer("chunk_bytes", false, 0, kMaxMessageBytes).value_or(0));
    if (link == Link::usb && p.rules.chunk_bytes % kUsbMidiSysexBytesPerPacket != 0) {
        r.problem(r.loc("chunk_bytes"),
                  fmt::format("'{}' = {} must be a multiple of 3 (USB-MIDI carries 3 SysEx bytes "
                              "per packet)",
                              r.name("chunk_bytes"), p.rules.chunk_bytes));
    }
    p.rules.settle_before_first = std::chrono::milliseconds(
        r.integer("settle_before_first_ms", false, 0, kMaxSettleMs).value_or(0));
    p.rules.settle_after_last = std::chrono::milliseconds(
        r.integer("settle_after_last_ms", false, 0, kMaxSettleMs).value_or(0));
    p.note = r.string("note", false).value_or("");
    p.evidence = r.evidence();
    r.finish();
    return p;
}

// [pacing.handshake.nak_codes]: "<hex byte>" = "<documented meaning>", only with a nak_pattern.
void read_nak_codes(TableReader& hr, Handshake& handshake) {
    const auto* codes = hr.table("nak_codes", false);
    if (codes == nullptr) {
        return;
    }
    if (!handshake.nak_pattern) {
        hr.problem(hr.loc("nak_codes"),
                   "'pacing.handshake.nak_codes' needs a 'nak_pattern' (the code is the byte "
                   "right after it)");
    }
    for (const auto& [key, value] : *codes) {
        const auto loc = location_of(value.source());
        const std::string code(key.str());
        const auto parsed = BytePattern::parse(code, false);
        const auto* meaning = value.as_string();
        if (!parsed || parsed->size() != 1 || code.size() != 2) {
            hr.problem(loc, fmt::format("'pacing.handshake.nak_codes' key '{}' must be one hex "
                                        "byte such as \"03\"",
                                        code));
        } else if (meaning == nullptr || meaning->get().empty()) {
            hr.problem(loc, fmt::format("'pacing.handshake.nak_codes.{}' must be a non-empty "
                                        "string (what the code means)",
                                        code));
        } else if (const auto byte = *parsed->bytes().front(); byte > 0x7F) {
            hr.problem(loc, fmt::format("'pacing.handshake.nak_codes' key '{}' is not a 7-bit "
                                        "data byte",
                                        code));
        } else {
            handshake.nak_codes[byte] = meaning->get();
        }
    }
}

Pacing read_pacing(TableReader& r, const Transports& transports) {
    Pacing p;
    p.user_supplied = r.boolean("user_supplied", false).value_or(false);
    for (Link link : {Link::usb, Link::din}) {
        const char* key = to_string(link);
        const bool needed = transports.allows(link);
        if (const auto* t = r.table(key, needed)) {
            TableReader lr(*t, r.name(key), r.problems());
            auto lp = read_link_pacing(lr, link);
            (link == Link::usb ? p.usb : p.din) = std::move(lp);
        }
    }
    if (const auto* t = r.table("handshake", false)) {
        TableReader hr(*t, "pacing.handshake", r.problems());
        p.handshake.kind = hr.choice<HandshakeKind>(
                                 "kind", true,
                                 [](std::string_view s) -> std::optional<HandshakeKind> {
                                     if (s == "none") {
                                         return HandshakeKind::none;
                                     }
                                     if (s == "ack") {
                                         return HandshakeKind::ack;
                                     }
                                     return std::nullopt;
                                 },
                                 "none, ack")
                               .value_or(HandshakeKind::none);
        const bool ack = p.handshake.kind == HandshakeKind::ack;
        p.handshake.ack_pattern = hr.sysex_pattern("ack_pattern", ack);
        p.handshake.nak_pattern = hr.sysex_pattern("nak_pattern", false);
        read_nak_codes(hr, p.handshake);
        p.handshake.timeout =
            std::chrono::milliseconds(hr.integer("timeout_ms", ack, 1, kMaxSettleMs).value_or(0));
        p.handshake.evidence = hr.evidence();
        hr.finish();
    }
    r.finish();
    return p;
}

BackupProcedure read_backup(TableReader& r) {
    BackupProcedure b;
    b.kind = r.choice<BackupKind>("kind", true, parse_backup_kind,
                                  "automatic, manual, record-many, none")
                 .value_or(BackupKind::none);
    const bool none = b.kind == BackupKind::none;
    b.reason = r.string("reason", r.has("kind") && none).value_or("");
    if (auto steps =
            r.strings("steps", b.kind == BackupKind::manual || b.kind == BackupKind::record_many)) {
        b.steps = *steps;
    }
    b.evidence = r.evidence();
    const auto requests = r.tables("requests", b.kind == BackupKind::automatic);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        TableReader q(*requests[i], element_path("backup.requests", i), r.problems());
        DumpRequest d;
        d.description = q.string("description", true).value_or("");
        if (auto send = q.sysex_pattern("send", true, false, true)) {
            d.request = send->concrete();
        }
        if (auto reply = q.sysex_pattern("reply_prefix", true)) {
            d.reply_prefix = *reply;
        }
        d.reply_min_bytes = to_u64(q.integer("reply_min_bytes", true, 2, kMaxMessageBytes));
        d.reply_max_bytes = to_u64(q.integer("reply_max_bytes", true, 2, kMaxMessageBytes));
        check_min_max(q, "reply_min_bytes", d.reply_min_bytes, "reply_max_bytes",
                      d.reply_max_bytes);
        d.reply_count =
            static_cast<std::uint32_t>(q.integer("reply_count", false, 1, 100000).value_or(1));
        d.timeout =
            std::chrono::milliseconds(q.integer("timeout_ms", true, 1, kMaxSettleMs).value_or(0));
        d.evidence = q.evidence();
        q.finish();
        b.requests.push_back(std::move(d));
    }
    const auto expects = r.tables("expect", !none);
    for (std::size_t i = 0; i < expects.size(); ++i) {
        TableReader q(*expects[i], element_path("backup.expect", i), r.problems());
        ExpectedMessage e;
        e.description = q.string("description", true).value_or("");
        if (auto prefix = q.sysex_pattern("prefix", true)) {
            e.prefix = *prefix;
        }
        e.min_bytes = to_u64(q.integer("min_bytes", true, 2, kMaxMessageBytes));
        e.max_bytes = to_u64(q.integer("max_bytes", true, 2, kMaxMessageBytes));
        check_min_max(q, "min_bytes", e.min_bytes, "max_bytes", e.max_bytes);
        e.evidence = q.evidence();
        q.finish();
        b.expect.push_back(std::move(e));
    }
    if (const auto* t = r.table("completeness", !none)) {
        TableReader c(*t, "backup.completeness", r.problems());
        auto& rule = b.completeness;
        rule.kind =
            c.choice<CompletenessKind>(
                 "kind", true,
                 [](std::string_view s) -> std::optional<CompletenessKind> {
                     for (auto k : {CompletenessKind::single_message, CompletenessKind::count,
                                    CompletenessKind::indexed, CompletenessKind::user_says_done}) {
                         if (s == to_string(k)) {
                             return k;
                         }
                     }
                     return std::nullopt;
                 },
                 "single-message, count, indexed, user-says-done")
                .value_or(CompletenessKind::single_message);
        const bool indexed = rule.kind == CompletenessKind::indexed;
        rule.count =
            to_u64(c.integer("count", rule.kind == CompletenessKind::count, 1, kMaxMessages));
        rule.index_offset = to_u64(c.integer("index_offset", indexed, 1, kMaxMessageBytes));
        rule.index_first =
            static_cast<std::uint8_t>(c.integer("index_first", indexed, 0, 127).value_or(0));
        rule.index_last =
            static_cast<std::uint8_t>(c.integer("index_last", indexed, 0, 127).value_or(0));
        rule.index_step =
            static_cast<std::uint8_t>(c.integer("index_step", false, 1, 127).value_or(1));
        check_min_max(c, "index_first", rule.index_first, "index_last", rule.index_last);
        if (auto g = c.integer("group_offset", false, 1, kMaxMessageBytes)) {
            rule.group_offset = static_cast<std::uint64_t>(*g);
        }
        if (auto g = c.integer("required_groups_offset", false, 1, kMaxMessageBytes)) {
            rule.required_groups_offset = static_cast<std::uint64_t>(*g);
            rule.required_groups_value = static_cast<std::uint8_t>(
                c.integer("required_groups_value", true, 0, 127).value_or(0));
            rule.required_groups_first = static_cast<std::uint8_t>(
                c.integer("required_groups_first", true, 0, 127).value_or(0));
            rule.required_groups_last = static_cast<std::uint8_t>(
                c.integer("required_groups_last", true, 0, 127).value_or(0));
            check_min_max(c, "required_groups_first", rule.required_groups_first,
                          "required_groups_last", rule.required_groups_last);
        }
        rule.description = c.string("description", true).value_or("");
        rule.evidence = c.evidence();
        c.finish();
        if (b.kind == BackupKind::record_many && rule.kind != CompletenessKind::user_says_done) {
            r.problem(c.where(),
                      "[backup.completeness]: a record-many backup ends when the user says "
                      "done (kind = \"user-says-done\")");
        }
    }
    r.finish();
    return b;
}

RestoreRules read_restore(TableReader& r) {
    RestoreRules rr;
    rr.kind =
        r.choice<RestoreKind>(
             "kind", true,
             [](std::string_view s) -> std::optional<RestoreKind> {
                 for (auto k : {RestoreKind::send_back, RestoreKind::refused, RestoreKind::none}) {
                     if (s == to_string(k)) {
                         return k;
                     }
                 }
                 return std::nullopt;
             },
             "send-back, refused, none")
            .value_or(RestoreKind::none);
    rr.refusal = r.string("refusal", rr.kind == RestoreKind::refused && r.has("kind")).value_or("");
    if (auto steps = r.strings("after_steps", false)) {
        rr.after_steps = *steps;
    }
    rr.note = r.string("note", false).value_or("");
    rr.evidence = r.evidence();
    const auto rewrites = r.tables("rewrites", false);
    for (std::size_t i = 0; i < rewrites.size(); ++i) {
        TableReader w(*rewrites[i], element_path("restore.rewrites", i), r.problems());
        ByteRewrite bw;
        if (auto p = w.sysex_pattern("applies_to", true)) {
            bw.applies_to = *p;
        }
        bw.offset = to_u64(w.integer("offset", true, 1, kMaxMessageBytes));
        bw.value = static_cast<std::uint8_t>(w.integer("value", true, 0, 127).value_or(0));
        bw.ask_user = w.boolean("ask_user", false).value_or(true);
        bw.description = w.string("description", true).value_or("");
        bw.evidence = w.evidence();
        w.finish();
        rr.rewrites.push_back(std::move(bw));
    }
    r.finish();
    return rr;
}

void read_manifest(const toml::table& root, Problems& problems, Manifest& m) {
    TableReader r(root, "", problems);
    (void)r.integer("schema", true, kManifestSchemaVersion, kManifestSchemaVersion);
    if (auto id = r.string("id", true)) {
        if (!is_kebab_id(*id)) {
            r.problem(r.loc("id"), fmt::format("'id' = \"{}\" must be lower-case kebab-case "
                                               "(a-z, 0-9, '-'), at most 64 characters",
                                               *id));
        }
        m.id = *id;
    }
    m.name = r.string("name", true).value_or("");
    m.maker = r.string("maker", true).value_or("");
    m.summary = r.string("summary", false).value_or("");

    if (const auto* t = r.table("identity", true)) {
        TableReader s(*t, "identity", problems);
        m.identity = read_identity(s);
    }
    if (const auto* t = r.table("transports", true)) {
        TableReader s(*t, "transports", problems);
        m.transports = read_transports(s);
    }
    if (const auto* t = r.table("firmware", true)) {
        TableReader s(*t, "firmware", problems);
        m.firmware = read_firmware(s);
    }
    if (const auto* t = r.table("pacing", true)) {
        TableReader s(*t, "pacing", problems);
        m.pacing = read_pacing(s, m.transports);
    }
    if (const auto* t = r.table("backup", true)) {
        TableReader s(*t, "backup", problems);
        m.backup = read_backup(s);
    }
    if (const auto* t = r.table("restore", true)) {
        TableReader s(*t, "restore", problems);
        m.restore = read_restore(s);
    }

    std::vector<Location> plan_locations;
    const auto plans = r.tables("recovery", true);
    for (std::size_t i = 0; i < plans.size(); ++i) {
        TableReader p(*plans[i], element_path("recovery", i), problems);
        RecoveryPlan plan;
        plan.id = p.string("id", true).value_or("");
        if (!plan.id.empty()) {
            if (!is_kebab_id(plan.id) || plan.id == kNoPlan) {
                p.problem(p.loc("id"),
                          fmt::format("'{}' = \"{}\" must be kebab-case and not \"none\"",
                                      p.name("id"), plan.id));
            } else if (m.find_plan(plan.id) != nullptr) {
                p.problem(p.loc("id"),
                          fmt::format("recovery plan id \"{}\" is used twice", plan.id));
            }
        }
        plan.title = p.string("title", true).value_or("");
        if (auto steps = p.strings("steps", true)) {
            plan.steps = *steps;
        }
        plan.terminal = p.boolean("terminal", false).value_or(false);
        if (auto phases = p.strings("phases", true)) {
            for (const auto& text : *phases) {
                if (auto phase = parse_phase(text)) {
                    plan.phases.push_back(*phase);
                } else {
                    p.problem(p.loc("phases"),
                              fmt::format("'{}': \"{}\" is not one of: identify, backup, "
                                          "enter-bootloader, transfer, verify, restore",
                                          p.name("phases"), text));
                }
            }
        }
        plan.evidence = p.evidence();
        p.finish();
        plan_locations.push_back(p.where());
        m.recovery.push_back(std::move(plan));
    }

    const auto displays = r.tables("display", false);
    for (std::size_t i = 0; i < displays.size(); ++i) {
        TableReader d(*displays[i], element_path("display", i), problems);
        DisplayMessage msg;
        msg.text = d.string("text", true).value_or("");
        msg.meaning = d.string("meaning", true).value_or("");
        msg.outcome = d.choice<DisplayOutcome>(
                           "outcome", true,
                           [](std::string_view s) -> std::optional<DisplayOutcome> {
                               for (auto o : {DisplayOutcome::progress, DisplayOutcome::success,
                                              DisplayOutcome::error}) {
                                   if (s == to_string(o)) {
                                       return o;
                                   }
                               }
                               return std::nullopt;
                           },
                           "progress, success, error")
                          .value_or(DisplayOutcome::progress);
        msg.plan = d.string("plan", true).value_or("");
        if (!msg.plan.empty()) {
            if (msg.plan == kNoPlan) {
                if (msg.outcome == DisplayOutcome::error) {
                    d.problem(d.loc("plan"), fmt::format("display message \"{}\" is an error and "
                                                         "needs a recovery plan, not \"none\"",
                                                         msg.text));
                }
            } else if (m.find_plan(msg.plan) == nullptr) {
                d.problem(d.loc("plan"), fmt::format("display message \"{}\" names recovery plan "
                                                     "\"{}\", which is not defined in [[recovery]]",
                                                     msg.text, msg.plan));
            }
        }
        if (!msg.text.empty() && m.find_display(msg.text) != nullptr) {
            d.problem(d.loc("text"),
                      fmt::format("display message \"{}\" is listed twice", msg.text));
        }
        msg.evidence = d.evidence();
        d.finish();
        m.display.push_back(std::move(msg));
    }
    r.finish();

    // Cross-field rules that need the whole manifest.
    if (problems.count() == 0) {
        for (Phase phase : m.critical_phases()) {
            if (m.plan_for_phase(phase) == nullptr) {
                problems.add(plan_locations.empty() ? Location{1, 1} : plan_locations.front(),
                             fmt::format("no [[recovery]] plan covers the critical phase \"{}\"",
                                         to_string(phase)));
            }
        }
    }
}

} // namespace

ManifestLoad parse_manifest(std::string_view toml_text, const std::string& file) {
    ManifestLoad load;
    Problems problems(file, load.problems);
    toml::table root;
    try {
        root = toml::parse(toml_text, std::string_view(file));
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        problems.add({begin.line, begin.column},
                     fmt::format("TOML syntax error: {}", std::string(e.description())));
        return load;
    } catch (const std::exception& e) {
        problems.add({0, 0}, fmt::format("could not parse: {}", e.what()));
        return load;
    }
    Manifest m;
    read_manifest(root, problems, m);
    std::stable_sort(
        load.problems.begin(), load.problems.end(),
        [](const ManifestProblem& a, const ManifestProblem& b) { return a.line < b.line; });
    if (load.problems.empty()) {
        load.manifest = std::move(m);
    }
    return load;
}

} // namespace syx
