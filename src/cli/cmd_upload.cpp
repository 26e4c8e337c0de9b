// syxflash-cli upload: the safe update (DESIGN.md §7, issue 6) — validate, backup gate, identify,
// bootloader, paced transfer with a journal, verify, offer restore; any failure ends in the
// device's recovery plan and exit 4.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/command_registry.hpp"
#include "cli/update_flow.hpp"
#include "engine/flow_gates.hpp"

namespace syx::cli {
namespace {

const CommandRegistrar kRegistrar{Command{
    "upload", "Update the firmware safely: validate, back up, send paced, verify, recover", 80,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<UpdateRequest>();
        args->command = "upload";
        sub.add_option("FILE", args->file, "The firmware file (.syx, .mid, hex text, gzip)")
            ->required();
        add_flow_options(sub, args->flow);
        auto* backup = sub.add_option("--backup", args->backup,
                                      "A verified backup of this device made earlier "
                                      "(with its .syx.json sidecar)");
        auto* skip = sub.add_flag("--skip-backup", args->skip_backup,
                                  "Update without a backup (logged); the presets may be lost");
        backup->excludes(skip);
        skip->excludes(backup);
        sub.add_flag("--allow-unknown-release", args->allow_unknown_release,
                     "Send a file that passes every check but is not a release the manifest knows");
        sub.add_option("--below-gap-floor", args->gap_override,
                       fmt::format("Go below the device's documented gap: type \"{}\" "
                                   "(journaled)",
                                   engine::kGapFloorOverridePhrase));
        sub.add_option("--link", args->link,
                       "usb: the device's own USB port; din: through a MIDI interface (default: "
                       "din through an interface port, usb on the device's own port, else the "
                       "link the manifest prefers)");
        sub.footer(
            "Order: validate the file (exit 3, nothing sent, if it fails) → backup gate (a new\n"
            "backup unless --backup FILE or --skip-backup; devices without a dump need none) →\n"
            "identify → bootloader steps → paced transfer (journaled) → verify → offer restore.\n"
            "A failure prints the device's recovery steps and exits 4; 'syxflash-cli recover'\n"
            "lists interrupted updates.\n"
            "Examples:\n"
            "  syxflash-cli upload --device gligli-prophet-600 --port UM-ONE p600fw.syx\n"
            "  syxflash-cli upload --device moog-little-phatty --port Phatty os.syx \\\n"
            "      --backup lp-2026-11.syx\n"
            "  syxflash-cli upload --device parker-midifly --api emulated --port parker-midifly "
            "\\\n"
            "      fly.syx --yes --json");
        return [args] { return run_update_flow(*args); };
    }}};

} // namespace
} // namespace syx::cli
