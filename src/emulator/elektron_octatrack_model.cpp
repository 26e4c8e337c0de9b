#include "emulator/elektron_octatrack_model.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "emulator/modelled_firmware.hpp"

namespace syx::emu {

namespace {
constexpr std::uint8_t kPrefix[] = {0x00, 0x20, 0x3C}; // Elektron [C]
}

DeviceModelSpec ElektronOctatrackModel::default_spec() {
    DeviceModelSpec spec;
    spec.device_id = "elektron-octatrack";
    spec.display_name = "Elektron Octatrack";
    spec.firmware_version = {0x01, 0x04, 0x00, 0x00}; // [M]
    spec.link = Link::din;                            // upgrades over DIN only [R]
    // No minimum gap: a community flashing guide sends the OS with SysEx Librarian and only
    // suggests 100-300 ms pauses if the transfer loses sync [R: Zac-Kyoti/octatrack-kyoti-fw
    // FLASHING.md]; messages at the DIN rate are taken here [M].
    spec.min_gap_after_message = std::chrono::milliseconds{0};
    spec.power_up_time = std::chrono::milliseconds{3000}; // [M]
    return spec;
}

ElektronOctatrackModel::ElektronOctatrackModel(DeviceModelSpec spec)
    : ModelBase(std::move(spec)), m_version(m_spec.firmware_version) {}

std::vector<ModelNote> ElektronOctatrackModel::notes() const {
    return {
        {Confidence::confirmed, "Does not accept SysEx data dumps; back up by copying the set "
                                "folder from the CF card"},
        {Confidence::reported, "Firmware over DIN MIDI only: hold FUNC at power-on, TRIG 3 MIDI "
                               "UPGRADE, READY TO RECEIVE, PREPARING FLASH, UPDATING FLASH"},
        {Confidence::reported, "The startup menu survives bad updates; 100-300 ms pauses help "
                               "when it loses sync"},
        {Confidence::reported, "The loader's own errors include CHKSUM ERROR and DOWNGRADE NOT "
                               "POSSIBLE"},
        {Confidence::modelled, "Short gaps at the DIN rate are fine; a damaged or out-of-order "
                               "block shows CHKSUM ERROR; firmware layout F0 00 20 3C 7E … is our "
                               "invention; the no-OS text is ours"},
    };
}

std::vector<Button> ElektronOctatrackModel::buttons() const {
    return {
        {"func", "FUNC", "Hold at power-on for the startup menu"},
        {"trig-3", "TRIG 3", "In the startup menu: MIDI UPGRADE"},
    };
}

std::string ElektronOctatrackModel::firmware_version_text() const {
    if (!m_os_valid) {
        return {};
    }
    return fmt::format("{}.{}{}", m_version[0], m_version[1], m_version[2]);
}

std::string ElektronOctatrackModel::mode() const {
    switch (m_mode) {
    case Mode::booting:
        return "booting";
    case Mode::normal:
        return "normal";
    case Mode::startup_menu:
    case Mode::ready:
        return "bootloader";
    case Mode::preparing:
    case Mode::updating:
        return "receiving-firmware";
    case Mode::sync_lost:
    case Mode::no_os:
        return "error";
    }
    return "normal";
}

std::string ElektronOctatrackModel::display_text() const {
    switch (m_mode) {
    case Mode::booting:
        return "OCTATRACK";
    case Mode::normal:
        return fmt::format("OCTATRACK\nOS {}", firmware_version_text());
    case Mode::startup_menu:
        return "STARTUP MENU\nTRIG 3: MIDI UPGRADE";
    case Mode::ready:
        return "READY TO RECEIVE";
    case Mode::preparing:
        return "PREPARING FLASH";
    case Mode::updating:
        return "UPDATING FLASH";
    case Mode::sync_lost:
        return "CHKSUM ERROR"; // the loader's error text [R]; what triggers it is modelled
    case Mode::no_os:
        return "NO VALID OS\nHOLD FUNC AT POWER ON";
    }
    return {};
}

std::optional<Time> ElektronOctatrackModel::next_deadline() const {
    if (m_mode == Mode::booting) {
        return m_boot_done;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> ElektronOctatrackModel::expected_transfer_bytes() const {
    if (m_mode == Mode::preparing || m_mode == Mode::updating) {
        return static_cast<std::uint64_t>(m_expected * m_block_bytes);
    }
    return std::nullopt;
}

void ElektronOctatrackModel::lose_sync() {
    m_mode = Mode::sync_lost;
    m_os_valid = false; // flash partly written; the startup menu survives [R]
    m_blocks = 0;
}

void ElektronOctatrackModel::on_sysex(const Received& message, Outputs& /*out*/) {
    const bool upgrading =
        m_mode == Mode::ready || m_mode == Mode::preparing || m_mode == Mode::updating;
    // USB does not work for upgrades [R]: only the DIN link reaches the upgrade code.
    if (!upgrading || m_spec.link != Link::din) {
        ++m_ignored; // no SysEx dumps, no SysEx in the sequencer [C]
        return;
    }
    const auto block = decode_firmware_block(message.bytes, kPrefix);
    // The Octatrack's own minimum gap is zero (default_spec); a manifest-driven spec may still
    // ask for one, and a device given a gap rule holds the sender to it.
    if (m_mode != Mode::ready && message.gap_before &&
        *message.gap_before < m_spec.min_gap_after_message) {
        lose_sync();
        return;
    }
    if (!block || !block->checksum_ok || block->index != m_blocks ||
        (m_mode != Mode::ready && block->count != m_expected)) {
        if (m_mode == Mode::ready) {
            ++m_ignored;
            return;
        }
        lose_sync();
        return;
    }
    if (m_mode == Mode::ready) {
        m_expected = block->count;
        m_block_bytes = message.bytes.size();
        m_incoming = block->version;
        m_mode = Mode::preparing;
    } else {
        m_mode = Mode::updating;
    }
    ++m_blocks;
    if (m_blocks == m_expected) {
        m_version = m_incoming;
        m_os_valid = true;
        m_blocks = 0;
        m_mode = Mode::booting; // restarts into the new OS [M]
        m_boot_done = now() + m_spec.power_up_time;
    }
}

void ElektronOctatrackModel::on_press(std::string_view button, Outputs& /*out*/) {
    if (button == "trig-3" && (m_mode == Mode::startup_menu || m_mode == Mode::sync_lost)) {
        m_mode = Mode::ready;
        m_blocks = 0;
    }
}

void ElektronOctatrackModel::on_power_on(std::span<const std::string> held, Outputs& /*out*/) {
    if (m_mode == Mode::preparing || m_mode == Mode::updating) {
        m_os_valid = false; // switched off mid-update
    }
    m_blocks = 0;
    if (std::find(held.begin(), held.end(), "func") != held.end()) {
        m_mode = Mode::startup_menu;
        return;
    }
    if (!m_os_valid) {
        m_mode = Mode::no_os;
        return;
    }
    m_mode = Mode::booting;
    m_boot_done = now() + m_spec.power_up_time;
}

void ElektronOctatrackModel::on_power_loss(Outputs& out) {
    if (m_mode == Mode::preparing || m_mode == Mode::updating) {
        m_os_valid = false;
    }
    on_power_on({}, out);
}

void ElektronOctatrackModel::on_advance(Outputs& /*out*/) {
    if (m_mode == Mode::booting && now() >= m_boot_done) {
        m_mode = Mode::normal;
    }
}

} // namespace syx::emu
