#include "emulator/fault_spec.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/core.h>

namespace syx::emu {

namespace {

struct KindName {
    FaultKind kind;
    std::string_view name;
    bool takes_value;
};

constexpr std::array<KindName, 9> kKinds = {{
    {FaultKind::unplug_at, "unplug-at", true},
    {FaultKind::power_loss_at, "power-loss-at", true},
    {FaultKind::drop_above_rate, "drop-above-rate", true},
    {FaultKind::corrupt_message, "corrupt-message", true},
    {FaultKind::no_reply, "no-reply", false},
    {FaultKind::nak_message, "nak-message", true},
    {FaultKind::slow_reply, "slow-reply", true},
    {FaultKind::wrong_device, "wrong-device", false},
    {FaultKind::one_way_cable, "one-way-cable", false},
}};

constexpr std::uint64_t kMaxNumber = 1'000'000'000ULL;

Error bad(std::string_view text, std::string why) {
    return make_error(ErrorCode::usage, fmt::format("fault '{}': {}", text, why));
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
    if (s.empty() || s.size() > 12) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || ptr != s.data() + s.size() || value > kMaxNumber) {
        return std::nullopt;
    }
    return value;
}

// "50%", "12.5%" or "4096" (bytes).
bool parse_position(std::string_view value, FaultSpec& spec) {
    if (!value.empty() && value.back() == '%') {
        value.remove_suffix(1);
        const auto dot = value.find('.');
        const auto whole = parse_uint(value.substr(0, dot));
        if (!whole) {
            return false;
        }
        double percent = static_cast<double>(*whole);
        if (dot != std::string_view::npos) {
            const auto frac_text = value.substr(dot + 1);
            const auto frac = parse_uint(frac_text);
            if (!frac || frac_text.size() > 6) {
                return false;
            }
            percent +=
                static_cast<double>(*frac) / std::pow(10.0, static_cast<double>(frac_text.size()));
        }
        if (!(percent > 0.0) || percent > 100.0) {
            return false;
        }
        spec.is_percent = true;
        spec.percent = percent;
        return true;
    }
    const auto bytes = parse_uint(value);
    if (!bytes) {
        return false;
    }
    spec.is_percent = false;
    spec.bytes = *bytes;
    return true;
}

} // namespace

const char* to_string(FaultKind kind) {
    for (const auto& k : kKinds) {
        if (k.kind == kind) {
            return k.name.data();
        }
    }
    return "unknown";
}

Result<FaultSpec> parse_fault_spec(std::string_view text) {
    // Options follow the main part after commas: "unplug-at=50%,reappear-as=bootloader".
    const auto comma = text.find(',');
    const std::string_view head = text.substr(0, comma);
    const std::string_view options =
        comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = head.find('=');
    const std::string_view name = head.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : head.substr(eq + 1);

    const KindName* kind = nullptr;
    for (const auto& k : kKinds) {
        if (k.name == name) {
            kind = &k;
        }
    }
    if (kind == nullptr) {
        return bad(text, "unknown fault (known: unplug-at, power-loss-at, drop-above-rate, "
                         "corrupt-message, no-reply, nak-message, slow-reply, wrong-device, "
                         "one-way-cable)");
    }
    if (kind->takes_value && eq == std::string_view::npos) {
        return bad(text,
                   fmt::format("{} needs a value, e.g. {}", kind->name,
                               kind->kind == FaultKind::slow_reply        ? "slow-reply=500"
                               : kind->kind == FaultKind::drop_above_rate ? "drop-above-rate=1000"
                               : kind->kind == FaultKind::unplug_at ||
                                       kind->kind == FaultKind::power_loss_at
                                   ? "unplug-at=50%"
                                   : "nak-message=3"));
    }
    if (!kind->takes_value && eq != std::string_view::npos) {
        return bad(text, fmt::format("{} takes no value", kind->name));
    }
    FaultSpec spec;
    spec.kind = kind->kind;
    switch (spec.kind) {
    case FaultKind::unplug_at:
    case FaultKind::power_loss_at:
        if (!parse_position(value, spec)) {
            return bad(text, "expected a percentage in (0, 100] like 50% or a byte count");
        }
        break;
    case FaultKind::drop_above_rate:
    case FaultKind::corrupt_message:
    case FaultKind::nak_message: {
        const auto n = parse_uint(value);
        if (!n || *n == 0) {
            return bad(text, spec.kind == FaultKind::drop_above_rate
                                 ? "expected bytes per second, a whole number above 0"
                                 : "expected a message number counting from 1");
        }
        spec.number = *n;
        break;
    }
    case FaultKind::slow_reply: {
        const auto ms = parse_uint(value);
        if (!ms || *ms > 3'600'000) {
            return bad(text, "expected milliseconds, a whole number up to 3600000");
        }
        spec.delay = std::chrono::milliseconds{static_cast<std::chrono::milliseconds::rep>(*ms)};
        break;
    }
    case FaultKind::no_reply:
    case FaultKind::wrong_device:
    case FaultKind::one_way_cable:
        break;
    }
    if (!options.empty()) {
        if (spec.kind != FaultKind::unplug_at || options != "reappear-as=bootloader") {
            return bad(text, "the only option is 'reappear-as=bootloader', after unplug-at");
        }
        spec.reappear_as_bootloader = true;
    }
    return spec;
}

Result<std::vector<FaultSpec>> parse_fault_specs(const std::vector<std::string>& texts) {
    std::vector<FaultSpec> specs;
    for (const auto& t : texts) {
        auto spec = parse_fault_spec(t);
        if (!spec) {
            return spec.error();
        }
        specs.push_back(*spec);
    }
    return specs;
}

std::string to_string(const FaultSpec& spec) {
    std::string out = to_string(spec.kind);
    switch (spec.kind) {
    case FaultKind::unplug_at:
    case FaultKind::power_loss_at:
        if (spec.is_percent) {
            // Fixed notation with at most the 6 decimals the parser accepts, trailing zeros cut.
            std::string number = fmt::format("{:.6f}", spec.percent);
            number.erase(number.find_last_not_of('0') + 1);
            if (number.back() == '.') {
                number.pop_back();
            }
            out += "=" + number + "%";
        } else {
            out += fmt::format("={}", spec.bytes);
        }
        if (spec.reappear_as_bootloader) {
            out += ",reappear-as=bootloader";
        }
        break;
    case FaultKind::drop_above_rate:
    case FaultKind::corrupt_message:
    case FaultKind::nak_message:
        out += fmt::format("={}", spec.number);
        break;
    case FaultKind::slow_reply:
        out += fmt::format("={}", spec.delay.count());
        break;
    case FaultKind::no_reply:
    case FaultKind::wrong_device:
    case FaultKind::one_way_cable:
        break;
    }
    return out;
}

std::string fault_spec_help() {
    return "Faults (--fault SPEC, repeatable; --seed N makes runs reproducible):\n"
           "  unplug-at=P%[,reappear-as=bootloader]  port vanishes after P% of the transfer\n"
           "                                         (or after N bytes: unplug-at=4096)\n"
           "  power-loss-at=P%        power lost mid-transfer; device restarts into recovery\n"
           "  drop-above-rate=B       bytes arriving faster than B bytes/s are lost\n"
           "  corrupt-message=N       one data byte of message N (from 1) is damaged\n"
           "  no-reply                the device never answers\n"
           "  nak-message=N           message N is refused with a NAK (F0 7E 7F 7E nn F7)\n"
           "  slow-reply=MS           every answer comes MS ms late\n"
           "  wrong-device            another device model answers on this port\n"
           "  one-way-cable           only the device's MIDI input is cabled: no input port\n";
}

} // namespace syx::emu
