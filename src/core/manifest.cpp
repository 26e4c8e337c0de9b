#include "core/manifest.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

namespace syx {

const char* to_string(Confidence confidence) {
    switch (confidence) {
    case Confidence::confirmed:
        return "confirmed";
    case Confidence::reported:
        return "reported";
    case Confidence::modelled:
        return "modelled";
    }
    return "modelled";
}

std::optional<Confidence> parse_confidence(std::string_view text) {
    if (text == "confirmed") {
        return Confidence::confirmed;
    }
    if (text == "reported") {
        return Confidence::reported;
    }
    if (text == "modelled") {
        return Confidence::modelled;
    }
    return std::nullopt;
}

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

std::string normalise_display(std::string_view text) {
    std::string out;
    bool pending_space = false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u) != 0 || c == '_') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out.push_back(' ');
            pending_space = false;
        }
        out.push_back(static_cast<char>(std::toupper(u)));
    }
    return out;
}

} // namespace

Result<BytePattern> BytePattern::parse(std::string_view text, bool allow_wildcards) {
    std::vector<std::optional<std::uint8_t>> bytes;
    std::size_t i = 0;
    std::size_t token_number = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && !is_space(text[end])) {
            ++end;
        }
        std::string_view token = text.substr(i, end - i);
        ++token_number;
        if (token.size() > 2 && (token.substr(0, 2) == "0x" || token.substr(0, 2) == "0X")) {
            token.remove_prefix(2);
        }
        if (token == "??") {
            if (!allow_wildcards) {
                return make_error(ErrorCode::invalid_data,
                                  fmt::format("byte {} is '?\?' but wildcards are not allowed here",
                                              token_number));
            }
            bytes.emplace_back(std::nullopt);
        } else if (token.size() == 2 && hex_digit(token[0]) >= 0 && hex_digit(token[1]) >= 0) {
            bytes.emplace_back(
                static_cast<std::uint8_t>(hex_digit(token[0]) * 16 + hex_digit(token[1])));
        } else {
            return make_error(ErrorCode::invalid_data,
                              fmt::format("byte {} '{}' is not two hex digits{}", token_number,
                                          std::string(token), allow_wildcards ? " or '?\?'" : ""));
        }
        i = end;
    }
    if (bytes.empty()) {
        return make_error(ErrorCode::invalid_data, "no bytes given");
    }
    return BytePattern(std::move(bytes));
}

bool BytePattern::has_wildcards() const {
    return std::any_of(m_bytes.begin(), m_bytes.end(),
                       [](const auto& b) { return !b.has_value(); });
}

std::optional<std::size_t> BytePattern::first_mismatch(std::span<const std::uint8_t> data) const {
    for (std::size_t i = 0; i < m_bytes.size(); ++i) {
        if (i >= data.size()) {
            return data.size();
        }
        if (m_bytes[i] && *m_bytes[i] != data[i]) {
            return i;
        }
    }
    return std::nullopt;
}

bool BytePattern::matches_prefix(std::span<const std::uint8_t> data) const {
    return !first_mismatch(data).has_value();
}

bool BytePattern::matches_exactly(std::span<const std::uint8_t> data) const {
    return data.size() == m_bytes.size() && matches_prefix(data);
}

bool BytePattern::overlaps_as_prefix(const BytePattern& other) const {
    const std::size_t n = std::min(size(), other.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto& a = m_bytes[i];
        const auto& b = other.m_bytes[i];
        if (a && b && *a != *b) {
            return false;
        }
    }
    return true;
}

std::vector<std::uint8_t> BytePattern::concrete(std::uint8_t fill) const {
    std::vector<std::uint8_t> out;
    out.reserve(m_bytes.size());
    for (const auto& b : m_bytes) {
        out.push_back(b.value_or(fill));
    }
    return out;
}

std::string BytePattern::to_string() const {
    std::string out;
    for (const auto& b : m_bytes) {
        if (!out.empty()) {
            out.push_back(' ');
        }
        out += b ? fmt::format("{:02X}", *b) : std::string("??");
    }
    return out;
}

const char* to_string(LinkUse use) {
    switch (use) {
    case LinkUse::preferred:
        return "preferred";
    case LinkUse::allowed:
        return "allowed";
    case LinkUse::required:
        return "required";
    case LinkUse::unsupported:
        return "unsupported";
    }
    return "allowed";
}

std::optional<LinkUse> parse_link_use(std::string_view text) {
    for (auto use :
         {LinkUse::preferred, LinkUse::allowed, LinkUse::required, LinkUse::unsupported}) {
        if (text == to_string(use)) {
            return use;
        }
    }
    return std::nullopt;
}

Link Transports::preferred_link() const {
    auto rank = [](LinkUse use) {
        switch (use) {
        case LinkUse::required:
            return 3;
        case LinkUse::preferred:
            return 2;
        case LinkUse::allowed:
            return 1;
        case LinkUse::unsupported:
            return 0;
        }
        return 0;
    };
    return rank(din) > rank(usb) ? Link::din : Link::usb;
}

const char* to_string(FirmwareChecksum kind) {
    switch (kind) {
    case FirmwareChecksum::none:
        return "none";
    case FirmwareChecksum::unknown:
        return "unknown";
    case FirmwareChecksum::twos_complement_7bit:
        return "twos-complement-7bit";
    case FirmwareChecksum::roland:
        return "roland";
    case FirmwareChecksum::yamaha_bulk:
        return "yamaha-bulk";
    case FirmwareChecksum::grammar:
        return "grammar";
    }
    return "unknown";
}

std::optional<FirmwareChecksum> parse_firmware_checksum(std::string_view text) {
    for (auto kind : {FirmwareChecksum::none, FirmwareChecksum::unknown,
                      FirmwareChecksum::twos_complement_7bit, FirmwareChecksum::grammar}) {
        if (text == to_string(kind)) {
            return kind;
        }
    }
    return std::nullopt;
}

const FirmwareRelease*
FirmwareRules::find_release(const std::array<std::uint8_t, 32>& sha256) const {
    for (const auto& release : releases) {
        if (release.sha256 == sha256) {
            return &release;
        }
    }
    return nullptr;
}

const char* to_string(HandshakeKind kind) {
    return kind == HandshakeKind::ack ? "ack" : "none";
}

const char* to_string(BackupKind kind) {
    switch (kind) {
    case BackupKind::automatic:
        return "automatic";
    case BackupKind::manual:
        return "manual";
    case BackupKind::record_many:
        return "record-many";
    case BackupKind::none:
        return "none";
    }
    return "none";
}

std::optional<BackupKind> parse_backup_kind(std::string_view text) {
    for (auto kind :
         {BackupKind::automatic, BackupKind::manual, BackupKind::record_many, BackupKind::none}) {
        if (text == to_string(kind)) {
            return kind;
        }
    }
    return std::nullopt;
}

const char* to_string(CompletenessKind kind) {
    switch (kind) {
    case CompletenessKind::single_message:
        return "single-message";
    case CompletenessKind::count:
        return "count";
    case CompletenessKind::indexed:
        return "indexed";
    case CompletenessKind::user_says_done:
        return "user-says-done";
    }
    return "single-message";
}

std::optional<std::size_t> BackupProcedure::classify(std::span<const std::uint8_t> message) const {
    for (std::size_t i = 0; i < expect.size(); ++i) {
        if (expect[i].matches(message)) {
            return i;
        }
    }
    return std::nullopt;
}

const char* to_string(RestoreKind kind) {
    switch (kind) {
    case RestoreKind::send_back:
        return "send-back";
    case RestoreKind::refused:
        return "refused";
    case RestoreKind::none:
        return "none";
    }
    return "none";
}

const char* to_string(DisplayOutcome outcome) {
    switch (outcome) {
    case DisplayOutcome::progress:
        return "progress";
    case DisplayOutcome::success:
        return "success";
    case DisplayOutcome::error:
        return "error";
    }
    return "progress";
}

const char* to_string(Phase phase) {
    switch (phase) {
    case Phase::identify:
        return "identify";
    case Phase::backup:
        return "backup";
    case Phase::enter_bootloader:
        return "enter-bootloader";
    case Phase::transfer:
        return "transfer";
    case Phase::verify:
        return "verify";
    case Phase::restore:
        return "restore";
    }
    return "transfer";
}

std::optional<Phase> parse_phase(std::string_view text) {
    for (auto phase : {Phase::identify, Phase::backup, Phase::enter_bootloader, Phase::transfer,
                       Phase::verify, Phase::restore}) {
        if (text == to_string(phase)) {
            return phase;
        }
    }
    return std::nullopt;
}

const RecoveryPlan* Manifest::find_plan(std::string_view plan_id) const {
    for (const auto& plan : recovery) {
        if (plan.id == plan_id) {
            return &plan;
        }
    }
    return nullptr;
}

const DisplayMessage* Manifest::find_display(std::string_view text) const {
    const std::string wanted = normalise_display(text);
    for (const auto& message : display) {
        if (normalise_display(message.text) == wanted) {
            return &message;
        }
    }
    return nullptr;
}

std::vector<Phase> Manifest::critical_phases() const {
    std::vector<Phase> phases;
    if (firmware.supported) {
        phases = {Phase::enter_bootloader, Phase::transfer, Phase::verify};
    }
    if (restore.kind == RestoreKind::send_back) {
        phases.push_back(Phase::restore);
    }
    return phases;
}

const RecoveryPlan* Manifest::plan_for_phase(Phase phase) const {
    for (const auto& plan : recovery) {
        if (std::find(plan.phases.begin(), plan.phases.end(), phase) != plan.phases.end()) {
            return &plan;
        }
    }
    return nullptr;
}

} // namespace syx
