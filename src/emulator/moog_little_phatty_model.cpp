#include "emulator/moog_little_phatty_model.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "emulator/modelled_firmware.hpp"

namespace syx::emu {

namespace {

constexpr std::uint8_t kPrefix[] = {0x04, 0x05}; // Moog 04, Little Phatty 05 [C]
constexpr std::size_t kPresetData = MoogLittlePhattyModel::kPresetBytes - 7;
constexpr auto kMessageTime = std::chrono::milliseconds{1500}; // "RECEIVING …" shown [M]

Bytes filled(std::size_t size, std::uint8_t seed) {
    Bytes data(size);
    for (std::size_t i = 0; i < size; ++i) {
        data[i] = static_cast<std::uint8_t>((i * 7 + seed) & 0x7F);
    }
    return data;
}

bool is_request(std::span<const std::uint8_t> m) {
    // F0 04 05 06 <req> <arg> + 10 zero bytes + F7 = 17 bytes: what dagargo/phatty
    // phatty/connector.py sends (REQUEST_BULK = [4, 5, 6, 2] + 11 zeros, 15 data bytes) and the
    // real unit answers [C]. Longer zero padding (18/19 bytes) is also answered here [M].
    if (m.size() < 17 || m.size() > 19) {
        return false;
    }
    if (m[1] != 0x04 || m[2] != 0x05 || m[3] != 0x06) {
        return false;
    }
    return std::all_of(m.begin() + 6, m.end() - 1, [](std::uint8_t b) { return b == 0; });
}

} // namespace

DeviceModelSpec MoogLittlePhattyModel::default_spec() {
    DeviceModelSpec spec;
    spec.device_id = "moog-little-phatty";
    spec.display_name = "Moog Little Phatty (Stage II)";
    spec.firmware_version = {0x02, 0x00, 0x00, 0x04}; // [M] any plausible OS 2.x version
    spec.link = Link::usb;                            // Stage II has USB-MIDI [C]
    // F0 7E 7F 06 02 04 00 05 00 01 v1 v2 v3 v4 F7 [C]
    spec.identity_reply = {0xF0,         0x7E,         std::nullopt, 0x06,         0x02,
                           0x04,         0x00,         0x05,         0x00,         0x01,
                           std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0xF7};
    return spec;
}

MoogLittlePhattyModel::MoogLittlePhattyModel(DeviceModelSpec spec)
    : ModelBase(std::move(spec)), m_version(m_spec.firmware_version) {
    for (std::size_t i = 0; i < kPresetCount; ++i) {
        m_presets.push_back(filled(kPresetData, static_cast<std::uint8_t>(i)));
    }
    m_panel = m_presets[0];
    m_bank = {0xF0, 0x04, 0x05, 0x01, 0x03, 0x01};
    const Bytes bank_data = filled(kBankBytes - m_bank.size() - 1, 0x11);
    m_bank.insert(m_bank.end(), bank_data.begin(), bank_data.end());
    m_bank.push_back(0xF7);
    m_bulk = {0xF0, 0x04, 0x05, 0x03, 0x01, 0x01};
    const Bytes bulk_data = filled(kBulkBytes - m_bulk.size() - 1, 0x22);
    m_bulk.insert(m_bulk.end(), bulk_data.begin(), bulk_data.end());
    m_bulk.push_back(0xF7);
    m_mode = Mode::normal; // created powered on and booted
}

std::vector<ModelNote> MoogLittlePhattyModel::notes() const {
    return {
        {Confidence::confirmed, "Identity reply F0 7E 7F 06 02 04 00 05 00 01 v1 v2 v3 v4 F7"},
        {Confidence::confirmed, "Dump requests F0 04 05 06 <req> <arg> + 10 zeros + F7 (17 "
                                "bytes, dagargo/phatty): 03 panel, 04 preset n, 00 bank, 02 bulk"},
        {Confidence::modelled, "Requests padded to 18 or 19 bytes are answered too"},
        {Confidence::confirmed, "Preset 193 bytes; bank 17 144 or 17 346 bytes, bulk 17 277 or "
                                "17 479 bytes (dagargo/phatty); this unit sends the smaller ones"},
        {Confidence::modelled, "Which units send the larger bank/bulk is not documented"},
        {Confidence::reported, "A received stored preset goes to the current preset location"},
        {Confidence::modelled, "Preset/bank/bulk contents are opaque; bank and bulk are stored "
                               "as received, not decoded into presets"},
        {Confidence::modelled, "Firmware message layout (F0 04 05 7E …) is our invention; the "
                               "real file layout is unknown"},
        {Confidence::reported, "Display states RX STAGE 1/2, Stage 1 Error Cycle Power, SEND "
                               "FIRMWARE SX CODE ERROR 2, SEND_FIRMWARE SX DATA ERROR 3"},
        {Confidence::reported, "Firmware over DIN can fail with ERROR 2 where slower pacing or "
                               "USB works (forum seed)"},
        {Confidence::modelled, "While flashing over DIN, a 2048-byte input buffer drains at "
                               "2000 B/s, below the wire's 3125 B/s; bytes that find it full are "
                               "lost (Stage 1 Error Cycle Power, then SEND FIRMWARE SX CODE "
                               "ERROR 2). USB-MIDI is flow controlled and never overruns it"},
        {Confidence::reported, "OS 3.x: hold MASTER at power-on: Update Firmware? PRESET=Yes; "
                               "PRESET erases the flash, then Please Send Firmware; the OS 3.x "
                               "update is Intel HEX from PhattyLoader, so .syx is ignored"},
        {Confidence::reported, "OS 2.x: holding MASTER at power-on skips the SEND FIRMWARE SX "
                               "request (forum t/5050)"},
        {Confidence::modelled, "OS 2.x with a damaged OS: MASTER at power-on still ends in SEND "
                               "FIRMWARE SX (what a damaged OS does then is unknown)"},
        {Confidence::modelled, "Power-up takes 1.5 s; the bootloader sends no identity reply"},
    };
}

std::vector<Button> MoogLittlePhattyModel::buttons() const {
    return {
        {"master", "MASTER",
         "OS 3.x: hold at power-on for Update Firmware?; OS 2.x: skips SEND FIRMWARE SX"},
        {"preset", "PRESET", "Next preset; answers Yes to Update Firmware? (erases the flash)"},
        {"sysex-send-preset", "SYSEX > SEND PRESET", "Sends the current preset"},
        {"sysex-send-all", "SYSEX > SEND ALL PRESETS", "Sends the bank (all presets)"},
        {"sysex-send-bulk", "SYSEX > SEND BULK", "Sends presets and globals"},
    };
}

std::string MoogLittlePhattyModel::firmware_version_text() const {
    if (!m_firmware_valid) {
        return {};
    }
    return fmt::format("{}.{}.{}.{}", m_version[0], m_version[1], m_version[2], m_version[3]);
}

std::string MoogLittlePhattyModel::mode() const {
    switch (m_mode) {
    case Mode::booting:
        return "booting";
    case Mode::normal:
        return "normal";
    case Mode::receiving:
        return "receiving-firmware";
    case Mode::stage1_error:
        return "error";
    case Mode::bootloader:
        return "bootloader";
    case Mode::data_error_3:
        return "error";
    case Mode::erase_prompt:
        return "bootloader";
    case Mode::please_send:
        return "bootloader";
    }
    return "normal";
}

std::string MoogLittlePhattyModel::display_text() const {
    switch (m_mode) {
    case Mode::booting:
        return "MOOG\nLittle Phatty";
    case Mode::normal:
        if (!m_message.empty()) {
            return m_message;
        }
        return fmt::format("PRESET {:02}\nOS {}", m_current, firmware_version_text());
    case Mode::receiving:
        // "RX FIRMWARE" [C], then "RX STAGE 1/2" [R]; where one ends and the next begins is
        // modelled: first 10 % / up to half / second half of the bytes.
        if (m_fw_received * 10 < m_fw_expected) {
            return "RX FIRMWARE";
        }
        return m_fw_received * 2 < m_fw_expected ? "RX STAGE 1" : "RX STAGE 2";
    case Mode::stage1_error:
        return "Stage 1 Error\nCycle Power";
    case Mode::bootloader:
        return m_code_error_2 ? "SEND FIRMWARE SX\nCODE ERROR 2" : "SEND FIRMWARE SX";
    case Mode::data_error_3:
        return "SEND_FIRMWARE SX\nDATA ERROR 3";
    case Mode::erase_prompt:
        return "Update Firmware?\nPRESET=Yes";
    case Mode::please_send:
        return "Please Send Firmware";
    }
    return {};
}

std::optional<Time> MoogLittlePhattyModel::next_deadline() const {
    if (m_mode == Mode::booting) {
        return m_boot_done;
    }
    if (m_mode == Mode::normal && !m_message.empty()) {
        return m_message_until;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> MoogLittlePhattyModel::expected_transfer_bytes() const {
    if (m_mode == Mode::receiving) {
        return m_fw_expected;
    }
    return std::nullopt;
}

void MoogLittlePhattyModel::set_message(std::string text) {
    m_message = std::move(text);
    m_message_until = now() + kMessageTime;
}

bool MoogLittlePhattyModel::buffer_overflowed() const {
    return m_fill > static_cast<double>(kInputBufferBytes);
}

void MoogLittlePhattyModel::on_bytes_arrived(std::size_t count, Time t, Outputs& /*out*/) {
    // The buffer drains continuously; USB-MIDI is flow controlled (the unit NAKs while busy), so
    // only bytes that came over DIN fill it. A unit behind two cables sees both (input_link()).
    const double elapsed = std::chrono::duration<double>(t - m_fill_time).count();
    m_fill = std::max(0.0, m_fill - elapsed * kDrainBytesPerSecond);
    m_fill_time = t;
    if (input_link() == Link::din) {
        m_fill += static_cast<double>(count);
    }
    if (m_mode == Mode::booting) {
        // MIDI during power-up [R: "DATA ERROR 3 at boot (MIDI arrived during power-up)"].
        m_mode = Mode::data_error_3;
        reset_input();
        return;
    }
    if (m_mode == Mode::receiving && buffer_overflowed()) {
        firmware_failed();
    }
}

void MoogLittlePhattyModel::firmware_failed() {
    // A failure in the first half leaves the unit asking for a power cycle; in the second
    // half (or when already in the bootloader) it goes straight back to waiting [M mapping of
    // the reported messages].
    const bool stage1 = m_fw_received * 2 < m_fw_expected && m_firmware_valid;
    m_firmware_valid = false;
    m_code_error_2 = true;
    m_mode = stage1 ? Mode::stage1_error : Mode::bootloader;
    m_fw_received = 0;
    m_fw_expected = 0;
    reset_input();
}

void MoogLittlePhattyModel::on_partial_sysex(std::span<const std::uint8_t> so_far, Time /*now*/,
                                             Outputs& /*out*/) {
    // Not in please_send: OS 3.x takes PhattyLoader's Intel HEX, not SysEx [R].
    const bool can_receive =
        m_mode == Mode::normal || m_mode == Mode::bootloader || m_mode == Mode::receiving;
    if (!can_receive) {
        return;
    }
    const auto size = declared_block_size(so_far, kPrefix);
    if (!size) {
        return;
    }
    m_mode = Mode::receiving;
    m_fw_expected = *size;
    m_fw_received = so_far.size();
    if (buffer_overflowed()) {
        firmware_failed();
    }
}

void MoogLittlePhattyModel::on_aborted_sysex(std::span<const std::uint8_t> /*so_far*/, Time /*now*/,
                                             Outputs& /*out*/) {
    if (m_mode == Mode::receiving) {
        firmware_failed();
    }
}

void MoogLittlePhattyModel::on_sysex(const Received& message, Outputs& out) {
    const auto m = message.bytes;
    if (m_mode == Mode::stage1_error || m_mode == Mode::data_error_3 ||
        m_mode == Mode::erase_prompt || m_mode == Mode::booting) {
        return; // deaf until power-cycled / answered
    }
    if (m_mode == Mode::please_send) {
        return; // OS 3.x waits for PhattyLoader's Intel HEX, not SysEx [R]
    }
    if (const auto block = decode_firmware_block(m, kPrefix)) {
        m_fw_expected = m.size();
        m_fw_received = m.size();
        if (m_mode != Mode::receiving && m_mode != Mode::normal && m_mode != Mode::bootloader) {
            return;
        }
        m_mode = Mode::receiving;
        if (buffer_overflowed()) {
            // The buffer overran about kInputBufferBytes into the burst: stage 1.
            m_fw_received = kInputBufferBytes;
            firmware_failed();
            return;
        }
        if (!block->checksum_ok || block->count != 1) {
            m_fw_received = m.size(); // complete: a bad checksum is a stage 2 failure
            firmware_failed();
            return;
        }
        // Good update: the unit resets and boots the new OS [C: manual].
        m_version = block->version;
        m_firmware_valid = true;
        m_code_error_2 = false;
        m_fw_expected = 0;
        m_fw_received = 0;
        m_mode = Mode::booting;
        m_boot_done = now() + m_spec.power_up_time;
        reset_input();
        return;
    }
    if (m_mode == Mode::receiving) {
        return; // a non-firmware message in the middle of nothing: ignored
    }
    if (m_mode != Mode::normal) {
        return; // bootloader: only firmware
    }
    if (is_identity_request(m)) {
        if (auto reply = identity_reply(m_version)) {
            send(out, std::move(*reply));
        }
        return;
    }
    if (is_request(m)) {
        handle_request(m, out);
        return;
    }
    if (m.size() < 6 || m[1] != 0x04 || m[2] != 0x05) {
        return;
    }
    if (m.size() == kPresetBytes && m[4] == 0x03 && (m[3] == 0x05 || m[3] == 0x04)) {
        const Bytes data(m.begin() + 6, m.end() - 1);
        if (m[3] == 0x05) {
            // A received preset goes to the current preset location, whatever number it
            // carries [R: issue 14 quoting the LP manual; the page is not in our sources].
            m_presets[m_current] = data;
            set_message("RECEIVING SINGLE PRESET");
        } else if (m[3] == 0x04) {
            m_panel = data;
            set_message("RECEIVING SINGLE PRESET");
        }
        return;
    }
    // Both documented sizes, nothing between [C: dagargo/phatty phatty/connector.py set_bank()/
    // set_bulk(): 17142 or 17344 bank data bytes, 17275 or 17477 bulk data bytes, + F0/F7].
    if (m[3] == 0x01 && m[4] == 0x03 && (m.size() == 17144 || m.size() == 17346)) {
        m_bank.assign(m.begin(), m.end());
        set_message("RECEIVING ALL PRESETS");
        return;
    }
    if (m[3] == 0x03 && m[4] == 0x01 && (m.size() == 17277 || m.size() == 17479)) {
        m_bulk.assign(m.begin(), m.end());
        set_message("RECEIVING BULK DUMP");
    }
}

Bytes MoogLittlePhattyModel::preset_message(std::uint8_t type, std::size_t n) const {
    Bytes reply{0xF0, 0x04, 0x05, type, 0x03, static_cast<std::uint8_t>(n)};
    const Bytes& data = type == 0x04 ? m_panel : m_presets.at(n);
    reply.insert(reply.end(), data.begin(), data.end());
    reply.push_back(0xF7);
    return reply;
}

void MoogLittlePhattyModel::handle_request(std::span<const std::uint8_t> m, Outputs& out) {
    const std::uint8_t req = m[4];
    const std::uint8_t arg = m[5];
    switch (req) {
    case 0x03:
        send(out, preset_message(0x04, m_current));
        break; // panel [C]
    case 0x04:
        if (arg < kPresetCount) {
            send(out, preset_message(0x05, arg));
        }
        break;
    case 0x00:
        send(out, m_bank);
        break;
    case 0x02:
        send(out, m_bulk);
        break;
    default:
        break; // unknown requests: no answer [M]
    }
}

void MoogLittlePhattyModel::on_press(std::string_view button, Outputs& out) {
    if (button == "preset") {
        if (m_mode == Mode::erase_prompt) {
            m_firmware_valid = false; // the OS is erased [R]
            m_mode = Mode::please_send;
        } else if (m_mode == Mode::normal) {
            m_current = (m_current + 1) % kPresetCount;
        }
        return;
    }
    if (m_mode != Mode::normal) {
        return;
    }
    if (button == "sysex-send-preset") {
        send(out, preset_message(0x05, m_current), now());
    } else if (button == "sysex-send-all") {
        send(out, m_bank, now());
    } else if (button == "sysex-send-bulk") {
        send(out, m_bulk, now());
    }
}

void MoogLittlePhattyModel::on_power_on(std::span<const std::string> held, Outputs& /*out*/) {
    if (m_mode == Mode::receiving) {
        m_firmware_valid = false; // interrupted update [R]
    }
    m_message.clear();
    m_fw_expected = 0;
    m_fw_received = 0;
    m_fill = 0;
    m_fill_time = now();
    if (std::find(held.begin(), held.end(), "master") != held.end()) {
        if (m_version[0] >= 3) {
            m_mode = Mode::erase_prompt; // OS 3.x: "Update Firmware? PRESET=Yes" [R]
            return;
        }
        // OS 2.x: MASTER held skips the "SEND FIRMWARE SX" request [R: forum t/5050]. With a
        // damaged OS there is nothing else to run, so it still asks for firmware [M].
    }
    if (!m_firmware_valid) {
        m_mode = Mode::bootloader; // the "SEND FIRMWARE SX" loop [R]
        return;
    }
    m_mode = Mode::booting;
    m_boot_done = now() + m_spec.power_up_time;
}

void MoogLittlePhattyModel::on_power_loss(Outputs& out) {
    if (m_mode == Mode::receiving) {
        m_firmware_valid = false; // interrupted update [R]
    }
    on_power_on({}, out);
}

void MoogLittlePhattyModel::on_advance(Outputs& /*out*/) {
    if (m_mode == Mode::booting && now() >= m_boot_done) {
        m_mode = Mode::normal;
    }
    if (!m_message.empty() && now() >= m_message_until) {
        m_message.clear();
    }
}

} // namespace syx::emu
