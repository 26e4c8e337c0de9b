#include "emulator/model_base.hpp"

#include <algorithm>

namespace syx::emu {

Time wire_time(std::size_t bytes, Link link) {
    const auto per_byte = link == Link::din ? kDinMicrosecondsPerByte : 1U;
    return Time{static_cast<Time::rep>(bytes) * static_cast<Time::rep>(per_byte)};
}

std::uint8_t checksum7(std::span<const std::uint8_t> bytes) {
    unsigned sum = 0;
    for (const auto b : bytes) {
        sum += b;
    }
    return static_cast<std::uint8_t>(sum & 0x7FU);
}

bool is_identity_request(std::span<const std::uint8_t> message) {
    return message.size() == 6 && message[0] == 0xF0 && message[1] == 0x7E && message[3] == 0x06 &&
           message[4] == 0x01 && message[5] == 0xF7;
}

std::optional<Bytes> ModelBase::identity_reply(const std::array<std::uint8_t, 4>& version) const {
    const auto& pattern = m_spec.identity_reply;
    if (pattern.empty()) {
        return std::nullopt;
    }
    Bytes reply;
    std::size_t next_version = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i]) {
            reply.push_back(*pattern[i]);
        } else if (i == 2) {
            reply.push_back(0x7F); // device ID: "all" [C: the LP sends 7F]
        } else {
            reply.push_back(next_version < version.size() ? version[next_version++] : 0x00);
        }
    }
    return reply;
}

void ModelBase::set_now(Time now) {
    m_now = std::max(m_now, now);
}

Outputs ModelBase::on_message(std::span<const std::uint8_t> bytes, Time now) {
    set_now(now);
    Outputs out;
    std::size_t counted = 0;
    for (const auto b : bytes) {
        if (b < 0xF8) {
            ++counted;
        }
    }
    if (counted > 0) {
        on_bytes_arrived(counted, m_now, out);
    }
    bool grew = false;
    for (const auto b : bytes) {
        if (b >= 0xF8) {
            continue; // realtime bytes do not interrupt SysEx
        }
        if (b == 0xF0) {
            if (m_in_sysex) {
                on_aborted_sysex(m_partial, m_now, out);
            }
            m_in_sysex = true;
            m_partial.assign(1, b);
            m_partial_first = m_now;
            grew = true;
            continue;
        }
        if (!m_in_sysex) {
            continue; // channel messages and stray data bytes: none of our models use them
        }
        if (b == 0xF7) {
            m_partial.push_back(b);
            m_in_sysex = false;
            Received message{m_partial, m_partial_first, m_now, std::nullopt};
            if (m_last_f7) {
                message.gap_before = m_partial_first - *m_last_f7;
            }
            m_last_f7 = m_now;
            grew = false;
            const Bytes complete = std::move(m_partial);
            m_partial.clear();
            message.bytes = complete;
            on_sysex(message, out);
            continue;
        }
        if (b >= 0x80) {
            on_aborted_sysex(m_partial, m_now, out);
            m_in_sysex = false;
            m_partial.clear();
            continue;
        }
        m_partial.push_back(b);
        grew = true;
    }
    if (grew && m_in_sysex) {
        on_partial_sysex(m_partial, m_now, out);
    }
    return out;
}

Outputs ModelBase::advance(Time now) {
    set_now(now);
    Outputs out;
    on_advance(out);
    return out;
}

Outputs ModelBase::press(std::string_view button, Time now) {
    set_now(now);
    Outputs out;
    on_press(button, out);
    return out;
}

Outputs ModelBase::power_cycle(std::span<const std::string> held_buttons, Time now) {
    set_now(now);
    reset_input();
    Outputs out;
    on_power_on(held_buttons, out);
    return out;
}

Outputs ModelBase::power_loss(Time now) {
    set_now(now);
    reset_input();
    Outputs out;
    on_power_loss(out);
    return out;
}

void ModelBase::send(Outputs& out, Bytes message, std::optional<Time> earliest) {
    const Time start = std::max(earliest.value_or(m_now + m_spec.reply_latency), m_output_free);
    const Time done = start + wire_time(message.size(), m_spec.link);
    m_output_free = done;
    out.push_back(Output{std::move(message), done});
}

void ModelBase::reset_input() {
    m_in_sysex = false;
    m_partial.clear();
    m_last_f7.reset();
    m_output_free = m_now;
}

} // namespace syx::emu
