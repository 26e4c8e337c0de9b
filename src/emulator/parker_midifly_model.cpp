#include "emulator/parker_midifly_model.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "emulator/modelled_firmware.hpp"

namespace syx::emu {

namespace {

constexpr std::uint8_t kPrefix[] = {0x00, 0x01, 0x25}; // [C]

// The documented 24-byte settings messages [C: manual]; kChannel marks the channel byte.
constexpr int kChannel = -1;
constexpr std::array<int, 24> kSingleChannel = {0xF0, 0x00, 0x01, 0x25, 0x27, 0x00, 0x00,     0x00,
                                                0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0A,     0x03,
                                                0x02, 0x00, 0x00, 0x00, 0x00, 0x00, kChannel, 0xF7};
constexpr std::array<std::array<int, 24>, 3> kStringChannel = {{
    {0xF0, 0x00, 0x01, 0x25, 0x21, 0x00, 0x02,     0x00, 0x00, 0x00, 0x01, 0x00,
     0x00, 0x00, 0x02, 0x09, 0x0D, 0x00, kChannel, 0x00, 0x00, 0x00, 0x00, 0xF7},
    {0xF0, 0x00, 0x01, 0x25, 0x22, 0x00, 0x02,     0x00, 0x00, 0x00, 0x01, 0x00,
     0x00, 0x00, 0x00, 0x09, 0x0D, 0x00, kChannel, 0x00, 0x00, 0x00, 0x00, 0xF7},
    {0xF0, 0x00, 0x01, 0x25, 0x23, 0x00, 0x01,     0x00, 0x00, 0x00, 0x01, 0x00,
     0x00, 0x00, 0x02, 0x09, 0x0D, 0x00, kChannel, 0x00, 0x00, 0x00, 0x00, 0xF7},
}};

// The channel (0–15) when `m` matches `pattern`, else nullopt.
std::optional<std::uint8_t> match(std::span<const std::uint8_t> m,
                                  const std::array<int, 24>& pattern) {
    if (m.size() != pattern.size()) {
        return std::nullopt;
    }
    std::optional<std::uint8_t> channel;
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (pattern[i] == kChannel) {
            if (m[i] > 0x0F) {
                return std::nullopt;
            }
            channel = m[i];
        } else if (m[i] != pattern[i]) {
            return std::nullopt;
        }
    }
    return channel;
}

} // namespace

DeviceModelSpec ParkerMidiflyModel::default_spec() {
    DeviceModelSpec spec;
    spec.device_id = "parker-midifly";
    spec.display_name = "Parker MIDIFly";
    spec.firmware_version = {0x01, 0x00, 0x00, 0x00}; // [M]
    spec.link = Link::din;
    spec.min_gap_after_message = std::chrono::milliseconds{150}; // [C: manual]
    return spec;
}

ParkerMidiflyModel::ParkerMidiflyModel(DeviceModelSpec spec)
    : ModelBase(std::move(spec)), m_version(m_spec.firmware_version) {}

std::vector<ModelNote> ParkerMidiflyModel::notes() const {
    return {
        {Confidence::confirmed, "Firmware = a series of SysEx messages; at least 150 ms between "
                                "messages, else program memory is overwritten"},
        {Confidence::confirmed, "Recovery button puts the system into a known state before "
                                "upgrading again"},
        {Confidence::confirmed, "Settings: single channel select and multi-channel strings 1-3 "
                                "(24-byte messages from the manual)"},
        {Confidence::modelled, "Strings 4-6 and 'restore defaults': bytes unknown, unavailable"},
        {Confidence::modelled, "Firmware message layout (F0 00 01 25 7E …) is our invention"},
        {Confidence::modelled, "Any other F0 00 01 25 message overwrites program memory (the "
                               "manual warns the device does not protect itself)"},
        {Confidence::modelled, "No identity reply, no ACK; gap measured from F7 to next F0 at "
                               "the guitar's input"},
    };
}

std::vector<Button> ParkerMidiflyModel::buttons() const {
    return {{"recovery", "Recovery",
             "Puts the system into a known state after memory corruption (then upgrade again)"}};
}

std::string ParkerMidiflyModel::firmware_version_text() const {
    if (m_memory == Memory::corrupted || m_memory == Memory::recovered) {
        return {};
    }
    return fmt::format("{}.{}.{}.{}", m_version[0], m_version[1], m_version[2], m_version[3]);
}

std::string ParkerMidiflyModel::mode() const {
    switch (m_memory) {
    case Memory::ok:
        return "normal";
    case Memory::upgrading:
        return "receiving-firmware";
    case Memory::corrupted:
        return "error";
    case Memory::recovered:
        return "bootloader";
    }
    return "normal";
}

std::string ParkerMidiflyModel::display_text() const {
    switch (m_memory) {
    case Memory::ok:
        return fmt::format("Ready (software {})", firmware_version_text());
    case Memory::upgrading:
        return fmt::format("Upgrading: message {} of {}", m_blocks, m_expected_blocks);
    case Memory::corrupted:
        return "Program memory corrupted\nPress Recovery, then upgrade again";
    case Memory::recovered:
        return "Recovered (known state)\nWaiting for upgrade";
    }
    return {};
}

std::optional<std::uint64_t> ParkerMidiflyModel::expected_transfer_bytes() const {
    if (m_memory == Memory::upgrading) {
        return static_cast<std::uint64_t>(m_expected_blocks * m_first_block_bytes);
    }
    return std::nullopt;
}

void ParkerMidiflyModel::corrupt(std::string reason) {
    m_memory = Memory::corrupted;
    m_reason = std::move(reason);
    m_blocks = 0;
}

bool ParkerMidiflyModel::apply_setting(std::span<const std::uint8_t> m) {
    if (const auto ch = match(m, kSingleChannel)) {
        m_settings.single_channel_mode = true;
        m_settings.single_channel = *ch;
        return true;
    }
    for (std::size_t s = 0; s < kStringChannel.size(); ++s) {
        if (const auto ch = match(m, kStringChannel[s])) {
            m_settings.string_channel[s] = *ch;
            return true;
        }
    }
    return false;
}

void ParkerMidiflyModel::on_sysex(const Received& message, Outputs& /*out*/) {
    const auto m = message.bytes;
    if (m.size() < 5 || !std::equal(std::begin(kPrefix), std::end(kPrefix), m.begin() + 1)) {
        return; // not for us
    }
    if (m_memory == Memory::ok && apply_setting(m)) {
        return;
    }
    const auto block = decode_firmware_block(m, kPrefix);
    if (m_memory == Memory::corrupted) {
        return; // needs the Recovery button first [C]
    }
    if (!block) {
        corrupt("a message that is not part of a MIDIFly upgrade was written to program memory");
        return;
    }
    if (m_memory == Memory::upgrading && message.gap_before &&
        *message.gap_before < m_spec.min_gap_after_message) {
        corrupt(fmt::format(
            "only {} ms between messages {} and {} (needs 150 ms)",
            std::chrono::duration_cast<std::chrono::milliseconds>(*message.gap_before).count(),
            m_blocks, m_blocks + 1));
        return;
    }
    if (!block->checksum_ok || block->index != m_blocks ||
        (m_memory == Memory::upgrading && block->count != m_expected_blocks)) {
        corrupt(fmt::format("message {} arrived damaged or out of order", m_blocks + 1));
        return;
    }
    if (block->index == 0) {
        m_memory = Memory::upgrading;
        m_expected_blocks = block->count;
        m_first_block_bytes = m.size();
        m_incoming_version = block->version;
    }
    ++m_blocks;
    if (m_blocks == m_expected_blocks) {
        m_version = m_incoming_version;
        m_memory = Memory::ok;
        m_blocks = 0;
    }
}

void ParkerMidiflyModel::on_press(std::string_view button, Outputs& /*out*/) {
    if (button == "recovery") {
        m_memory = Memory::recovered;
        m_blocks = 0;
        m_reason.clear();
    }
}

void ParkerMidiflyModel::on_power_on(std::span<const std::string> /*held*/, Outputs& /*out*/) {
    if (m_memory == Memory::upgrading) {
        corrupt("power was removed during the upgrade");
    }
    m_blocks = 0;
}

void ParkerMidiflyModel::on_power_loss(Outputs& out) {
    on_power_on({}, out);
}

} // namespace syx::emu
