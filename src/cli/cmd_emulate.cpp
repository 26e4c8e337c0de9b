// syxflash-cli emulate ID: serves an emulated device on virtual MIDI ports, or on the device
// side of a rawmidi cable (a USB gadget's card), until Ctrl-C.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#ifdef __unix__
#include <poll.h>
#include <unistd.h>
#endif

#include "cli/cli_transport.hpp"
#include "cli/command_registry.hpp"
#include "cli/exit_codes.hpp"
#include "emulator/device_catalogue.hpp"
#include "emulator/fault_spec.hpp"
#include "emulator/modelled_firmware.hpp"
#include "engine/data_paths.hpp"
#include "transport/emulated_transport.hpp"
#include "transport/rtmidi/rtmidi_virtual_port.hpp"
#ifdef SYXFLASH_HAVE_ALSA
#include "transport/alsa/rawmidi_device_port.hpp"
#endif

namespace syx::cli {

namespace {

std::string one_line(std::string text) {
    for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n')) {
        text.replace(at, 1, " / ");
    }
    return text;
}

// Everything the MIDI and pump threads hand to the main thread: they only enqueue.
struct Inbox {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::vector<std::uint8_t>> to_device;   // from the virtual "in" port
    std::deque<std::vector<std::uint8_t>> from_device; // the device's answers
    std::deque<std::string> displays;

    template <class F>
    void push(F&& f) {
        {
            std::lock_guard lock(mutex);
            f();
        }
        ready.notify_one();
    }
};

struct EmulateArgs {
    std::string id;
    std::string api = "alsa";
    std::string name;
    std::vector<std::string> faults;
    std::uint64_t seed = 1;
    bool list = false;
    // --api rawmidi: the device side of a cable, and of more cables to the same unit that stand
    // for a DIN interface (--din-device: bytes arrive over the model's DIN input).
    std::string device;
    std::vector<std::string> din_devices;
    double byte_rate = 3125;    // a DIN port's speed; 0 = as fast as the driver takes it
    std::string timestamps;     // JSON lines: when each received message's first/last byte came
    std::string write_firmware; // write a firmware file the model accepts, and exit
};

// Where the device's answers go and how they leave: virtual ports, or a rawmidi device.
class DevicePorts {
public:
    virtual ~DevicePorts() = default;
    virtual void send(const std::vector<std::uint8_t>& message) = 0;
    virtual void describe(const std::string& id, const std::string& api) = 0;
};

class VirtualPorts final : public DevicePorts {
public:
    explicit VirtualPorts(std::unique_ptr<transport::VirtualMidiPort> port)
        : m_port(std::move(port)) {}
    void send(const std::vector<std::uint8_t>& m) override {
        // Split what one send cannot carry (JACK: 16 KiB); pieces are SysEx chunks that a
        // receiver re-frames, and the pause lets JACK drain its ring between them.
        const std::size_t max = m_port->max_send_bytes().value_or(m.size());
        for (std::size_t at = 0; at < m.size(); at += max) {
            const auto n = std::min(max, m.size() - at);
            if (auto status = m_port->send(std::span(m).subspan(at, n)); !status) {
                fmt::print(stderr, "emulate: sending failed: {}\n", status.error().message);
            }
            if (at + n < m.size()) {
                std::this_thread::sleep_for(std::chrono::milliseconds{20});
            }
        }
    }
    void describe(const std::string& id, const std::string& api) override {
        fmt::print("Emulating {} on {} ports '{}' (send to it) and '{}' (its answers).\n", id, api,
                   m_port->input_port_name(), m_port->output_port_name());
    }

private:
    std::unique_ptr<transport::VirtualMidiPort> m_port;
};

#ifdef SYXFLASH_HAVE_ALSA
// One unit behind one or more cables. Its answers leave by the cable the last bytes came in by
// (the first one until anything came): whether a real unit's MIDI OUT and USB port both carry
// every answer is not documented [M], and a card nobody on the far side reads would block the
// writer once its buffer is full.
class RawMidiPorts final : public DevicePorts {
public:
    struct Cable {
        std::unique_ptr<transport::RawMidiDevicePort> port;
        std::optional<double> rate;
        const char* what;
    };
    RawMidiPorts(std::vector<Cable> cables, std::shared_ptr<std::atomic<std::size_t>> last_from)
        : m_cables(std::move(cables)), m_last_from(std::move(last_from)) {}
    void send(const std::vector<std::uint8_t>& m) override {
        // Sent whole at the device's own pace, as a unit busy dumping would.
        auto& c = m_cables.at(std::min(m_last_from->load(), m_cables.size() - 1));
        if (auto status = c.port->send(m, c.rate); !status) {
            fmt::print("fault: not sent: {}\n", status.error().message);
        }
    }
    void describe(const std::string& id, const std::string& /*api*/) override {
        for (const auto& c : m_cables) {
            fmt::print("Emulating {} on rawmidi device '{}' ({}), answering at {}.\n", id,
                       c.port->device(), c.what,
                       c.rate ? fmt::format("{:.0f} bytes/s", *c.rate) : "full speed");
        }
    }

private:
    std::vector<Cable> m_cables;
    std::shared_ptr<std::atomic<std::size_t>> m_last_from;
};

// The model behind --device (its own link) and every --din-device (its DIN input, answering at
// DIN speed): one reader thread per card, each handing bytes straight to the model with the link
// they came by, so it sees when each byte came. --timestamps lines name the card.
Result<std::unique_ptr<DevicePorts>> open_rawmidi_cables(const EmulateArgs& args,
                                                         transport::EmulatedDevice& dev,
                                                         std::ofstream& timestamps) {
    static std::mutex timestamps_mutex;
    std::vector<RawMidiPorts::Cable> cables;
    auto last_from = std::make_shared<std::atomic<std::size_t>>(0);
    auto open_one = [&](const std::string& name, std::optional<Link> via) -> Status {
        auto port = transport::RawMidiDevicePort::open(
            name,
            [&timestamps, name](transport::RawMidiArrival&& m) {
                if (!timestamps.is_open()) {
                    return;
                }
                // Written on the reader threads, in arrival order; steady-clock microseconds.
                const auto us = [](transport::TimePoint t) {
                    return std::chrono::duration_cast<std::chrono::microseconds>(
                               t.time_since_epoch())
                        .count();
                };
                std::string head;
                for (std::size_t i = 0; i < std::min<std::size_t>(m.bytes.size(), 6); ++i) {
                    head += fmt::format("{}{:02X}", i == 0 ? "" : " ", m.bytes[i]);
                }
                std::lock_guard lock(timestamps_mutex);
                timestamps << fmt::format("{{\"first_us\":{},\"last_us\":{},\"bytes\":{},"
                                          "\"head\":\"{}\",\"device\":\"{}\"}}\n",
                                          us(m.first_byte), us(m.last_byte), m.bytes.size(), head,
                                          name);
                timestamps.flush();
            },
            [&dev, via, last_from, index = cables.size()](std::span<const std::uint8_t> bytes,
                                                          transport::TimePoint) {
                last_from->store(index);
                (void)(via ? dev.send_via(bytes, *via) : dev.send(bytes));
            });
        if (!port) {
            return port.error();
        }
        const bool din = via.has_value();
        const auto rate = din ? std::optional<double>{static_cast<double>(kDinBytesPerSecond)}
                          : args.byte_rate > 0 ? std::optional<double>{args.byte_rate}
                                               : std::nullopt;
        cables.push_back({std::move(*port), rate, din ? "DIN, through an interface" : "its own"});
        return Ok{};
    };
    if (auto status = open_one(args.device, std::nullopt); !status) {
        return status.error();
    }
    for (const auto& name : args.din_devices) {
        if (auto status = open_one(name, Link::din); !status) {
            return status.error();
        }
    }
    return std::unique_ptr<DevicePorts>(
        std::make_unique<RawMidiPorts>(std::move(cables), std::move(last_from)));
}
#endif

// "press BUTTON", "power-cycle [BUTTON…]" or "display" typed on stdin.
void handle_command(transport::EmulatedDevice& device, const std::string& line) {
    std::istringstream words(line);
    std::string verb;
    words >> verb;
    std::vector<std::string> args;
    for (std::string w; words >> w;) {
        args.push_back(w);
    }
    if (verb == "press" && args.size() == 1) {
        device.press(args[0]);
    } else if (verb == "power-cycle") {
        device.power_cycle(args);
    } else if (verb == "display") {
        fmt::print("display: {}\n", one_line(device.display_text()));
    } else if (!verb.empty()) {
        std::string ids;
        for (const auto& b : device.buttons()) {
            ids += " " + b.id;
        }
        fmt::print("commands: press BUTTON | power-cycle [BUTTON…] | display   (buttons:{})\n",
                   ids);
    }
    std::fflush(stdout);
}

// --write-firmware: the modelled release 1.2.0.0 (emulator/modelled_firmware.hpp), for practice
// and tests on other machines (the VM tests), where the test helpers are not.
int write_firmware_file(const EmulateArgs& args) {
    const auto messages = emu::make_test_firmware(args.id, {1, 2, 0, 0});
    if (messages.empty()) {
        fmt::print(stderr, "emulate: no modelled firmware for '{}'\n", args.id);
        return kExitUsage;
    }
    std::ofstream out(args.write_firmware, std::ios::binary | std::ios::trunc);
    for (const auto& m : messages) {
        out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size()));
    }
    if (!out.flush()) {
        fmt::print(stderr, "emulate: cannot write '{}'\n", args.write_firmware);
        return kExitUsage;
    }
    fmt::print("Wrote {} modelled firmware messages for {} to {}\n", messages.size(), args.id,
               args.write_firmware);
    return kExitSuccess;
}

// The usage errors of a serving run, printed; nullopt when the arguments hold.
std::optional<int> check_serve_args(const EmulateArgs& args) {
    const bool rawmidi = args.api == "rawmidi";
    const auto api = transport::parse_api(args.api);
    if (!rawmidi &&
        (!api || (*api != transport::MidiApi::jack && *api != transport::MidiApi::alsa))) {
        fmt::print(stderr, "emulate: --api must be jack, alsa or rawmidi (got '{}')\n", args.api);
        return kExitUsage;
    }
    if (rawmidi && args.device.empty()) {
        fmt::print(stderr, "emulate: --api rawmidi needs --device (e.g. hw:CARD=lp; 'amidi -l')\n");
        return kExitUsage;
    }
    if (!rawmidi && !args.din_devices.empty()) {
        fmt::print(stderr, "emulate: --din-device needs --api rawmidi\n");
        return kExitUsage;
    }
    if (args.byte_rate < 0) {
        fmt::print(stderr, "emulate: --byte-rate must be 0 (full speed) or more\n");
        return kExitUsage;
    }
    return std::nullopt;
}

// The device's ports, or nullptr after printing why they could not be opened.
using PortsOrNull = std::unique_ptr<DevicePorts>;

PortsOrNull open_rawmidi_ports(const EmulateArgs& args, transport::EmulatedDevice& dev,
                               std::ofstream& timestamps) {
#ifdef SYXFLASH_HAVE_ALSA
    auto opened = open_rawmidi_cables(args, dev, timestamps);
    if (!opened) {
        fmt::print(stderr, "emulate: {}\n", opened.error().message);
        return nullptr;
    }
    return std::move(*opened);
#else
    (void)args;
    (void)dev;
    (void)timestamps;
    fmt::print(stderr, "emulate: this build has no ALSA rawmidi support\n");
    return nullptr;
#endif
}

PortsOrNull open_virtual_ports(const EmulateArgs& args, transport::MidiApi api, Inbox& inbox) {
    const std::string name = args.name.empty() ? "syxflash-" + args.id : args.name;
    auto port = transport::open_virtual_midi_port(
        api, name, [&inbox](std::span<const std::uint8_t> bytes, transport::TimePoint) {
            inbox.push([&] { inbox.to_device.emplace_back(bytes.begin(), bytes.end()); });
        });
    if (!port) {
        fmt::print(stderr, "emulate: {}\nIs a {} server running? (JACK: jackd -d dummy)\n",
                   port.error().message, args.api);
        return nullptr;
    }
    return std::make_unique<VirtualPorts>(std::move(*port));
}

// Commands typed on stdin so far (whole lines), without blocking.
void read_stdin_commands(transport::EmulatedDevice& dev, std::string& line, bool& open) {
#ifdef __unix__
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    while (open && ::poll(&fd, 1, 0) > 0) {
        char c = 0;
        if (::read(STDIN_FILENO, &c, 1) != 1) {
            open = false;
            break;
        }
        if (c == '\n') {
            handle_command(dev, line);
            line.clear();
        } else {
            line.push_back(c);
        }
    }
#else
    (void)dev;
    (void)line;
    (void)open;
#endif
}

// Moves bytes between the ports and the device and prints what changed, until Ctrl-C.
void serve(transport::EmulatedDevice& dev, DevicePorts& ports, Inbox& inbox) {
    const auto& stop = install_interrupt_flag();
    std::size_t events_shown = 0;
    std::string stdin_line;
    bool stdin_open = true;
    while (!stop.load()) {
        std::deque<std::vector<std::uint8_t>> to_device;
        std::deque<std::vector<std::uint8_t>> from_device;
        std::deque<std::string> displays;
        {
            std::unique_lock lock(inbox.mutex);
            inbox.ready.wait_for(lock, std::chrono::milliseconds{20}, [&] {
                return !inbox.to_device.empty() || !inbox.from_device.empty() ||
                       !inbox.displays.empty();
            });
            to_device.swap(inbox.to_device);
            from_device.swap(inbox.from_device);
            displays.swap(inbox.displays);
        }
        for (const auto& m : to_device) {
            if (auto status = dev.send(m); !status) {
                fmt::print("fault: {}\n", status.error().message);
            }
        }
        for (const auto& m : from_device) {
            ports.send(m);
        }
        for (const auto& d : displays) {
            fmt::print("display: {}\n", one_line(d));
        }
        const auto events = dev.fault_events();
        for (; events_shown < events.size(); ++events_shown) {
            fmt::print("fault: {}\n", events[events_shown]);
        }
        read_stdin_commands(dev, stdin_line, stdin_open);
        std::fflush(stdout);
    }
}

int run_emulate(const EmulateArgs& args) {
    // Grammar-described devices (issue 15) are emulated from their manifests: load them first.
    (void)engine::load_device_catalogue();
    if (args.list) {
        for (const auto& d : transport::emulated_device_list()) {
            fmt::print("{:<22} {}\n", d.id, d.display_name);
        }
        return kExitSuccess;
    }
    if (args.id.empty()) {
        fmt::print(stderr, "emulate: give a device id (see 'syxflash-cli emulate --list')\n");
        return kExitUsage;
    }
    if (!args.write_firmware.empty()) {
        return write_firmware_file(args);
    }
    if (const auto bad = check_serve_args(args)) {
        return *bad;
    }
    const auto faults = emu::parse_fault_specs(args.faults);
    if (!faults) {
        fmt::print(stderr, "emulate: {}\n", faults.error().message);
        return kExitUsage;
    }
    auto device = transport::make_emulated_device_runner(args.id, *faults, args.seed);
    if (!device) {
        fmt::print(stderr, "emulate: {}\n", device.error().message);
        return kExitUsage;
    }
    auto& dev = **device;
    Inbox inbox;
    dev.set_listener([&inbox](std::span<const std::uint8_t> bytes, transport::TimePoint) {
        inbox.push([&] { inbox.from_device.emplace_back(bytes.begin(), bytes.end()); });
    });
    dev.set_display_listener(
        [&inbox](const std::string& text) { inbox.push([&] { inbox.displays.push_back(text); }); });
    std::ofstream timestamps;
    if (!args.timestamps.empty()) {
        timestamps.open(args.timestamps, std::ios::trunc);
        if (!timestamps) {
            fmt::print(stderr, "emulate: cannot write '{}'\n", args.timestamps);
            return kExitUsage;
        }
    }
    const auto ports = args.api == "rawmidi"
                           ? open_rawmidi_ports(args, dev, timestamps)
                           : open_virtual_ports(args, *transport::parse_api(args.api), inbox);
    if (!ports) {
        return kExitUsage;
    }
    ports->describe(args.id, args.api);
    for (const auto& note : dev.notes()) {
        fmt::print("  [{}] {}\n", syx::to_string(note.confidence), note.text);
    }
    fmt::print("Type 'press BUTTON', 'power-cycle [BUTTON…]' or 'display'; Ctrl-C stops.\n");
    fmt::print("display: {}\n", one_line(dev.display_text()));
    std::fflush(stdout);
    serve(dev, *ports, inbox);
    dev.set_listener({});
    dev.set_display_listener({});
    fmt::print("stopped; display shows: {}\n", one_line(dev.display_text()));
    return kExitSuccess;
}

CommandRegistrar reg{{
    "emulate",
    "Serve an emulated device on virtual MIDI ports (practise without hardware)",
    90,
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<EmulateArgs>();
        sub.add_option("ID", args->id, "Device id, e.g. moog-little-phatty (see --list)");
        sub.add_flag("--list", args->list, "List the devices that can be emulated");
        sub.add_option("--api", args->api,
                       "jack or alsa (virtual ports), or rawmidi (the device side of a cable: "
                       "--device)")
            ->capture_default_str();
        sub.add_option("--device", args->device,
                       "--api rawmidi: the ALSA rawmidi device the device model sits behind, "
                       "e.g. hw:CARD=lp (a USB gadget's MIDI function)");
        sub.add_option("--din-device", args->din_devices,
                       "--api rawmidi: another card the same unit sits behind, standing for a DIN "
                       "interface: what arrives there reaches the model's DIN input, and its "
                       "answers leave there at 3125 B/s (repeatable)");
        sub.add_option("--byte-rate", args->byte_rate,
                       "--api rawmidi: bytes per second the device sends at (3125 = a DIN "
                       "port; 0 = as fast as the driver takes them)")
            ->capture_default_str();
        sub.add_option("--timestamps", args->timestamps,
                       "--api rawmidi: write when each received message's first and last byte "
                       "came (JSON lines, steady-clock microseconds)");
        sub.add_option("--write-firmware", args->write_firmware,
                       "Write a (modelled) firmware file this emulated device accepts, and exit");
        sub.add_option("--name", args->name,
                       "Port name prefix: NAME:in and NAME-out:out (default syxflash-ID)");
        sub.add_option("--fault", args->faults, "Inject a fault (repeatable; see below)");
        sub.add_option("--seed", args->seed, "Seed for the faults' randomness")
            ->capture_default_str();
        sub.footer(
            emu::fault_spec_help() +
            "\nWhat the device's display shows is printed as it changes. Facts are tagged\n"
            "[confirmed], [reported] or [modelled]; modelled behaviour is our assumption.\n"
            "While it runs, type 'press BUTTON', 'power-cycle [BUTTON...]' or 'display'.\n"
            "Ctrl-C stops it (exit 0).\n\n"
            "Examples:\n"
            "  syxflash-cli emulate moog-little-phatty --api jack\n"
            "  syxflash-cli emulate parker-midifly --api jack --name fly --fault "
            "power-loss-at=50%\n"
            "  syxflash-cli emulate gligli-prophet-600 --api alsa --fault drop-above-rate=2000\n"
            "  syxflash-cli emulate moog-little-phatty --api rawmidi --device hw:CARD=lp "
            "--byte-rate 0\n"
            "In-process instead of virtual ports: any command with --api emulated --port ID,\n"
            "faults from SYXFLASH_EMULATED_FAULTS='no-reply;slow-reply=200'.");
        return [args] { return run_emulate(*args); };
    },
}};

} // namespace

} // namespace syx::cli
