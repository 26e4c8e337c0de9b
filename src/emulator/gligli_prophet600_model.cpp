#include "emulator/gligli_prophet600_model.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <utility>

#include <fmt/core.h>

#include "core/checksum.hpp"

namespace syx::emu {

namespace {
constexpr std::uint8_t kPrefix[] = {0xF0, 0x00, 0x61, 0x16, 0x6B};
constexpr std::array<std::uint8_t, 8> kEnd = {0xF0, 0x00, 0x61, 0x16, 0x6B, 0x00, 0x00, 0xF7};
// Size of the 2.0992 release file (183 × 333 + 8) [C: fixture]; used for "unplug-at=P%".
constexpr std::uint64_t kReleaseBytes = 183 * 333 + 8;
constexpr std::array<const char*, 4> kSpinner = {"|", "/", "-", "\\"};
// Each page carries a CRC-16/XMODEM (poly 1021, init 0, no reflection) over the 7-bit bytes from
// the page size to the last data byte, sent as (crc>>9)&7F, (crc>>2)&7F, crc&3; the updater
// checks it and shows E on a mismatch [C: gligli/p600fw documentation/latex/sysex_firmware.tex,
// fw2syx/fw2syx.py, firmware/p600firmware.c updater_main()]. Same parameters as the manifest's
// [firmware.grammar.messages.checksum], computed by the same core CRC.
constexpr CrcModel kPageCrc{16, 0x1021, 0, false, false, 0};
constexpr std::size_t kCrcFrom = 5;      // the page size's first byte
constexpr std::size_t kCrcWireBytes = 3; // 7 + 7 + 2 bits before F7

// nullopt when the page's CRC is right, else {carried, computed}.
std::optional<std::pair<std::uint32_t, std::uint32_t>>
page_crc_mismatch(std::span<const std::uint8_t> page) {
    const std::size_t end = page.size() - 1 - kCrcWireBytes;
    const std::uint32_t computed = crc_of(kPageCrc, page.subspan(kCrcFrom, end - kCrcFrom));
    const std::uint32_t carried = (std::uint32_t{page[end]} << 9) |
                                  (std::uint32_t{page[end + 1]} << 2) | (page[end + 2] & 0x03U);
    if (carried == computed) {
        return std::nullopt;
    }
    return std::pair{carried, computed};
}

// gligli/p600fw sysex_patch.tex: "F0", signature "00 61 16", patch dump type "01", data in
// blocks of 5 MIDI bytes, "F7". common/midi.c: SYSEX_COMMAND_PATCH_DUMP 1,
// SYSEX_COMMAND_PATCH_DUMP_REQUEST 2 (request: F0 00 61 16 02 <patch number> F7).
constexpr std::uint8_t kPatchDump = 0x01;
constexpr std::uint8_t kPatchRequest = 0x02;
// Storage page: patch number, Storage Magic 00 61 16 A5, storage version 8 [C: sysex_patch.tex];
// the parameters after it are opaque here, and a page's length is modelled (a real dump holds
// the parameters up to the last non-zero one, in whole blocks).
constexpr std::size_t kStorageBytes = 160;  // [M]
constexpr std::size_t kFactoryPatches = 10; // slots 0-9 hold patches, the rest are empty [M]

Bytes storage_page(std::uint8_t number, std::uint8_t seed) {
    Bytes page{number, 0x00, 0x61, 0x16, 0xA5, 0x08};
    for (std::size_t i = page.size(); i < kStorageBytes; ++i) {
        page.push_back(static_cast<std::uint8_t>((i * 13 + seed * 7) & 0xFF));
    }
    return page;
}

// common/midi.c sysexDescrambleBuffer: 5 MIDI bytes → 4 bytes; the fifth carries the high bits.
Bytes decode_blocks(std::span<const std::uint8_t> midi) {
    Bytes out;
    for (std::size_t i = 0; i + 5 <= midi.size(); i += 5) {
        const std::uint8_t high = midi[i + 4];
        for (std::size_t k = 0; k < 4; ++k) {
            out.push_back(static_cast<std::uint8_t>(midi[i + k] | (((high >> k) & 1U) << 7)));
        }
    }
    return out;
}
} // namespace

Bytes GligliProphet600Model::patch_message(const Bytes& storage) {
    // common/midi.c sysexSend: 4 bytes → 4 low-7-bit bytes + 1 byte of their high bits.
    Bytes m{0xF0, 0x00, 0x61, 0x16, kPatchDump};
    for (std::size_t i = 0; i < storage.size(); i += 4) {
        std::array<std::uint8_t, 4> chunk{};
        for (std::size_t k = 0; k < 4 && i + k < storage.size(); ++k) {
            chunk[k] = storage[i + k];
        }
        std::uint8_t high = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            m.push_back(static_cast<std::uint8_t>(chunk[k] & 0x7F));
            high = static_cast<std::uint8_t>(high | (((chunk[k] >> 7) & 1U) << k));
        }
        m.push_back(high);
    }
    m.push_back(0xF7);
    return m;
}

DeviceModelSpec GligliProphet600Model::default_spec() {
    DeviceModelSpec spec;
    spec.device_id = "gligli-prophet-600";
    spec.display_name = "Sequential Prophet-600 (GliGli firmware)";
    spec.link = Link::din;
    spec.min_gap_after_message = std::chrono::milliseconds{250}; // [C]
    return spec;
}

GligliProphet600Model::GligliProphet600Model(DeviceModelSpec spec) : ModelBase(std::move(spec)) {
    for (std::size_t n = 0; n < kFactoryPatches; ++n) {
        m_patches[n] = storage_page(static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n));
    }
    m_current_patch = *m_patches[0];
}

std::vector<ModelNote> GligliProphet600Model::notes() const {
    return {
        {Confidence::confirmed, "Power on holding To Tape + From Tape: display U (waiting)"},
        {Confidence::confirmed, "Firmware = 333-byte messages F0 00 61 16 6B 02 … and the end "
                                "message F0 00 61 16 6B 00 00 F7"},
        {Confidence::confirmed, "Needs at least 250 ms after each F7; S = success, E = error "
                                "(send again until success)"},
        {Confidence::confirmed, "Every page's CRC-16/XMODEM is checked; a mismatch shows E"},
        {Confidence::modelled, "A power loss while flashing leaves no firmware (blank display "
                               "until U mode is used)"},
        {Confidence::confirmed, "Patch dump F0 00 61 16 01 <5-byte blocks: patch number, Storage "
                                "Magic 00 61 16 A5, storage version, parameters> F7"},
        {Confidence::confirmed, "SHIFT then RECORD: patch management mode; PRESET there dumps "
                                "every stored patch, empty slots skipped"},
        {Confidence::confirmed, "A patch received in patch management mode is stored at its "
                                "number; otherwise it only loads into the active controls"},
        {Confidence::confirmed, "Patch dump request F0 00 61 16 02 <n> F7 answered for a stored "
                                "patch (later GliGli versions)"},
        {Confidence::modelled, "Ten factory patches in slots 0-9, 160 storage bytes each"},
    };
}

std::vector<Button> GligliProphet600Model::buttons() const {
    return {
        {"to-tape", "TO TAPE", "Hold with FROM TAPE at power-on for the firmware loader"},
        {"from-tape", "FROM TAPE", "Hold with TO TAPE at power-on for the firmware loader"},
        {"shift", "SHIFT", "With RECORD: enter patch management mode"},
        {"record", "RECORD", "After SHIFT: enter patch management mode; again: leave it"},
        {"preset", "PRESET", "In patch management mode: dump every stored patch"},
    };
}

std::string GligliProphet600Model::firmware_version_text() const {
    if (!m_firmware_valid) {
        return {};
    }
    return m_flashed_blocks ? fmt::format("gligli ({} blocks)", m_flashed_blocks) : "factory";
}

std::string GligliProphet600Model::mode() const {
    switch (m_mode) {
    case Mode::normal:
        return "normal";
    case Mode::waiting:
        return "bootloader";
    case Mode::receiving:
        return "receiving-firmware";
    case Mode::success:
        return "bootloader";
    case Mode::error:
        return "error";
    case Mode::no_firmware:
        return "error";
    }
    return "normal";
}

std::string GligliProphet600Model::display_text() const {
    switch (m_mode) {
    case Mode::normal:
        // Patch management mode: the number of the patch last stored from MIDI [C: patchmgmt
        // .tex]; otherwise the program number.
        if (m_patch_management && m_last_stored) {
            return fmt::format("{:02}", *m_last_stored);
        }
        return "00";
    case Mode::waiting:
        return "U";
    case Mode::receiving:
        return kSpinner[m_blocks % kSpinner.size()]; // spinning [C]
    case Mode::success:
        return "S";
    case Mode::error:
        return "E";
    case Mode::no_firmware:
        return "";
    }
    return {};
}

std::optional<std::uint64_t> GligliProphet600Model::expected_transfer_bytes() const {
    if (m_mode == Mode::waiting || m_mode == Mode::receiving) {
        return kReleaseBytes;
    }
    return std::nullopt;
}

void GligliProphet600Model::fail(std::string reason) {
    m_mode = Mode::error;
    m_reason = std::move(reason);
    m_firmware_valid = false;
    m_blocks = 0;
}

void GligliProphet600Model::on_patch_message(std::span<const std::uint8_t> m, Outputs& out) {
    if (m.size() < 7 || m[1] != 0x00 || m[2] != 0x61 || m[3] != 0x16) {
        return; // not our signature: ignored [C: sysex_patch.tex]
    }
    if (m[4] == kPatchRequest && m.size() == 7) {
        const std::uint8_t n = m[5];
        if (n < m_patches.size() && m_patches[n]) {
            send(out, patch_message(*m_patches[n]));
        }
        return;
    }
    if (m[4] != kPatchDump) {
        return;
    }
    const Bytes storage = decode_blocks(m.subspan(5, m.size() - 6));
    if (storage.size() < 6 || storage[1] != 0x00 || storage[2] != 0x61 || storage[3] != 0x16 ||
        storage[4] != 0xA5) {
        return; // no Storage Magic: ignored [C: sysex_patch.tex]
    }
    if (m_patch_management) {
        if (storage[0] < m_patches.size()) {
            m_patches[storage[0]] = storage; // stored at its number [C: patchmgmt.tex]
            m_last_stored = storage[0];
        }
        return;
    }
    m_current_patch = storage; // preset mode: active controls only, never stored [C]
}

void GligliProphet600Model::on_press(std::string_view button, Outputs& out) {
    if (m_mode != Mode::normal) {
        return;
    }
    if (button == "shift") {
        m_shift = true;
        return;
    }
    if (button == "record") {
        if (m_patch_management) {
            m_patch_management = false; // RECORD leaves the mode [C: patchmgmt.tex]
        } else if (m_shift) {
            m_patch_management = true;
            m_last_stored.reset();
        }
        m_shift = false;
        return;
    }
    m_shift = false;
    if (button == "preset" && m_patch_management) {
        // "Dump entire patch bank": only valid presets; unused slots are skipped [C].
        for (const auto& p : m_patches) {
            if (p) {
                send(out, patch_message(*p), now());
            }
        }
    }
}

void GligliProphet600Model::on_sysex(const Received& message, Outputs& out) {
    if (m_mode == Mode::normal) {
        on_patch_message(message.bytes, out);
        return;
    }
    if (m_mode != Mode::waiting && m_mode != Mode::receiving) {
        // No firmware; or E/S shown: the updater then loops forever and reads nothing more until
        // it is switched off ("repeat until success" starts again from power-on with the tape
        // buttons) [C: gligli/p600fw firmware/p600firmware.c updater_main(), "loop infinitely"].
        return;
    }
    const auto m = message.bytes;
    const bool ours =
        m.size() >= 6 && std::equal(std::begin(kPrefix), std::end(kPrefix), m.begin());
    if (!ours) {
        if (m_mode == Mode::receiving) {
            fail("a message that is not P600 firmware arrived");
        }
        return;
    }
    const bool is_end = std::equal(m.begin(), m.end(), kEnd.begin(), kEnd.end());
    if (m_mode == Mode::receiving && message.gap_before &&
        *message.gap_before < m_spec.min_gap_after_message) {
        fail(fmt::format(
            "only {} ms after message {} (needs 250 ms after each F7)",
            std::chrono::duration_cast<std::chrono::milliseconds>(*message.gap_before).count(),
            m_blocks));
        return;
    }
    if (is_end) {
        if (m_mode == Mode::receiving && m_blocks > 0) {
            m_mode = Mode::success;
            m_flashed_blocks = m_blocks;
            m_firmware_valid = true;
        } else {
            fail("end message without firmware blocks");
        }
        return;
    }
    if (m.size() != kBlockBytes || m[5] != 0x02) {
        fail(fmt::format("message {} is {} bytes, expected 333", m_blocks + 1, m.size()));
        return;
    }
    if (const auto bad = page_crc_mismatch(m)) {
        fail(fmt::format("page message {}: CRC {:04X} carried, {:04X} computed", m_blocks + 1,
                         bad->first, bad->second));
        return;
    }
    m_mode = Mode::receiving;
    ++m_blocks;
}

void GligliProphet600Model::on_aborted_sysex(std::span<const std::uint8_t> /*so_far*/, Time /*now*/,
                                             Outputs& /*out*/) {
    if (m_mode == Mode::receiving) {
        fail("a message was cut short");
    }
}

void GligliProphet600Model::on_power_on(std::span<const std::string> held, Outputs& /*out*/) {
    if (m_mode == Mode::receiving) {
        m_firmware_valid = false; // switched off mid-flash [M]
    }
    const bool to_tape = std::find(held.begin(), held.end(), "to-tape") != held.end();
    const bool from_tape = std::find(held.begin(), held.end(), "from-tape") != held.end();
    m_blocks = 0;
    m_patch_management = false;
    m_shift = false;
    if (to_tape && from_tape) {
        m_mode = Mode::waiting;
        return;
    }
    m_mode = m_firmware_valid ? Mode::normal : Mode::no_firmware;
}

void GligliProphet600Model::on_power_loss(Outputs& out) {
    if (m_mode == Mode::receiving) {
        m_firmware_valid = false;
    }
    on_power_on({}, out);
}

} // namespace syx::emu
