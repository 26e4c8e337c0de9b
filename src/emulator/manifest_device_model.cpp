#include "emulator/manifest_device_model.hpp"

#include <fmt/core.h>

#include "emulator/device_catalogue.hpp"
#include "emulator/grammar_loader_model.hpp"

namespace syx::emu {

Result<DeviceModelSpec> spec_from_manifest(const Manifest& manifest) {
    auto spec = default_model_spec(manifest.id);
    if (!spec && loader_panel_for(manifest)) {
        spec = DeviceModelSpec{}; // a grammar-driven loader: every fact from the manifest
    }
    if (!spec) {
        return make_error(ErrorCode::not_found,
                          fmt::format("no emulator model for device '{}'", manifest.id));
    }
    spec->device_id = manifest.id;
    spec->display_name = manifest.name;
    spec->link = manifest.transports.preferred_link();
    spec->identity_reply.clear();
    if (manifest.identity.answers_identity && manifest.identity.reply_pattern) {
        spec->identity_reply = manifest.identity.reply_pattern->bytes();
    }
    if (const auto* pacing = manifest.pacing.for_link(spec->link);
        pacing != nullptr && pacing->rules.gap_after_message.count() > 0) {
        spec->min_gap_after_message = pacing->rules.gap_after_message;
    }
    return *spec;
}

Result<std::unique_ptr<DeviceModel>> make_device_model(const Manifest& manifest) {
    auto spec = spec_from_manifest(manifest);
    if (!spec) {
        return spec.error();
    }
    if (!default_model_spec(manifest.id)) {
        return make_grammar_loader_model(manifest, *spec);
    }
    return make_device_model(*spec);
}

} // namespace syx::emu
