#include "emulator/gligli_prophet600_model.hpp"

#include <algorithm>
#include <array>

#include <fmt/core.h>

namespace syx::emu {

namespace {
constexpr std::uint8_t kPrefix[] = {0xF0, 0x00, 0x61, 0x16, 0x6B};
constexpr std::array<std::uint8_t, 8> kEnd = {0xF0, 0x00, 0x61, 0x16, 0x6B, 0x00, 0x00, 0xF7};
// Size of the 2.0992 release file (183 × 333 + 8) [C: fixture]; used for "unplug-at=P%".
constexpr std::uint64_t kReleaseBytes = 183 * 333 + 8;
constexpr std::array<const char*, 4> kSpinner = {"|", "/", "-", "\\"};
} // namespace

DeviceModelSpec GligliProphet600Model::default_spec() {
    DeviceModelSpec spec;
    spec.device_id = "gligli-prophet-600";
    spec.display_name = "Sequential Prophet-600 (GliGli firmware)";
    spec.link = Link::din;
    spec.min_gap_after_message = std::chrono::milliseconds{250}; // [C]
    return spec;
}

GligliProphet600Model::GligliProphet600Model(DeviceModelSpec spec) : ModelBase(std::move(spec)) {}

std::vector<ModelNote> GligliProphet600Model::notes() const {
    return {
        {Confidence::confirmed, "Power on holding To Tape + From Tape: display U (waiting)"},
        {Confidence::confirmed, "Firmware = 333-byte messages F0 00 61 16 6B 02 … and the end "
                                "message F0 00 61 16 6B 00 00 F7"},
        {Confidence::confirmed, "Needs at least 250 ms after each F7; S = success, E = error "
                                "(send again until success)"},
        {Confidence::modelled, "Block contents are not checked; a power loss while flashing "
                               "leaves no firmware (blank display until U mode is used)"},
    };
}

std::vector<Button> GligliProphet600Model::buttons() const {
    return {
        {"to-tape", "TO TAPE", "Hold with FROM TAPE at power-on for the firmware loader"},
        {"from-tape", "FROM TAPE", "Hold with TO TAPE at power-on for the firmware loader"},
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

void GligliProphet600Model::on_sysex(const Received& message, Outputs& /*out*/) {
    if (m_mode != Mode::waiting && m_mode != Mode::receiving && m_mode != Mode::error) {
        return; // the normal firmware ignores these [M]
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
    if (m_mode == Mode::error && is_end) {
        return; // the end of a failed transfer: still E
    }
    if (m_mode == Mode::error) {
        // "Repeat until success": the loader starts over with the next transfer [C]; the
        // gap requirement still applies between its messages.
        m_mode = Mode::waiting;
        m_blocks = 0;
    }
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
