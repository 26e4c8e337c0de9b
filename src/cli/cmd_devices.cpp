// syxflash-cli devices [--json]: the devices syxflash knows and where each manifest came from.
#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/cli_common.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"

namespace syx::cli {
namespace {

struct DevicesOptions {
    bool json = false;
};

int run_devices(const DevicesOptions& options) {
    const auto load = load_cli_catalogue(options.json);
    const auto& catalogue = load.catalogue;
    if (options.json) {
        nlohmann::json devices = nlohmann::json::array();
        for (const auto& e : catalogue.entries()) {
            const auto& m = e.manifest;
            nlohmann::json d{
                {"id", m.id},
                {"name", m.name},
                {"maker", m.maker},
                {"backup", to_string(m.backup.kind)},
                {"preferred_link", to_string(m.transports.preferred_link())},
                {"usb", to_string(m.transports.usb)},
                {"din", to_string(m.transports.din)},
                {"firmware_update", m.firmware.supported},
                {"answers_identity", m.identity.answers_identity},
                {"manifest", e.file.string()},
                {"origin", to_string(e.origin)},
                {"overrides",
                 e.overrides ? nlohmann::json(e.overrides->string()) : nlohmann::json()},
            };
            devices.push_back(std::move(d));
        }
        nlohmann::json problems = nlohmann::json::array();
        for (const auto& p : load.problems) {
            problems.push_back(
                {{"file", p.file}, {"line", p.line}, {"column", p.column}, {"text", p.text}});
        }
        print_json(nlohmann::json{{"devices", devices}, {"problems", problems}});
        return catalogue.empty() ? kExitInternal : kExitSuccess;
    }
    if (catalogue.empty()) {
        return kExitInternal;
    }
    // Column widths from the data, so a long user-supplied name does not break the table.
    std::size_t id_w = 2;
    std::size_t name_w = 4;
    std::size_t maker_w = 5;
    for (const auto& e : catalogue.entries()) {
        id_w = std::max(id_w, e.manifest.id.size());
        name_w = std::max(name_w, e.manifest.name.size());
        maker_w = std::max(maker_w, e.manifest.maker.size());
    }
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<11}  {:<4}  {}\n", "ID", id_w, "NAME", name_w, "MAKER",
               maker_w, "BACKUP", "LINK", "MANIFEST");
    for (const auto& e : catalogue.entries()) {
        const auto& m = e.manifest;
        std::string file = e.file.string();
        if (e.origin == ManifestOrigin::user) {
            file += e.overrides ? " (yours, overrides the shipped one)" : " (yours)";
        }
        fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<11}  {:<4}  {}\n", m.id, id_w, m.name, name_w,
                   m.maker, maker_w, to_string(m.backup.kind),
                   to_string(m.transports.preferred_link()), file);
    }
    return kExitSuccess;
}

CommandRegistrar reg{{
    "devices",
    "List the devices syxflash knows (from firmware manifests)",
    10,
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<DevicesOptions>();
        sub.add_flag("--json", options->json, "Print one JSON document: {\"devices\": [...]}");
        sub.footer(
            "Each device is described by a manifest (TOML). Shipped manifests live in\n"
            "share/syxflash/firmware-manifests; your own go in ~/.config/syxflash/manifests\n"
            "($XDG_CONFIG_HOME/syxflash/manifests) and override a shipped device with the same "
            "id.\n"
            "BACKUP says how presets are saved: automatic (syxflash asks the device), manual\n"
            "(you press buttons on the device), record-many, or none (the manifest says why).\n\n"
            "Examples:\n"
            "  syxflash-cli devices\n"
            "  syxflash-cli devices --json | jq '.devices[].id'");
        return [options] { return run_devices(*options); };
    },
}};

} // namespace
} // namespace syx::cli
