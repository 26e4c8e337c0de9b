#pragma once
// DeviceModel: the common interface of every emulated instrument (issue 5, DESIGN.md §2, §9).
//
// A model is sans-I/O like core: it never reads a clock, sleeps or owns a thread. Callers feed it
// bytes that arrived at its MIDI input together with the emulated time of arrival, and it returns
// the messages it sends back, each stamped with the emulated time at which it is complete at the
// device's MIDI output. Unit tests drive it in virtual time; the emulated transport drives it
// from a real-time pump.
//
// Every behaviour a model shows is either documented (DEVICES.md [C]/[R]) or modelled ([M]);
// notes() lists which is which so help texts and the GUI can say so.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/link.hpp"
#include "core/manifest.hpp"

namespace syx::emu {

// Emulated time: microseconds since the model was created (a duration, not a clock).
using Time = std::chrono::microseconds;
using Bytes = std::vector<std::uint8_t>;

// A message the device sends, complete at its output at `at`.
struct Output {
    Bytes bytes;
    Time at{0};
};
using Outputs = std::vector<Output>;

// The manifests' evidence tags (confirmed / reported / modelled), shared so the GUI shows one
// vocabulary.
using Confidence = syx::Confidence;

// One fact or assumption the model relies on, shown in help texts and the GUI.
struct ModelNote {
    Confidence confidence = Confidence::modelled;
    std::string text;
};

// A front-panel control the user can press (or hold at power-on).
struct Button {
    std::string id;    // stable, used by press()/power_cycle(): "master", "trig-3"
    std::string label; // as printed on the panel: "MASTER", "TRIG 3"
    std::string help;  // what it does in the model
};

// Facts a manifest can fill in (see make_device_model(const Manifest&) once manifests land).
// Behaviour stays in the model classes; these are the data.
struct DeviceModelSpec {
    std::string device_id;
    std::string display_name;
    // Firmware version the device runs after power-on (4 bytes as in an identity reply, where the
    // device has one; other models use the first bytes they need).
    std::array<std::uint8_t, 4> firmware_version{0, 0, 0, 0};
    // Reply to the Universal Identity Request F0 7E 7F 06 01 F7 as a template: nullopt bytes
    // are filled with 7F for the device byte (index 2) and then the firmware version bytes in
    // order. Empty: the device does not answer.
    std::vector<std::optional<std::uint8_t>> identity_reply;
    // How the device is connected to the emulated computer. DIN: 3125 B/s out, no flow control
    // in; USB-MIDI: fast, and the host cannot overrun the device (USB NAKs when it is busy).
    Link link = Link::din;
    // Minimum silence the device needs at its input between F7 and the next F0 while receiving
    // firmware (0 = no requirement known).
    std::chrono::milliseconds min_gap_after_message{0};
    // How long after a request the device starts answering [M: typical, not measured].
    std::chrono::milliseconds reply_latency{5};
    // How long the device takes to power up; MIDI arriving meanwhile may upset it.
    std::chrono::milliseconds power_up_time{1500};
};

class DeviceModel {
public:
    virtual ~DeviceModel() = default;

    [[nodiscard]] virtual const DeviceModelSpec& spec() const = 0;
    [[nodiscard]] const std::string& device_id() const { return spec().device_id; }

    // Bytes that arrived at the device's MIDI input at `now`: whole messages or any chunk of one
    // (realtime bytes F8–FF may be interleaved). Returns what the device sends in response.
    virtual Outputs on_message(std::span<const std::uint8_t> bytes, Time now) = 0;
    // Lets emulated time pass: finishes boots, timeouts, display changes. Idempotent for a
    // given `now`; `now` never goes backwards.
    virtual Outputs advance(Time now) = 0;
    // When advance() next has something to do (nullopt: nothing scheduled).
    [[nodiscard]] virtual std::optional<Time> next_deadline() const = 0;

    // What the display (or status LEDs, for devices without one) shows now. Lines separated
    // by '\n'.
    [[nodiscard]] virtual std::string display_text() const = 0;
    [[nodiscard]] virtual std::vector<Button> buttons() const = 0;
    // Presses and releases a front-panel button. Unknown ids are ignored (returns nothing).
    virtual Outputs press(std::string_view button, Time now) = 0;
    // Switches the device off and on again while the given buttons are held.
    virtual Outputs power_cycle(std::span<const std::string> held_buttons, Time now) = 0;
    // Power lost without warning (fault injection), then restored with no buttons held: the
    // device restarts into whatever state an interrupted operation leaves it in.
    virtual Outputs power_loss(Time now) = 0;

    // The firmware version it currently runs, as text ("2.0.0.4"); empty when none is valid.
    [[nodiscard]] virtual std::string firmware_version_text() const = 0;
    // A short machine-friendly name of the current mode ("normal", "bootloader", "error", …).
    [[nodiscard]] virtual std::string mode() const = 0;
    // Documented and modelled facts behind this model.
    [[nodiscard]] virtual std::vector<ModelNote> notes() const = 0;
    // Which link the next bytes arrive by, for a unit reachable through its own USB port and a
    // DIN interface at once (one model behind two cables): models whose input differs by link
    // (an input buffer that only DIN can overrun) read it; the others ignore it. Until called,
    // bytes arrive by spec().link.
    virtual void set_input_link(Link /*link*/) {}
    // Size of a firmware transfer the device currently expects, if it can tell (used to turn
    // "unplug-at=50%" into a byte count).
    [[nodiscard]] virtual std::optional<std::uint64_t> expected_transfer_bytes() const {
        return std::nullopt;
    }
};

} // namespace syx::emu
