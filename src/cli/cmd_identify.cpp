// syxflash-cli identify: send the Universal Identity Request and show the reply.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/cli_common.hpp"
#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "core/catalogue.hpp"
#include "core/hash.hpp"
#include "core/identity_reply.hpp"
#include "engine/data_paths.hpp"
#include "engine/identity_probe.hpp"
#include "transport/receive_queue.hpp"

namespace syx::cli {
namespace {

struct IdentifyArgs {
    TransportArgs transport;
    int timeout_ms = 2000;
    int device_id = kIdentityAllCall;
};

nlohmann::json reply_json(const IdentityReply& r) {
    nlohmann::json j{{"device_id", r.device_id},
                     {"manufacturer", to_spaced_hex(r.manufacturer)},
                     {"version", to_spaced_hex(r.version)},
                     {"standard_layout", r.standard_layout},
                     {"raw", to_spaced_hex(r.raw)}};
    j["family"] = r.family ? nlohmann::json(*r.family_code()) : nullptr;
    j["member"] = r.member ? nlohmann::json(*r.member_code()) : nullptr;
    j["note"] = r.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.note);
    j["extra"] = to_spaced_hex(r.extra);
    j["manifest"] = nullptr;
    return j;
}

// The reply in words, and which known device it is.
void print_reply(const IdentityReply& reply, const std::string& input,
                 const CatalogueEntry* match) {
    fmt::print("Identity reply on '{}':\n", input);
    fmt::print("  manufacturer  {}\n", to_spaced_hex(reply.manufacturer));
    fmt::print("  family        {}\n", reply.family
                                           ? fmt::format("{} ({:02X} {:02X})", *reply.family_code(),
                                                         (*reply.family)[0], (*reply.family)[1])
                                           : std::string("(not sent)"));
    fmt::print("  member        {}\n", reply.member
                                           ? fmt::format("{} ({:02X} {:02X})", *reply.member_code(),
                                                         (*reply.member)[0], (*reply.member)[1])
                                           : std::string("(not sent)"));
    fmt::print("  version       {}\n",
               reply.version.empty() ? std::string("(not sent)") : to_spaced_hex(reply.version));
    fmt::print("  device id     {:02X}\n", reply.device_id);
    fmt::print("  raw           {}\n", to_spaced_hex(reply.raw));
    if (!reply.note.empty()) {
        fmt::print("  note          {}\n", reply.note);
    }
    if (match != nullptr) {
        fmt::print("  device        {} ({}, {} manifest {})\n", match->manifest.name,
                   match->manifest.id, to_string(match->origin), match->file.string());
    } else {
        fmt::print("  device        no known manifest matches this reply "
                   "('syxflash-cli devices' lists the known ones)\n");
    }
}

int run_identify(const IdentifyArgs& args) {
    transport::ReceiveQueue queue;
    auto opened = open_for_transfer(args.transport, true, true, queue.callback(), 4096);
    if (auto* err = std::get_if<CliError>(&opened)) {
        fmt::print(stderr, "syxflash-cli identify: {}\n", err->message);
        return err->exit_code;
    }
    auto& t = std::get<OpenedTransport>(opened);
    auto answer = engine::ask_identity(*t.transport, queue,
                                       std::chrono::milliseconds(std::max(args.timeout_ms, 1)),
                                       static_cast<std::uint8_t>(args.device_id));
    if (!answer) {
        fmt::print(stderr, "syxflash-cli identify: {}\n", answer.error().message);
        return kExitTransferFailed;
    }
    const std::vector<std::string>& ignored = answer->ignored;
    if (answer->reply) {
        const auto& reply = answer->reply;
        t.transport->close();
        // Which known device answered: the manifest whose identity pattern matches exactly.
        const auto load = engine::load_device_catalogue();
        const auto* match = load.catalogue.match_identity(reply->raw);
        if (args.transport.json) {
            auto j = reply_json(*reply);
            if (match != nullptr) {
                j["manifest"] = {{"id", match->manifest.id},
                                 {"name", match->manifest.name},
                                 {"origin", to_string(match->origin)},
                                 {"file", match->file.string()}};
            }
            j["output"] = t.ports.output;
            j["input"] = t.ports.input;
            print_json(j);
        } else {
            print_reply(*reply, t.ports.input, match);
        }
        return kExitSuccess;
    }
    t.transport->close();
    const std::string detail =
        ignored.empty()
            ? std::string("nothing arrived")
            : fmt::format("{} other message(s) arrived, none an identity reply", ignored.size());
    if (args.transport.json) {
        print_json(nlohmann::json{{"reply", nullptr},
                                  {"output", t.ports.output},
                                  {"input", t.ports.input},
                                  {"error", detail}});
    }
    fmt::print(stderr,
               "syxflash-cli identify: no identity reply within {} ms on '{}' ({}). Check the "
               "cable goes both ways (MIDI OUT of the device to an input here), the device is "
               "on, and that it answers identity requests at all (some never do).\n",
               args.timeout_ms, t.ports.input, detail);
    return kExitNoAnswer;
}

const CommandRegistrar kRegistrar{Command{
    "identify", "Ask a device who it is (Universal Identity Request)", 50,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<IdentifyArgs>();
        add_transport_options(sub, args->transport);
        sub.add_option("--timeout-ms", args->timeout_ms, "How long to wait for the reply")
            ->capture_default_str();
        sub.add_option("--device-id", args->device_id, "SysEx device id to ask (127 = all devices)")
            ->check(CLI::Range(0, 127))
            ->capture_default_str();
        sub.footer("Sends F0 7E 7F 06 01 F7 and waits for F0 7E <dev> 06 02 … F7.\n"
                   "Exit 5 when nothing answers.\n"
                   "Examples:\n"
                   "  syxflash-cli identify --port phatty\n"
                   "  syxflash-cli identify --port 'UM-ONE' --json");
        return [args] { return run_identify(*args); };
    }}};

} // namespace
} // namespace syx::cli
