#pragma once
// M-Audio Code series. Facts: DEVICES.md "M-Audio Code series" (vendor guide in seeds/).
#include <cstdint>
#include <vector>

#include "emulator/model_base.hpp"

namespace syx::emu {

class MAudioCodeModel : public ModelBase {
public:
    enum class Panel { play, edit, mem_dump };
    static constexpr std::size_t kPresets = 10;      // [M]
    static constexpr std::size_t kPresetBytes = 256; // vendor guide example [C]
    static constexpr std::size_t kHeaderBytes = 9;   // F0 00 01 05 7F 31 06 63 nn [M/R]
    static constexpr std::size_t kNameBytes = 8;     // [M]

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

    // A preset message as the Code sends it (modelled layout), for tests and demos.
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
