#include "emulator/m_audio_code_model.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace syx::emu {

namespace {

// The reverse-engineered editor protocol's preset reply: F0 00 01 05 7F 31 <model> 63 0A 3B nn
// [R: "M-Audio CODE MIDI Keyboard: SysEx Reverse Engineering" notes; they show write "61 0a 3b
// xx" and reply command 63; model byte 06 as in ../shared/DEVICES.md, the notes' copy we read
// shows 05]. That a front-panel MEM. DUMP has the same layout is modelled [M].
constexpr std::uint8_t kPrefix[] = {0xF0, 0x00, 0x01, 0x05, 0x7F, 0x31, 0x06, 0x63, 0x0A, 0x3B};
constexpr std::size_t kDataBytes =
    MAudioCodeModel::kPresetBytes - MAudioCodeModel::kHeaderBytes - 1;

Bytes initial(std::size_t slot) {
    Bytes data(kDataBytes);
    const std::string name = fmt::format("USER{:02}", slot + 1); // 6 characters [R]
    for (std::size_t i = 0; i < kDataBytes; ++i) {
        data[i] = i < name.size() ? static_cast<std::uint8_t>(name[i])
                                  : static_cast<std::uint8_t>((i + slot * 5) & 0x7F);
    }
    return data;
}

std::string name_of(const Bytes& data) {
    std::string name;
    for (std::size_t i = 0; i < MAudioCodeModel::kNameBytes && i < data.size(); ++i) {
        const auto c = data[i];
        name.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
    }
    return name;
}

} // namespace

DeviceModelSpec MAudioCodeModel::default_spec() {
    DeviceModelSpec spec;
    spec.device_id = "m-audio-code";
    spec.display_name = "M-Audio Code 49";
    spec.link = Link::usb;
    // F0 7E 7F 06 02 00 01 05 31 06 31 30 34 34 F7: 15 bytes, shorter than the standard reply
    // [R: the reverse-engineering notes as cited in ../shared/DEVICES.md].
    spec.identity_reply = {0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x00, 0x01, 0x05,
                           0x31, 0x06, 0x31, 0x30, 0x34, 0x34, 0xF7};
    return spec;
}

MAudioCodeModel::MAudioCodeModel(DeviceModelSpec spec) : ModelBase(std::move(spec)) {
    for (std::size_t i = 0; i < kPresets; ++i) {
        m_stored.push_back(initial(i));
    }
    m_loaded = m_stored[0];
}

Bytes MAudioCodeModel::preset_message(std::size_t slot, const Bytes& data) {
    Bytes m(std::begin(kPrefix), std::end(kPrefix));
    m.push_back(static_cast<std::uint8_t>((slot + 1) & 0x7F)); // presets 01-0C [R]
    m.insert(m.end(), data.begin(), data.end());
    m.push_back(0xF7);
    return m;
}

std::vector<ModelNote> MAudioCodeModel::notes() const {
    return {
        {Confidence::confirmed, "Backup is a manual dump: EDIT, MEM. DUMP, arrows, ENTER; one "
                                "preset per dump; the vendor guide shows 256 bytes"},
        {Confidence::confirmed, "A preset sent back goes to the slot it came from and shows only "
                                "after a reload (up then down, or power cycle)"},
        {Confidence::reported, "Preset message F0 00 01 05 7F 31 06 63 0A 3B nn … F7, presets "
                               "01-0C, 6-character names (reverse-engineering notes)"},
        {Confidence::reported, "Identity reply F0 7E 7F 06 02 00 01 05 31 06 31 30 34 34 F7 "
                               "(15 bytes)"},
        {Confidence::modelled, "A MEM. DUMP uses the editor's reply layout; 256 bytes in all; "
                               "the editor handshake and read/write commands are not modelled"},
    };
}

std::vector<Button> MAudioCodeModel::buttons() const {
    return {
        {"edit", "EDIT", "Enters edit mode"},
        {"mem-dump", "MEM. DUMP", "In edit mode: choose a preset to dump"},
        {"up", "UP", "Next preset (reloads it)"},
        {"down", "DOWN", "Previous preset (reloads it)"},
        {"enter", "ENTER", "In MEM. DUMP: sends the chosen preset"},
    };
}

std::string MAudioCodeModel::display_text() const {
    switch (m_panel) {
    case Panel::play:
        return fmt::format("P{:02} {}", m_current + 1, name_of(m_loaded));
    case Panel::edit:
        return "EDIT";
    case Panel::mem_dump:
        return fmt::format("MEM. DUMP\nP{:02}", m_dump_slot + 1);
    }
    return {};
}

void MAudioCodeModel::select(std::size_t slot) {
    m_current = slot;
    m_loaded = m_stored[slot];
}

void MAudioCodeModel::on_sysex(const Received& message, Outputs& out) {
    const auto m = message.bytes;
    if (is_identity_request(m)) {
        if (auto reply = identity_reply({})) {
            send(out, std::move(*reply));
        }
        return;
    }
    if (m.size() != kPresetBytes ||
        !std::equal(std::begin(kPrefix), std::end(kPrefix), m.begin())) {
        return;
    }
    const std::size_t number = m[kHeaderBytes - 1];
    if (number < 1 || number > kPresets) {
        return; // 00 is the RAM (not a stored preset) [R]; above 0C: no such preset
    }
    const std::size_t slot = number - 1;
    // Stored in its own slot; what plays does not change until a reload [C].
    m_stored[slot].assign(m.begin() + kHeaderBytes, m.end() - 1);
}

void MAudioCodeModel::on_press(std::string_view button, Outputs& out) {
    if (button == "edit") {
        m_panel = m_panel == Panel::play ? Panel::edit : Panel::play;
    } else if (button == "mem-dump" && m_panel == Panel::edit) {
        m_panel = Panel::mem_dump;
        m_dump_slot = m_current;
    } else if (button == "up" || button == "down") {
        const std::size_t step = button == "up" ? 1 : kPresets - 1;
        if (m_panel == Panel::mem_dump) {
            m_dump_slot = (m_dump_slot + step) % kPresets;
        } else if (m_panel == Panel::play) {
            select((m_current + step) % kPresets);
        }
    } else if (button == "enter" && m_panel == Panel::mem_dump) {
        send(out, preset_message(m_dump_slot, m_stored[m_dump_slot]), now());
        m_panel = Panel::play;
    }
}

void MAudioCodeModel::on_power_on(std::span<const std::string> /*held*/, Outputs& /*out*/) {
    m_panel = Panel::play;
    select(m_current);
}

} // namespace syx::emu
