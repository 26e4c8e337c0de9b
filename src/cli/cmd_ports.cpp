// syxflash-cli ports: every MIDI port, classified (usb-device / interface / virtual).
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "cli/cli_common.hpp"
#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "core/catalogue.hpp"
#include "core/device_ports.hpp"
#include "core/port_classifier.hpp"
#include "engine/data_paths.hpp"

namespace syx::cli {
namespace {

struct PortsArgs {
    TransportArgs transport;
    std::string device;
};

// `ports --device ID`: the outputs ranked for that device, recommended first, with reasons.
int print_ranking(const std::vector<transport::PortInfo>& ports, const CatalogueEntry& device,
                  bool json) {
    std::vector<PortCandidate> candidates;
    for (const auto& p : ports) {
        if (p.direction == transport::PortDirection::output) {
            candidates.push_back({p.name, p.os_says_usb});
        }
    }
    const auto& m = device.manifest;
    const auto ranked = rank_ports_for(candidates, m);
    if (json) {
        auto list = nlohmann::json::array();
        for (const auto& r : ranked) {
            list.push_back({{"name", candidates[r.index].name},
                            {"kind", to_string(r.classification.kind)},
                            {"recommended", r.recommended},
                            {"usable", r.usable},
                            {"reason", r.reason}});
        }
        print_json(nlohmann::json{{"device", m.id}, {"ranking", list}});
        return kExitSuccess;
    }
    fmt::print("Output ports for {} (best first):\n", m.name);
    for (const auto& r : ranked) {
        fmt::print("  {} {:<50} {}\n", r.recommended ? "*" : (r.usable ? " " : "x"),
                   candidates[r.index].name, r.reason);
    }
    if (ranked.empty()) {
        fmt::print("  (none: connect {} and switch it on)\n", m.name);
    }
    return kExitSuccess;
}

int run_ports(const PortsArgs& args) {
    transport::MidiApi api{};
    if (auto err = parse_api_arg(args.transport, api)) {
        fmt::print(stderr, "syxflash-cli ports: {}\n", err->message);
        return err->exit_code;
    }
    auto backend = open_backend(api, {});
    if (!backend) {
        fmt::print(stderr, "syxflash-cli ports: {}\n", backend.error().message);
        return backend.error().code == ErrorCode::not_found ? kExitUsage : kExitTransferFailed;
    }
    auto ports = (*backend)->list_ports();
    if (!ports) {
        fmt::print(stderr, "syxflash-cli ports: {}\n", ports.error().message);
        return kExitTransferFailed;
    }
    if (!args.device.empty()) {
        const auto load = engine::load_device_catalogue();
        const auto* entry = load.catalogue.find(args.device);
        if (entry == nullptr) {
            fmt::print(stderr, "syxflash-cli ports: unknown device '{}'; known: {}\n", args.device,
                       fmt::join(load.catalogue.ids(), ", "));
            return kExitUsage;
        }
        return print_ranking(*ports, *entry, args.transport.json);
    }
    if (args.transport.json) {
        auto list = nlohmann::json::array();
        for (const auto& p : *ports) {
            const auto c = classify_port(p.name, p.os_says_usb);
            nlohmann::json item{{"name", p.name},
                                {"direction", transport::to_string(p.direction)},
                                {"api", transport::to_string(p.api)},
                                {"kind", to_string(c.kind)},
                                {"reason", c.reason}};
            item["os_says_usb"] = p.os_says_usb ? nlohmann::json(*p.os_says_usb) : nullptr;
            item["known_bad"] = c.known_bad ? nlohmann::json(*c.known_bad) : nullptr;
            list.push_back(std::move(item));
        }
        print_json(nlohmann::json{{"api", transport::to_string(api)}, {"ports", list}});
        return kExitSuccess;
    }
    if (ports->empty()) {
        fmt::print("No MIDI ports via {}. Is the device connected and powered on?\n",
                   transport::to_string(api));
        return kExitSuccess;
    }
    for (auto direction : {transport::PortDirection::output, transport::PortDirection::input}) {
        fmt::print("{} ports ({}):\n",
                   direction == transport::PortDirection::output ? "Output" : "Input",
                   transport::to_string(api));
        bool any = false;
        for (const auto& p : *ports) {
            if (p.direction != direction) {
                continue;
            }
            any = true;
            const auto c = classify_port(p.name, p.os_says_usb);
            fmt::print("  {:<50} {:<11} {}\n", p.name, to_string(c.kind), c.reason);
            if (c.known_bad) {
                fmt::print("  {:<50} {:<11} warning: {}\n", "", "", *c.known_bad);
            }
        }
        if (!any) {
            fmt::print("  (none)\n");
        }
    }
    return kExitSuccess;
}

const CommandRegistrar kRegistrar{Command{
    "ports", "List MIDI ports, classified as usb-device / interface / virtual", 40,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<PortsArgs>();
        add_transport_options(sub, args->transport, false);
        sub.add_option("--device", args->device,
                       "Rank the output ports for this device (recommended first, with reasons)");
        sub.footer("A usb-device port is an instrument's own USB-MIDI port (fastest, preferred);\n"
                   "an interface means a DIN cable carries the bytes (3125 bytes/s); virtual\n"
                   "ports have no instrument behind them.\n"
                   "Examples:\n"
                   "  syxflash-cli ports\n"
                   "  syxflash-cli ports --api jack --json\n"
                   "  syxflash-cli ports --device moog-little-phatty");
        return [args] { return run_ports(*args); };
    }}};

} // namespace
} // namespace syx::cli
