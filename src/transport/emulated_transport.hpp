#pragma once
// The in-process emulated device behind api "emulated" (issue 5, DESIGN.md §8): the port name is
// the device id ("--api emulated --port parker-midifly").
//
// Emulated time runs in real time here: each device owns a small pump thread that feeds bytes
// into its sans-I/O model (src/emulator) and delivers the model's answers when they are due.
// Unit tests of the models use virtual time instead (tests/emulator).
//
// One device per id lives for the whole process, so a GUI or a session that closes and reopens
// the port talks to the same device, and can show its display and press its buttons
// (emulated_device(id)).
//
// Faults: configure_emulated_devices() before the first use, or the environment variables
// SYXFLASH_EMULATED_FAULTS="unplug-at=50%;slow-reply=200" and SYXFLASH_EMULATED_SEED=N, which
// every command honours (see emulator/fault_spec.hpp for the SPEC syntax).
//
// A person at the front panel, scripted: SYXFLASH_EMULATED_PRESS="dump-bank@500;…" presses each
// named button (ids as emulated_device(id)->buttons() lists them) that many milliseconds after
// the device started, so a manual dump can arrive in a test or a demo with nobody at the keys.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest.hpp"
#include "core/result.hpp"
#include "emulator/device_catalogue.hpp"
#include "emulator/device_model.hpp"
#include "emulator/fault_spec.hpp"
#include "transport/midi_transport.hpp"

namespace syx::transport {

// A running emulated device, safe to use from any thread.
class EmulatedDevice {
public:
    virtual ~EmulatedDevice() = default;
    [[nodiscard]] virtual const std::string& id() const = 0;
    // Bytes sent to the device (arrive now).
    [[nodiscard]] virtual Status send(std::span<const std::uint8_t> bytes) = 0;
    // Bytes that arrive by `link` (a unit reachable through its own USB port and a DIN interface
    // at once: `emulate --din-device`); send() uses the model's own link.
    [[nodiscard]] virtual Status send_via(std::span<const std::uint8_t> bytes, Link link) = 0;
    // Where the device's answers go (empty: dropped). Called on the device's pump thread.
    virtual void set_listener(ReceiveCallback listener) = 0;
    [[nodiscard]] virtual bool port_present() const = 0;
    [[nodiscard]] virtual std::string display_text() const = 0;
    [[nodiscard]] virtual std::string mode() const = 0;
    [[nodiscard]] virtual std::string firmware_version_text() const = 0;
    [[nodiscard]] virtual std::vector<emu::Button> buttons() const = 0;
    [[nodiscard]] virtual std::vector<emu::ModelNote> notes() const = 0;
    // Fault events so far ("unplug-at=50% fired after 12007 bytes: port vanished").
    [[nodiscard]] virtual std::vector<std::string> fault_events() const = 0;
    virtual void press(std::string_view button) = 0;
    virtual void power_cycle(const std::vector<std::string>& held_buttons) = 0;
    // Called (on the pump thread) whenever the display text changes.
    virtual void set_display_listener(std::function<void(const std::string&)> listener) = 0;
};

// The manifests whose devices the emulated API serves besides the built-in models (grammar-
// described loaders, emulator/device_catalogue.hpp). The engine sets them when it loads the
// catalogue (engine::load_device_catalogue); a later call replaces them. Thread-safe: the emulated
// ports may be listed on other threads meanwhile.
void set_emulated_manifests(std::vector<Manifest> manifests);
// Every device the emulated API serves (built-in models, then the registered manifests').
[[nodiscard]] std::vector<emu::EmulatedDeviceInfo> emulated_device_list();

// Faults and seed for devices created from now on (devices already running keep theirs).
void configure_emulated_devices(std::vector<emu::FaultSpec> faults, std::uint64_t seed = 1);

// The process-wide device for an id (created on first use); usage error for unknown ids.
[[nodiscard]] Result<std::shared_ptr<EmulatedDevice>> emulated_device(std::string_view id);

// A standalone device with its own faults (the `emulate` command serves one of these).
[[nodiscard]] Result<std::shared_ptr<EmulatedDevice>>
make_emulated_device_runner(std::string_view id, const std::vector<emu::FaultSpec>& faults,
                            std::uint64_t seed);

// A MidiTransport whose ports are the emulated devices.
[[nodiscard]] std::unique_ptr<MidiTransport> make_emulated_transport();

// Registers make_emulated_transport for api "emulated". Idempotent.
void register_emulated_transport();

} // namespace syx::transport
