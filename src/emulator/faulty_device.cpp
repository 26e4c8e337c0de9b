#include "emulator/faulty_device.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace syx::emu {

FaultyDevice::FaultyDevice(std::unique_ptr<DeviceModel> inner, std::vector<FaultSpec> faults,
                           std::uint64_t seed)
    : m_inner(std::move(inner)), m_rng(seed) {
    for (auto& f : faults) {
        m_faults.push_back(Armed{f, false});
    }
}

bool FaultyDevice::percent_armed() const {
    return std::any_of(m_faults.begin(), m_faults.end(), [](const Armed& f) {
        return !f.fired && f.spec.is_percent &&
               (f.spec.kind == FaultKind::unplug_at || f.spec.kind == FaultKind::power_loss_at);
    });
}

const FaultSpec* FaultyDevice::find(FaultKind kind) const {
    for (const auto& f : m_faults) {
        if (f.spec.kind == kind) {
            return &f.spec;
        }
    }
    return nullptr;
}

std::vector<ModelNote> FaultyDevice::notes() const {
    auto notes = m_inner->notes();
    for (const auto& f : m_faults) {
        notes.push_back({Confidence::modelled, "Fault injected: " + to_string(f.spec)});
    }
    if (find(FaultKind::nak_message) != nullptr) {
        notes.push_back({Confidence::modelled, "NAK is the MIDI generic handshake F0 7E 7F 7E nn "
                                               "F7; none of these devices documents one"});
    }
    return notes;
}

std::optional<std::uint64_t> FaultyDevice::threshold(const FaultSpec& spec) {
    if (!spec.is_percent) {
        return spec.bytes;
    }
    if (!m_transfer_size) {
        if (const auto expected = m_inner->expected_transfer_bytes()) {
            m_transfer_size = *expected; // fixed once known: the percentage must not move
        }
    }
    if (!m_transfer_size) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(
        std::ceil(static_cast<double>(*m_transfer_size) * spec.percent / 100.0));
}

void FaultyDevice::filter(Outputs& outputs) const {
    if (m_unplugged || find(FaultKind::no_reply) != nullptr) {
        outputs.clear();
        return;
    }
    if (const auto* slow = find(FaultKind::slow_reply)) {
        for (auto& o : outputs) {
            o.at += slow->delay;
        }
    }
}

void FaultyDevice::deliver(Bytes& chunk, Time now, Outputs& out) {
    if (chunk.empty()) {
        return;
    }
    auto produced = m_inner->on_message(chunk, now);
    out.insert(out.end(), std::make_move_iterator(produced.begin()),
               std::make_move_iterator(produced.end()));
    chunk.clear();
}

void FaultyDevice::check_reappear(Time now, Outputs& out) {
    if (m_reappear_at && now >= *m_reappear_at) {
        // The device comes back in its recovery state, as after losing power mid-transfer.
        auto produced = m_inner->power_loss(*m_reappear_at);
        out.insert(out.end(), produced.begin(), produced.end());
        m_events.push_back(
            fmt::format("port reappeared with the device in '{}' state", m_inner->mode()));
        m_unplugged = false;
        m_reappear_at.reset();
    }
}

Outputs FaultyDevice::on_message(std::span<const std::uint8_t> bytes, Time now) {
    Outputs out;
    check_reappear(now, out);
    if (m_unplugged) {
        m_dropped += bytes.size();
        return {};
    }
    const auto* drop = find(FaultKind::drop_above_rate);
    if (drop != nullptr) {
        const double elapsed = std::chrono::duration<double>(now - m_tokens_time).count();
        m_tokens = std::min(kDropBurstBytes,
                            m_tokens + std::max(0.0, elapsed) * static_cast<double>(drop->number));
        m_tokens_time = now;
    }
    Bytes chunk;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const std::uint8_t b = bytes[i];
        if (drop != nullptr) {
            if (m_tokens < 1.0) {
                ++m_dropped;
                continue;
            }
            m_tokens -= 1.0;
        }
        if (b < 0xF8) {
            ++m_bytes_in;
        }
        if (b == 0xF0) {
            if (m_holding) { // cut short: pass on what we held
                deliver(chunk, now, out);
                deliver(m_held, now, out);
                m_holding = false;
            }
            ++m_message_number;
            for (auto& f : m_faults) {
                if (!f.fired && f.spec.number == m_message_number &&
                    (f.spec.kind == FaultKind::corrupt_message ||
                     f.spec.kind == FaultKind::nak_message)) {
                    f.fired = true;
                    m_holding = true;
                    m_hold_kind = f.spec.kind;
                    m_held.clear();
                }
            }
        }
        if (m_holding && b < 0xF8) {
            m_held.push_back(b);
            if (b == 0xF7) {
                m_holding = false;
                deliver(chunk, now, out);
                if (m_hold_kind == FaultKind::corrupt_message) {
                    if (m_held.size() > 2) {
                        const auto pos =
                            1 + static_cast<std::size_t>(m_rng() % (m_held.size() - 2));
                        m_held[pos] =
                            static_cast<std::uint8_t>(m_held[pos] ^ (1U << (m_rng() % 7)));
                        m_events.push_back(fmt::format("corrupt-message={}: byte {} damaged",
                                                       m_message_number, pos));
                    }
                    deliver(m_held, now, out);
                } else {
                    m_events.push_back(fmt::format("nak-message={}: refused", m_message_number));
                    if (find(FaultKind::no_reply) == nullptr) {
                        out.push_back(Output{
                            Bytes{0xF0, 0x7E, 0x7F, 0x7E,
                                  static_cast<std::uint8_t>((m_message_number - 1) & 0x7F), 0xF7},
                            now + m_inner->spec().reply_latency});
                    }
                    m_held.clear();
                }
            } else if (b >= 0x80 && b != 0xF0) {
                m_holding = false; // another status byte aborts it: pass it on unchanged
                deliver(chunk, now, out);
                deliver(m_held, now, out);
            }
        } else {
            chunk.push_back(b);
        }
        // A percentage needs the transfer size, which a model learns from the first bytes
        // (its header): hand them over early so a single large burst can still be cut at P %.
        if (!m_transfer_size && chunk.size() >= kSizeProbeBytes && percent_armed()) {
            deliver(chunk, now, out);
        }
        for (auto& f : m_faults) {
            if (f.fired ||
                (f.spec.kind != FaultKind::unplug_at && f.spec.kind != FaultKind::power_loss_at)) {
                continue;
            }
            const auto at = threshold(f.spec);
            if (!at || m_bytes_in < *at) {
                continue;
            }
            f.fired = true;
            deliver(chunk, now, out);
            if (f.spec.kind == FaultKind::power_loss_at) {
                m_holding = false;
                m_held.clear();
                m_events.push_back(
                    fmt::format("{} fired after {} bytes", to_string(f.spec), m_bytes_in));
                auto produced = m_inner->power_loss(now);
                out.insert(out.end(), produced.begin(), produced.end());
            } else {
                m_events.push_back(fmt::format("{} fired after {} bytes: port vanished",
                                               to_string(f.spec), m_bytes_in));
                m_unplugged = true;
                if (f.spec.reappear_as_bootloader) {
                    m_reappear_at = now + kReappearDelay;
                }
            }
        }
        if (m_unplugged) {
            m_dropped += bytes.size() - i - 1;
            break;
        }
    }
    if (!m_unplugged) {
        deliver(chunk, now, out);
    }
    filter(out);
    return out;
}

Outputs FaultyDevice::advance(Time now) {
    Outputs out;
    check_reappear(now, out);
    auto produced = m_inner->advance(now);
    out.insert(out.end(), produced.begin(), produced.end());
    filter(out);
    return out;
}

std::optional<Time> FaultyDevice::next_deadline() const {
    auto inner = m_inner->next_deadline();
    if (m_reappear_at && (!inner || *m_reappear_at < *inner)) {
        return m_reappear_at;
    }
    return inner;
}

Outputs FaultyDevice::press(std::string_view button, Time now) {
    auto out = m_inner->press(button, now);
    filter(out);
    return out;
}

Outputs FaultyDevice::power_cycle(std::span<const std::string> held_buttons, Time now) {
    m_holding = false;
    m_held.clear();
    auto out = m_inner->power_cycle(held_buttons, now);
    filter(out);
    return out;
}

Outputs FaultyDevice::power_loss(Time now) {
    m_holding = false;
    m_held.clear();
    auto out = m_inner->power_loss(now);
    filter(out);
    return out;
}

} // namespace syx::emu
