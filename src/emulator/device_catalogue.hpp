#pragma once
// Which devices can be emulated, and building them (with faults) by id.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest.hpp"
#include "core/result.hpp"
#include "emulator/device_model.hpp"
#include "emulator/fault_spec.hpp"
#include "emulator/faulty_device.hpp"

namespace syx::emu {

struct EmulatedDeviceInfo {
    std::string id; // manifest id, also the emulated port name
    std::string display_name;
};

// Every emulated device, in a stable order: the built-in models, then the devices described by
// `manifests` (below).
[[nodiscard]] std::vector<EmulatedDeviceInfo>
emulated_devices(std::span<const Manifest> manifests = {});

// The model with its default (DEVICES.md) facts; nullptr for an unknown id.
[[nodiscard]] std::unique_ptr<DeviceModel> make_device_model(std::string_view id);
// The model for spec.device_id with the facts in `spec` (what a manifest fills in).
[[nodiscard]] std::unique_ptr<DeviceModel> make_device_model(const DeviceModelSpec& spec);
// The default facts for an id (nullopt for an unknown id).
[[nodiscard]] std::optional<DeviceModelSpec> default_model_spec(std::string_view id);

// Devices described by a manifest's [firmware.grammar] (issue 15) are emulated by the grammar
// loader (emulator/grammar_loader_model.hpp) built from that manifest: callers pass the loaded
// manifests, and emulated_devices() and make_emulated_device() then know those ids too.
// Manifests without a grammar loader panel, and ids of built-in models, are ignored. The process
// keeps the loaded list next to the emulated ports (the transport layer's emulated transport,
// set_emulated_manifests), not here: this layer holds no shared state.

// A device as served on a port: the model for `id` wrapped with the faults. wrong-device swaps
// in another model (moog-little-phatty, or novation-k-station when the id is the Phatty) while
// the port keeps the requested name. Unknown id → usage error listing the known ones.
[[nodiscard]] Result<std::unique_ptr<FaultyDevice>>
make_emulated_device(std::string_view id, const std::vector<FaultSpec>& faults,
                     std::uint64_t seed = 1, std::span<const Manifest> manifests = {});

} // namespace syx::emu
