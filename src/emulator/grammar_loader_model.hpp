#pragma once
// A firmware loader driven by a manifest's [firmware.grammar] (issue 15): it decodes every
// message by the same grammar the validator uses, checks the same checksums, and does on a bad
// block what the manifest says the real loader does — skip it silently (Mutable Instruments
// AVR loaders), stop with an error on the display (Yarns "Er"), or answer an error message
// (MIOS8 0E 03). At the sequence's last message (or, for a loader without an end message, after
// a pause) it checks the whole image (size, image CRC) as the loader would and restarts with it.
//
// What is per device here and not in the manifest (the panel): which buttons start the loader,
// what the display shows while it waits — LoaderPanel, from loader_panel_for().
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/firmware_grammar.hpp"
#include "core/manifest.hpp"
#include "emulator/model_base.hpp"

namespace syx::emu {

struct LoaderPanel {
    std::vector<Button> buttons;
    // Buttons that must all be held at power-on to start the loader; empty: the loader runs at
    // every power-on for a moment (MIOS8 sends its upload request).
    std::vector<std::string> enter_with;
    std::string waiting_display; // shown while the loader waits ("" if none documented)
    std::string success_display; // shown after the end message until power-off ("" : restarts)
    bool foreign_message_aborts = false; // any other SysEx stops the loader (Yarns) [C]
    std::optional<Bytes> upload_request; // sent at power-on (MIOS8: F0 00 00 7E 40 00 01 F7)
    std::vector<ModelNote> notes;
};

// The panel for a grammar-described device (Mutable Instruments, Novation Launchpads, MIDIbox
// MIOS8); nullopt when none is known.
[[nodiscard]] std::optional<LoaderPanel> loader_panel_for(const Manifest& manifest);

class GrammarLoaderModel : public ModelBase {
public:
    enum class Mode { normal, waiting, receiving, error, done };
    // Quiet time after which a loader without an end message restarts with what it wrote [M].
    static constexpr Time kIdleRestart{std::chrono::seconds{2}};

    GrammarLoaderModel(DeviceModelSpec spec, std::shared_ptr<const FirmwareGrammar> grammar,
                       LoaderPanel panel);

    [[nodiscard]] std::string display_text() const override;
    [[nodiscard]] std::vector<Button> buttons() const override { return m_panel.buttons; }
    [[nodiscard]] std::string firmware_version_text() const override;
    [[nodiscard]] std::string mode() const override;
    [[nodiscard]] std::vector<ModelNote> notes() const override;
    [[nodiscard]] std::optional<Time> next_deadline() const override;

    [[nodiscard]] Mode state() const { return m_mode; }
    [[nodiscard]] std::size_t blocks_written() const { return m_blocks; }
    [[nodiscard]] std::size_t blocks_skipped() const { return m_skipped; }
    [[nodiscard]] const std::string& error_reason() const { return m_reason; }

protected:
    void on_sysex(const Received& message, Outputs& out) override;
    void on_aborted_sysex(std::span<const std::uint8_t> so_far, Time now, Outputs& out) override;
    void on_power_on(std::span<const std::string> held, Outputs& out) override;
    void on_advance(Outputs& out) override;

private:
    void fail(std::string reason);
    void finish();
    void answer(Outputs& out, std::span<const std::uint8_t> message, std::uint8_t command,
                std::uint8_t value);
    [[nodiscard]] bool ends_sequence(const MessageType& type) const;

    std::shared_ptr<const FirmwareGrammar> m_grammar;
    LoaderPanel m_panel;
    Mode m_mode = Mode::normal;
    std::vector<Bytes> m_accepted; // the messages the loader took, in order
    std::size_t m_blocks = 0;
    std::size_t m_skipped = 0;
    std::optional<Time> m_last_block;
    std::string m_reason;
    std::string m_running = "factory"; // what firmware_version_text() says
    bool m_firmware_valid = true;
};

// The emulator for a manifest with a grammar and a known panel (nullptr otherwise).
[[nodiscard]] std::unique_ptr<DeviceModel> make_grammar_loader_model(const Manifest& manifest,
                                                                     DeviceModelSpec spec);

// A firmware file the grammar loader accepts: the manifest's grammar encoding a deterministic
// image (a few blocks; different per `version`). Empty without a grammar.
[[nodiscard]] std::vector<Bytes> make_grammar_test_firmware(const Manifest& manifest,
                                                            std::uint64_t version);

} // namespace syx::emu
