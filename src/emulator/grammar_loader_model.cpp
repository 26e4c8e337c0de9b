#include "emulator/grammar_loader_model.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace syx::emu {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// Front panels and loader entry, from the sources named in each manifest.
LoaderPanel mutable_panel(const Manifest& m) {
    LoaderPanel p;
    const std::string& id = m.id;
    if (id == "mutable-shruthi-1") {
        p.buttons = {{"s6", "S6", "Held at power-on: start the bootloader (XT: OSC 2 SHAPE +)"}};
        p.waiting_display = "LEDs 1 3 5 7"; // status_leds.Write(0x55) [C]
    } else if (id == "mutable-ambika") {
        p.buttons = {{"s7", "S7", "Held at power-on: start the bootloader"}};
        p.waiting_display = "Syx update..."; // [C: manual]
    } else if (id == "mutable-anushri") {
        p.buttons = {{"hold", "HOLD", "Held at power-on: start the bootloader"}};
    } else {
        p.buttons = {{"encoder", "encoder", "Pressed at power-on: start the bootloader"}};
    }
    p.enter_with = {p.buttons.front().id};
    if (id == "mutable-yarns") {
        p.waiting_display = "snake";
        p.success_display = "OK";
        p.foreign_message_aborts = true; // any byte not matching the header: "Er" [C]
    }
    p.notes = {
        {Confidence::confirmed, "Pages arrive as nibbles with a sum-mod-256 checksum, in order "
                                "from page 0; 7F 00 reboots into the new firmware"},
        {Confidence::confirmed, id == "mutable-yarns"
                                    ? "A damaged page or a foreign message: Er, nothing more is "
                                      "written until power-off"
                                    : "A damaged page is silently not written (the page pointer "
                                      "stays): the firmware then has a hole"},
    };
    return p;
}

LoaderPanel launchpad_panel(const Manifest& m) {
    LoaderPanel p;
    const std::string& id = m.id;
    if (id == "novation-launchpad-mk2") {
        p.buttons = {{"session", "Session", "Held with User 1, User 2, Mixer: bootloader"},
                     {"user-1", "User 1", "Held with Session, User 2, Mixer: bootloader"},
                     {"user-2", "User 2", "Held with Session, User 1, Mixer: bootloader"},
                     {"mixer", "Mixer", "Held with Session, User 1, User 2: bootloader"}};
    } else if (id == "novation-launchpad-x") {
        p.buttons = {{"capture-midi", "Capture MIDI", "Held while plugging in: bootloader"}};
    } else if (id == "novation-launchpad-mini-mk3") {
        p.buttons = {{"user", "User", "Held while plugging in: bootloader"}};
    } else {
        p.buttons = {{"setup", "Setup", "Held while plugging in: bootloader"}};
    }
    for (const auto& b : p.buttons) {
        p.enter_with.push_back(b.id);
    }
    p.notes = {{Confidence::reported, "Init 71, 32-byte blocks as 7-bit bit streams (72), block "
                                      "0 last (73); MK3 family: header 7C with the image size and "
                                      "CRC-32/MPEG-2, checked before restarting"},
               {Confidence::modelled, "A file that fails the image check is not started; the "
                                      "bootloader stays (it is protected)"}};
    return p;
}

LoaderPanel mios8_panel() {
    LoaderPanel p;
    p.upload_request = Bytes{0xF0, 0x00, 0x00, 0x7E, 0x40, 0x00, 0x01, 0xF7}; // [C]
    p.notes = {{Confidence::confirmed, "At power-up: upload request F0 00 00 7E 40 <dev> 01 F7; "
                                       "each block answered 0F <checksum>, a checksum error 0E 03"},
               {Confidence::modelled, "Restarts the application 2 s after the last block"}};
    return p;
}

} // namespace

std::optional<LoaderPanel> loader_panel_for(const Manifest& manifest) {
    if (!manifest.firmware.grammar) {
        return std::nullopt;
    }
    if (starts_with(manifest.id, "mutable-")) {
        return mutable_panel(manifest);
    }
    if (starts_with(manifest.id, "novation-launchpad")) {
        return launchpad_panel(manifest);
    }
    if (manifest.id == "midibox-mios8") {
        return mios8_panel();
    }
    if (manifest.id == "lpzw-tram8") {
        LoaderPanel p;
        p.buttons = {{"button", "button", "Held at power-on: the loader [M: not in our sources]"}};
        p.enter_with = {"button"};
        p.notes = {{Confidence::reported, "One message of Intel HEX records with zero runs as "
                                          "write delays; every record checksum checked"},
                   {Confidence::modelled, "Loader entry, display and error behaviour"}};
        return p;
    }
    return std::nullopt;
}

GrammarLoaderModel::GrammarLoaderModel(DeviceModelSpec spec,
                                       std::shared_ptr<const FirmwareGrammar> grammar,
                                       LoaderPanel panel)
    : ModelBase(std::move(spec)), m_grammar(std::move(grammar)), m_panel(std::move(panel)) {}

std::string GrammarLoaderModel::display_text() const {
    switch (m_mode) {
    case Mode::normal:
        return m_firmware_valid ? "" : "(nothing runs)";
    case Mode::waiting:
        return m_panel.waiting_display;
    case Mode::receiving:
        return fmt::format("{}", m_blocks);
    case Mode::error:
        return m_grammar->bad_block_display.empty() ? "error" : m_grammar->bad_block_display;
    case Mode::done:
        return m_panel.success_display;
    }
    return {};
}

std::string GrammarLoaderModel::firmware_version_text() const {
    return m_firmware_valid ? m_running : std::string{};
}

std::string GrammarLoaderModel::mode() const {
    switch (m_mode) {
    case Mode::normal:
        return m_firmware_valid ? "normal" : "error";
    case Mode::waiting:
    case Mode::done:
        return "bootloader";
    case Mode::receiving:
        return "receiving-firmware";
    case Mode::error:
        return "error";
    }
    return "normal";
}

std::vector<ModelNote> GrammarLoaderModel::notes() const {
    auto out = m_panel.notes;
    out.push_back({Confidence::confirmed,
                   fmt::format("Decodes and checks every message by the manifest's grammar "
                               "({}): the same rules as syxflash validate",
                               m_grammar->name)});
    return out;
}

std::optional<Time> GrammarLoaderModel::next_deadline() const {
    if (m_mode == Mode::receiving && m_last_block && !m_grammar->sequence.empty() &&
        m_grammar->sequence.back().max > 1) {
        return *m_last_block + kIdleRestart;
    }
    return std::nullopt;
}

void GrammarLoaderModel::fail(std::string reason) {
    m_mode = Mode::error;
    m_reason = std::move(reason);
}

bool GrammarLoaderModel::ends_sequence(const MessageType& type) const {
    const auto& seq = m_grammar->sequence;
    return !seq.empty() && seq.back().type == type.id && seq.back().max == 1;
}

void GrammarLoaderModel::finish() {
    std::vector<std::span<const std::uint8_t>> views(m_accepted.begin(), m_accepted.end());
    const auto decoded = decode_firmware(*m_grammar, views);
    if (!decoded.ok()) {
        // Launchpad MK3 family: the image check fails, the new firmware is not started [M].
        fail(decoded.problems.front().text);
        return;
    }
    const CrcModel crc32{32, 0x04C11DB7, 0xFFFFFFFF, false, false, 0};
    const std::string blocks = fmt::format("{} {}{}", decoded.data_messages, m_grammar->block_noun,
                                           decoded.data_messages == 1 ? "" : "s");
    m_running = decoded.image.empty()
                    ? blocks
                    : fmt::format("{}, image CRC {:08X}", blocks, crc_of(crc32, decoded.image));
    m_firmware_valid = true;
    if (m_skipped > 0) {
        // Mutable: skipped pages leave a hole; the next pages landed one page early [C].
        m_running += fmt::format(" (damaged: {} page(s) never written)", m_skipped);
    }
    m_mode = m_panel.success_display.empty() ? Mode::normal : Mode::done;
}

void GrammarLoaderModel::answer(Outputs& out, std::span<const std::uint8_t> message,
                                std::uint8_t command, std::uint8_t value) {
    // MIOS8: F0 00 00 7E 40 <device> <command> <value> F7 [C].
    const std::uint8_t device = message.size() > 5 ? message[5] : 0x00;
    send(out, Bytes{0xF0, 0x00, 0x00, 0x7E, 0x40, device, command, value, 0xF7});
}

void GrammarLoaderModel::on_sysex(const Received& message, Outputs& out) {
    if (m_mode != Mode::waiting && m_mode != Mode::receiving) {
        return; // the application (not modelled) or a stopped loader: nothing listens
    }
    const auto m = message.bytes;
    std::vector<GrammarFinding> problems;
    std::optional<DecodedMessage> decoded;
    for (const auto& type : m_grammar->messages) {
        decoded = decode_message(type, m, m_accepted.size(), problems);
        if (decoded) {
            break;
        }
    }
    if (!decoded) {
        if (m_panel.foreign_message_aborts) {
            fail("a message that is not firmware arrived");
        }
        return; // another header: the loader keeps waiting for its own [C]
    }
    if (!problems.empty()) {
        switch (m_grammar->bad_block) {
        case BadBlockBehaviour::skipped_silently:
            ++m_skipped; // not written; the page pointer does not move [C]
            return;
        case BadBlockBehaviour::answers_error:
            answer(out, m, 0x0E, 0x03); // checksum error [C]
            return;
        case BadBlockBehaviour::stops_with_error:
        case BadBlockBehaviour::unknown:
            fail(problems.front().text);
            return;
        }
    }
    m_accepted.emplace_back(m.begin(), m.end());
    if (decoded->type->image_data) {
        ++m_blocks;
        m_mode = Mode::receiving;
        m_last_block = now();
        if (m_grammar->bad_block == BadBlockBehaviour::answers_error) {
            answer(out, m, 0x0F, m[m.size() - 2]); // 0F <checksum> [C]
        }
    }
    if (ends_sequence(*decoded->type)) {
        finish();
    }
}

void GrammarLoaderModel::on_aborted_sysex(std::span<const std::uint8_t> /*so_far*/, Time /*now*/,
                                          Outputs& /*out*/) {
    if (m_mode == Mode::receiving && m_panel.foreign_message_aborts) {
        fail("a message was cut short");
    }
}

void GrammarLoaderModel::on_power_on(std::span<const std::string> held, Outputs& out) {
    if (m_mode == Mode::receiving) {
        m_firmware_valid = false; // switched off mid-flash: a partial image [M]
        m_running.clear();
    }
    m_accepted.clear();
    m_blocks = 0;
    m_skipped = 0;
    m_last_block.reset();
    m_reason.clear();
    const bool all_held =
        std::all_of(m_panel.enter_with.begin(), m_panel.enter_with.end(), [&](const auto& b) {
            return std::find(held.begin(), held.end(), b) != held.end();
        });
    if (!m_panel.enter_with.empty() && !all_held) {
        m_mode = Mode::normal;
        return;
    }
    m_mode = Mode::waiting;
    if (m_panel.upload_request) {
        send(out, *m_panel.upload_request);
    }
}

void GrammarLoaderModel::on_advance(Outputs& /*out*/) {
    if (const auto deadline = next_deadline(); deadline && now() >= *deadline) {
        finish();
    }
}

std::unique_ptr<DeviceModel> make_grammar_loader_model(const Manifest& manifest,
                                                       DeviceModelSpec spec) {
    auto panel = loader_panel_for(manifest);
    if (!panel) {
        return nullptr;
    }
    return std::make_unique<GrammarLoaderModel>(std::move(spec), manifest.firmware.grammar,
                                                std::move(*panel));
}

std::vector<Bytes> make_grammar_test_firmware(const Manifest& manifest, std::uint64_t version) {
    if (!manifest.firmware.grammar) {
        return {};
    }
    // Three blocks of the first data type, all 8 bits used, different per version.
    std::size_t block = 0;
    for (const auto& t : manifest.firmware.grammar->messages) {
        if (t.image_data) {
            block = t.payload_bytes > 0 ? t.payload_bytes : t.max_payload_bytes;
            break;
        }
    }
    Bytes image(3 * std::min<std::size_t>(block, 1024));
    for (std::size_t i = 0; i < image.size(); ++i) {
        image[i] = static_cast<std::uint8_t>(i * 151 + version * 29 + (i >> 5));
    }
    return encode_firmware(*manifest.firmware.grammar, image, version % 1000);
}

} // namespace syx::emu
