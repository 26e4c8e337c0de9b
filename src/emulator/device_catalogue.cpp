#include "emulator/device_catalogue.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "emulator/elektron_octatrack_model.hpp"
#include "emulator/gligli_prophet600_model.hpp"
#include "emulator/grammar_loader_model.hpp"
#include "emulator/jomox_model.hpp"
#include "emulator/m_audio_code_model.hpp"
#include "emulator/manifest_device_model.hpp"
#include "emulator/moog_little_phatty_model.hpp"
#include "emulator/novation_k_station_model.hpp"
#include "emulator/parker_midifly_model.hpp"

namespace syx::emu {

namespace {

std::vector<DeviceModelSpec> default_specs() {
    return {
        MoogLittlePhattyModel::default_spec(),
        ParkerMidiflyModel::default_spec(),
        NovationKStationModel::default_spec(),
        MAudioCodeModel::default_spec(),
        JomoxModel::mbrane_spec(),
        JomoxModel::mbase_spec(),
        ElektronOctatrackModel::default_spec(),
        GligliProphet600Model::default_spec(),
    };
}

// A manifest this catalogue emulates by the grammar loader: not a built-in model, with a panel.
bool grammar_emulated(const Manifest& m) {
    return !default_model_spec(m.id) && loader_panel_for(m).has_value();
}

const Manifest* registered_manifest(std::string_view id, std::span<const Manifest> manifests) {
    for (const auto& m : manifests) {
        if (m.id == id && grammar_emulated(m)) {
            return &m;
        }
    }
    return nullptr;
}

} // namespace

std::vector<EmulatedDeviceInfo> emulated_devices(std::span<const Manifest> manifests) {
    std::vector<EmulatedDeviceInfo> out;
    for (const auto& spec : default_specs()) {
        out.push_back({spec.device_id, spec.display_name});
    }
    for (const auto& m : manifests) {
        const bool listed = std::any_of(out.begin(), out.end(),
                                        [&](const EmulatedDeviceInfo& d) { return d.id == m.id; });
        if (!listed && grammar_emulated(m)) {
            out.push_back({m.id, m.name});
        }
    }
    return out;
}

std::optional<DeviceModelSpec> default_model_spec(std::string_view id) {
    for (auto& spec : default_specs()) {
        if (spec.device_id == id) {
            return spec;
        }
    }
    return std::nullopt;
}

std::unique_ptr<DeviceModel> make_device_model(const DeviceModelSpec& spec) {
    const std::string_view id = spec.device_id;
    if (id == "moog-little-phatty") {
        return std::make_unique<MoogLittlePhattyModel>(spec);
    }
    if (id == "parker-midifly") {
        return std::make_unique<ParkerMidiflyModel>(spec);
    }
    if (id == "novation-k-station") {
        return std::make_unique<NovationKStationModel>(spec);
    }
    if (id == "m-audio-code") {
        return std::make_unique<MAudioCodeModel>(spec);
    }
    if (id == "jomox-mbrane-11") {
        return std::make_unique<JomoxModel>(spec, JomoxModel::kProductMBrane11);
    }
    if (id == "jomox-mbase-11") {
        return std::make_unique<JomoxModel>(spec, JomoxModel::kProductMBase11);
    }
    if (id == "elektron-octatrack") {
        return std::make_unique<ElektronOctatrackModel>(spec);
    }
    if (id == "gligli-prophet-600") {
        return std::make_unique<GligliProphet600Model>(spec);
    }
    return nullptr;
}

std::unique_ptr<DeviceModel> make_device_model(std::string_view id) {
    const auto spec = default_model_spec(id);
    return spec ? make_device_model(*spec) : nullptr;
}

Result<std::unique_ptr<FaultyDevice>> make_emulated_device(std::string_view id,
                                                           const std::vector<FaultSpec>& faults,
                                                           std::uint64_t seed,
                                                           std::span<const Manifest> manifests) {
    if (!default_model_spec(id)) {
        if (const auto* manifest = registered_manifest(id, manifests)) {
            auto model = make_device_model(*manifest);
            if (!model) {
                return model.error();
            }
            return std::make_unique<FaultyDevice>(std::move(*model), faults, seed);
        }
        std::string known;
        for (const auto& d : emulated_devices(manifests)) {
            known += (known.empty() ? "" : ", ") + d.id;
        }
        return make_error(ErrorCode::usage,
                          fmt::format("no emulator for '{}' (emulated devices: {})", id, known));
    }
    std::string model_id{id};
    for (const auto& f : faults) {
        if (f.kind == FaultKind::wrong_device) {
            model_id = id == "moog-little-phatty" ? "novation-k-station" : "moog-little-phatty";
        }
    }
    auto model = make_device_model(model_id);
    return std::make_unique<FaultyDevice>(std::move(model), faults, seed);
}

} // namespace syx::emu
