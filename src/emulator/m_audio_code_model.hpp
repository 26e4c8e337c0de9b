#pragma once
// M-Audio Code series. Sources: the M-Audio support article (../shared/seeds/000: manual dump,
// 256 bytes, reload) and the "M-Audio CODE MIDI Keyboard: SysEx Reverse Engineering" notes
// (handshake 6D, read preset 62, reply 63, write 61 0A 3B xx; 00 = RAM) [R].
#include <cstdint>
#include <vector>

#include "emulator/model_base.hpp"

namespace syx::emu {

class MAudioCodeModel : public ModelBase {
public:
    enum class Panel { play, edit, mem_dump };
    // Presets 01-0C and 6-character names [R: the Code reverse-engineering notes as cited in
    // ../shared/DEVICES.md; the version of the notes we could read does not list them].
    static constexpr std::size_t kPresets = 12;
    static constexpr std::size_t kPresetBytes = 256; // vendor guide example [C]
    // F0 00 01 05 7F 31 06 63 0A 3B nn: the read-preset reply (command 63) and the write form
    // "61 0a 3b xx" of the reverse-engineering notes [R]; nn = preset 01-0C (00 = RAM).
    static constexpr std::size_t kHeaderBytes = 11;
    static constexpr std::size_t kNameBytes = 6;

    explicit MAudioCodeModel(DeviceModelSpec spec);
    static DeviceModelSpec default_spec();

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override;
    [[nodiscard]] std::string firmware_version_text() const override { return {}; }
    [[nodiscard]] std::string mode() const override { return "normal"; }
    [[nodiscard]] std::vector<ModelNote> notes() const override;

    [[nodiscard]] const Bytes& stored(std::size_t slot) const { return m_stored.at(slot); }
    [[nodiscard]] const Bytes& loaded() const { return m_loaded; }
    [[nodiscard]] std::size_t current() const { return m_current; }
    [[nodiscard]] Panel panel() const { return m_panel; }

    // A preset message as the Code sends it (0-based slot; on the wire 01-0C), for tests.
    static Bytes preset_message(std::size_t slot, const Bytes& data);

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_press(std::string_view button, Outputs& out) override;
    void on_power_on(std::span<const std::string> held, Outputs& out) override;

private:
    void select(std::size_t slot);

    std::vector<Bytes> m_stored; // data bytes (kPresetBytes - header - F7)
    Bytes m_loaded;              // what the keyboard plays/shows (a copy made when selected)
    std::size_t m_current = 0;
    std::size_t m_dump_slot = 0;
    Panel m_panel = Panel::play;
};

} // namespace syx::emu
