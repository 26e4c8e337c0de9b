#pragma once
// Emulators driven by manifests: the facts (identity reply, link, minimum gap, name) come from a
// device's manifest; the behaviour (bootloader states, memory, front panel) from its model class.
#include <memory>

#include "core/manifest.hpp"
#include "core/result.hpp"
#include "emulator/device_model.hpp"

namespace syx::emu {

// The model's default spec with the manifest's facts laid over it:
//  - device_id, display_name from id / name;
//  - link: the manifest's preferred link;
//  - identity_reply: identity.reply_pattern when answers_identity ("??" bytes become the device
//    byte 7F and the firmware version), else none;
//  - min_gap_after_message: the manifest's gap for that link, when it gives one.
[[nodiscard]] Result<DeviceModelSpec> spec_from_manifest(const Manifest& manifest);

// The emulator for a manifest; not_found when no model class exists for its id (e.g. generic).
[[nodiscard]] Result<std::unique_ptr<DeviceModel>> make_device_model(const Manifest& manifest);

} // namespace syx::emu
