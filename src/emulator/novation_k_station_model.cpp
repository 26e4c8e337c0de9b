#include "emulator/novation_k_station_model.hpp"

#include <fmt/core.h>

namespace syx::emu {

namespace {

constexpr std::uint8_t kTypeCurrentSound = 0x00;
constexpr std::uint8_t kTypeProgram = 0x01;
constexpr std::uint8_t kTypePair = 0x02;
constexpr std::uint8_t kTypeGlobal = 0x03;
constexpr std::uint8_t kTypeCurrentSoundRequest = 0x40;

Bytes block(std::size_t size, std::size_t seed) {
    Bytes data(size);
    for (std::size_t i = 0; i < size; ++i) {
        data[i] = static_cast<std::uint8_t>((i * 3 + seed * 11) & 0x7F);
    }
    return data;
}

} // namespace

DeviceModelSpec NovationKStationModel::default_spec() {
    DeviceModelSpec spec;
    spec.device_id = "novation-k-station";
    spec.display_name = "Novation K-Station";
    spec.firmware_version = {0x01, 0x05, 0x00, 0x00}; // Vv Vi [M]
    spec.link = Link::din;                            // K-Station has DIN MIDI only [M]
    return spec;
}

NovationKStationModel::NovationKStationModel(DeviceModelSpec spec) : ModelBase(std::move(spec)) {
    for (std::size_t b = 0; b < kBanks; ++b) {
        for (std::size_t p = 0; p < kPrograms; ++p) {
            m_programs[b].push_back(block(kProgramBytes, b * kPrograms + p));
        }
    }
    m_current_sound = m_programs[0][0];
    m_globals = block(kGlobalBytes, 999);
}

std::vector<ModelNote> NovationKStationModel::notes() const {
    return {
        {Confidence::confirmed, "Header F0 00 20 29 01 41 SyCh type C Vv Vi B P; no checksum"},
        {Confidence::confirmed, "Type 40 current sound request answered with a 142-byte type 00 "
                                "dump; pair dump 270 bytes; global dump 270 bytes"},
        {Confidence::confirmed, "Received program/pair dumps: C=1 stores into bank B, C=0 into "
                                "the current bank; global dumps overwrite the globals"},
        {Confidence::confirmed, "Front-panel bank dump = 50 pair dumps (C=0, B=current bank); "
                                "all-banks dump uses C=1 and B=1-4"},
        {Confidence::reported, "Requests 41/42/43 are confirmed for the A-Station only: not "
                               "answered by this model"},
        {Confidence::confirmed, "The current sound dump carries C=0 and B P = 00 00"},
        {Confidence::modelled, "Program contents are opaque"},
    };
}

std::vector<Button> NovationKStationModel::buttons() const {
    return {
        {"bank-next", "BANK", "Selects the next bank (1-4)"},
        {"program-next", "PROGRAM +", "Selects the next program"},
        {"dump-bank", "DUMP BANK", "Sends the current bank: 50 pair dumps with C=0"},
        {"dump-all-banks", "DUMP ALL", "Sends banks 1-4: 200 pair dumps with C=1"},
        {"dump-global", "DUMP GLOBAL", "Sends the global data dump"},
    };
}

std::string NovationKStationModel::firmware_version_text() const {
    return fmt::format("{}.{}", m_spec.firmware_version[0], m_spec.firmware_version[1]);
}

std::string NovationKStationModel::display_text() const {
    return fmt::format("Bank {} Program {:02}", m_bank, m_program);
}

Bytes NovationKStationModel::header(std::uint8_t type, std::uint8_t c, std::uint8_t b,
                                    std::uint8_t p) const {
    // SyCh is transmitted as 7F [C].
    return Bytes{0xF0,
                 0x00,
                 0x20,
                 0x29,
                 0x01,
                 0x41,
                 0x7F,
                 type,
                 c,
                 m_spec.firmware_version[0],
                 m_spec.firmware_version[1],
                 b,
                 p};
}

void NovationKStationModel::send_pair(Outputs& out, std::uint8_t c, std::size_t bank,
                                      std::size_t program) {
    Bytes m =
        header(kTypePair, c, static_cast<std::uint8_t>(bank), static_cast<std::uint8_t>(program));
    const auto& first = m_programs.at(bank - 1).at(program);
    const auto& second = m_programs.at(bank - 1).at(program + 1);
    m.insert(m.end(), first.begin(), first.end());
    m.insert(m.end(), second.begin(), second.end());
    m.push_back(0xF7);
    send(out, std::move(m), now());
}

void NovationKStationModel::on_sysex(const Received& message, Outputs& out) {
    const auto m = message.bytes;
    if (m.size() < kHeaderBytes + 1 || m[1] != 0x00 || m[2] != 0x20 || m[3] != 0x29 ||
        m[4] != 0x01 || m[5] != 0x41) {
        return;
    }
    // Received SyCh: 7F or the current receive channel [C].
    if (m[6] != 0x7F && m[6] != m_receive_channel) {
        return;
    }
    const std::uint8_t type = m[7];
    const std::uint8_t c = m[8];
    const std::uint8_t b = m[11];
    const std::uint8_t p = m[12];
    const auto data = m.subspan(kHeaderBytes, m.size() - kHeaderBytes - 1);
    // Destination bank: B when C=1, else the current bank [C: "it must be aware of the effect
    // of the C value"]. B outside 1–4 with C=1 is ignored [M].
    const auto destination = [&]() -> std::optional<std::size_t> {
        if (c == 1) {
            if (b < 1 || b > kBanks) {
                return std::nullopt;
            }
            return std::size_t{b};
        }
        return m_bank;
    };
    switch (type) {
    case kTypeCurrentSoundRequest:
        if (data.empty()) {
            // B and P are transmitted as 00 00 in a current sound dump [C: K-Station manual,
            // SysEx appendix p. A-6; KnobKraft-orm adaptations/Novation_AStation.py
            // isEditBufferDump() requires bytes 11 and 12 to be 00 for the A-Station].
            Bytes reply = header(kTypeCurrentSound, 0x00, 0x00, 0x00);
            reply.insert(reply.end(), m_current_sound.begin(), m_current_sound.end());
            reply.push_back(0xF7);
            send(out, std::move(reply));
        }
        break;
    case kTypeCurrentSound:
        if (data.size() == kProgramBytes) {
            m_current_sound.assign(data.begin(), data.end()); // not stored [C]
        }
        break;
    case kTypeProgram:
        if (data.size() == kProgramBytes && p < kPrograms) {
            if (const auto bank = destination()) {
                m_programs[*bank - 1][p].assign(data.begin(), data.end());
            }
        }
        break;
    case kTypePair:
        if (data.size() == 2 * kProgramBytes && p % 2 == 0 && std::size_t{p} + 1 < kPrograms) {
            if (const auto bank = destination()) {
                m_programs[*bank - 1][p].assign(data.begin(), data.begin() + kProgramBytes);
                m_programs[*bank - 1][p + 1u].assign(data.begin() + kProgramBytes, data.end());
            }
        }
        break;
    case kTypeGlobal:
        if (data.size() == kGlobalBytes) {
            m_globals.assign(data.begin(), data.end()); // C, B, P ignored [C]
        }
        break;
    default:
        break;
    }
}

void NovationKStationModel::on_press(std::string_view button, Outputs& out) {
    if (button == "bank-next") {
        m_bank = m_bank % kBanks + 1;
    } else if (button == "program-next") {
        m_program = (m_program + 1) % kPrograms;
        m_current_sound = m_programs[m_bank - 1][m_program];
    } else if (button == "dump-bank") {
        for (std::size_t p = 0; p < kPrograms; p += 2) {
            send_pair(out, 0x00, m_bank, p);
        }
    } else if (button == "dump-all-banks") {
        for (std::size_t bank = 1; bank <= kBanks; ++bank) {
            for (std::size_t p = 0; p < kPrograms; p += 2) {
                send_pair(out, 0x01, bank, p);
            }
        }
    } else if (button == "dump-global") {
        Bytes m = header(kTypeGlobal, 0x00, 0x00, 0x00);
        m.insert(m.end(), m_globals.begin(), m_globals.end());
        m.push_back(0xF7);
        send(out, std::move(m), now());
    }
}

} // namespace syx::emu
