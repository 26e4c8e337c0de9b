#include "transport/emulated_transport.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "emulator/device_catalogue.hpp"

namespace syx::transport {

namespace {

// ---- One device with its pump thread ----------------------------------------------------------

class PumpedDevice final : public EmulatedDevice {
public:
    PumpedDevice(std::string id, std::unique_ptr<emu::FaultyDevice> model)
        : m_id(std::move(id)), m_model(std::move(model)), m_start(Clock::now()),
          m_display(m_model->display_text()) {
        m_thread = std::thread([this] { run(); });
    }

    ~PumpedDevice() override {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }

    PumpedDevice(const PumpedDevice&) = delete;
    PumpedDevice& operator=(const PumpedDevice&) = delete;

    [[nodiscard]] const std::string& id() const override { return m_id; }

    Status send(std::span<const std::uint8_t> bytes) override {
        return send_via(bytes, m_model->spec().link);
    }

    Status send_via(std::span<const std::uint8_t> bytes, Link link) override {
        {
            std::lock_guard lock(m_mutex);
            if (!m_model->port_present()) {
                return make_error(ErrorCode::port_vanished,
                                  fmt::format("emulated port '{}' vanished (fault)", m_id));
            }
            m_model->set_input_link(link);
            queue(m_model->on_message(bytes, emulated_now()));
        }
        m_wake.notify_all();
        return Ok{};
    }

    void set_listener(ReceiveCallback listener) override {
        std::lock_guard lock(m_mutex);
        m_listener = std::move(listener);
    }

    [[nodiscard]] bool port_present() const override {
        std::lock_guard lock(m_mutex);
        return m_model->port_present();
    }
    [[nodiscard]] std::string display_text() const override {
        std::lock_guard lock(m_mutex);
        return m_model->display_text();
    }
    [[nodiscard]] std::string mode() const override {
        std::lock_guard lock(m_mutex);
        return m_model->mode();
    }
    [[nodiscard]] std::string firmware_version_text() const override {
        std::lock_guard lock(m_mutex);
        return m_model->firmware_version_text();
    }
    [[nodiscard]] std::vector<emu::Button> buttons() const override {
        std::lock_guard lock(m_mutex);
        return m_model->buttons();
    }
    [[nodiscard]] std::vector<emu::ModelNote> notes() const override {
        std::lock_guard lock(m_mutex);
        return m_model->notes();
    }
    [[nodiscard]] std::vector<std::string> fault_events() const override {
        std::lock_guard lock(m_mutex);
        return m_model->events();
    }
    void press(std::string_view button) override {
        {
            std::lock_guard lock(m_mutex);
            queue(m_model->press(button, emulated_now()));
        }
        m_wake.notify_all();
    }
    void power_cycle(const std::vector<std::string>& held_buttons) override {
        {
            std::lock_guard lock(m_mutex);
            queue(m_model->power_cycle(held_buttons, emulated_now()));
        }
        m_wake.notify_all();
    }
    void set_display_listener(std::function<void(const std::string&)> listener) override {
        std::lock_guard lock(m_mutex);
        m_display_listener = std::move(listener);
    }
    // Button presses due at these times after the start (SYXFLASH_EMULATED_PRESS).
    void schedule_presses(std::vector<std::pair<emu::Time, std::string>> presses) {
        {
            std::lock_guard lock(m_mutex);
            m_presses = std::move(presses);
            std::stable_sort(m_presses.begin(), m_presses.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
        }
        m_wake.notify_all();
    }

private:
    [[nodiscard]] emu::Time emulated_now() const {
        return std::chrono::duration_cast<emu::Time>(Clock::now() - m_start);
    }
    [[nodiscard]] TimePoint to_clock(emu::Time t) const {
        return m_start + std::chrono::duration_cast<Clock::duration>(t);
    }

    void queue(emu::Outputs outputs) {
        for (auto& o : outputs) {
            m_pending.insert(std::upper_bound(m_pending.begin(), m_pending.end(), o,
                                              [](const emu::Output& a, const emu::Output& b) {
                                                  return a.at < b.at;
                                              }),
                             std::move(o));
        }
    }

    // Delivers answers when due, lets emulated time pass for the model (boots, timeouts), and
    // reports display changes. Listeners only enqueue (MidiTransport contract), so calling them
    // under the lock cannot block for long; it keeps close() race-free.
    void run() {
        std::unique_lock lock(m_mutex);
        while (!m_stop) {
            const emu::Time now = emulated_now();
            queue(m_model->advance(now));
            while (!m_presses.empty() && m_presses.front().first <= now) {
                queue(m_model->press(m_presses.front().second, now));
                m_presses.erase(m_presses.begin());
            }
            while (!m_pending.empty() && m_pending.front().at <= now) {
                const emu::Output out = std::move(m_pending.front());
                m_pending.erase(m_pending.begin());
                if (m_listener && m_model->port_present()) {
                    m_listener(out.bytes, to_clock(out.at));
                }
            }
            const std::string display = m_model->display_text();
            if (display != m_display) {
                m_display = display;
                if (m_display_listener) {
                    m_display_listener(display);
                }
            }
            // Sleep until the next answer is due or the model's next deadline (display changes
            // caused by time are deadlines too); with neither, until something is sent or
            // pressed. An idle device costs no CPU.
            std::optional<emu::Time> next;
            if (!m_pending.empty()) {
                next = m_pending.front().at;
            }
            if (!m_presses.empty()) {
                next = next ? std::min(*next, m_presses.front().first) : m_presses.front().first;
            }
            if (const auto deadline = m_model->next_deadline()) {
                next = next ? std::min(*next, std::max(*deadline, now)) : std::max(*deadline, now);
            }
            if (next) {
                m_wake.wait_until(lock, to_clock(*next));
            } else {
                m_wake.wait(lock);
            }
        }
    }

    std::string m_id;
    std::unique_ptr<emu::FaultyDevice> m_model;
    TimePoint m_start;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::vector<emu::Output> m_pending;                       // sorted by time
    std::vector<std::pair<emu::Time, std::string>> m_presses; // scripted presses, by time
    ReceiveCallback m_listener;
    std::function<void(const std::string&)> m_display_listener;
    std::string m_display;
    std::thread m_thread;
};

// ---- Process-wide devices ---------------------------------------------------------------------

struct Devices {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<EmulatedDevice>, std::less<>> by_id;
    std::vector<emu::FaultSpec> faults;
    std::uint64_t seed = 1;
    std::vector<std::pair<emu::Time, std::string>> presses; // SYXFLASH_EMULATED_PRESS
    bool configured = false;
    std::vector<Manifest> manifests; // set_emulated_manifests()
};

Devices& devices() {
    static Devices instance;
    return instance;
}

// "BUTTON@MS;BUTTON@MS…" (SYXFLASH_EMULATED_PRESS).
Result<std::vector<std::pair<emu::Time, std::string>>> parse_presses(std::string_view text) {
    std::vector<std::pair<emu::Time, std::string>> out;
    while (!text.empty()) {
        const auto semi = text.find(';');
        const auto item = text.substr(0, semi);
        text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
        if (item.empty()) {
            continue;
        }
        const auto at = item.find('@');
        char* end = nullptr;
        const std::string ms(at == std::string_view::npos ? "" : item.substr(at + 1));
        const auto value = std::strtoull(ms.c_str(), &end, 10);
        if (at == 0 || at == std::string_view::npos || ms.empty() || *end != '\0' ||
            value > 86'400'000) {
            return make_error(ErrorCode::usage,
                              fmt::format("SYXFLASH_EMULATED_PRESS: '{}' is not BUTTON@MS "
                                          "(e.g. dump-bank@500)",
                                          item));
        }
        out.emplace_back(std::chrono::duration_cast<emu::Time>(std::chrono::milliseconds(value)),
                         std::string(item.substr(0, at)));
    }
    return out;
}

// SYXFLASH_EMULATED_FAULTS / SYXFLASH_EMULATED_SEED / SYXFLASH_EMULATED_PRESS, read once when
// nothing was configured.
Status configure_from_environment(Devices& d) {
    if (d.configured) {
        return Ok{};
    }
    d.configured = true;
    if (const char* seed = std::getenv("SYXFLASH_EMULATED_SEED")) {
        d.seed = std::strtoull(seed, nullptr, 10);
    }
    if (const char* presses = std::getenv("SYXFLASH_EMULATED_PRESS")) {
        if (auto parsed = parse_presses(presses); parsed) {
            d.presses = std::move(*parsed);
        } else {
            return parsed.error();
        }
    }
    const char* env = std::getenv("SYXFLASH_EMULATED_FAULTS");
    if (env == nullptr) {
        return Ok{};
    }
    std::string_view rest(env);
    while (!rest.empty()) {
        const auto semi = rest.find(';');
        const auto item = rest.substr(0, semi);
        if (!item.empty()) {
            auto spec = emu::parse_fault_spec(item);
            if (!spec) {
                return spec.error().with_context("SYXFLASH_EMULATED_FAULTS");
            }
            d.faults.push_back(*spec);
        }
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    }
    return Ok{};
}

// The device for an id if it was created already (listing ports must not start devices).
std::shared_ptr<EmulatedDevice> existing_device(std::string_view id) {
    auto& d = devices();
    std::lock_guard lock(d.mutex);
    const auto it = d.by_id.find(id);
    return it == d.by_id.end() ? nullptr : it->second;
}

// --fault one-way-cable: only the devices' MIDI inputs are cabled, so no input port is listed
// (faults configured before listing, as the CLI's --fault does).
bool one_way_cable() {
    auto& d = devices();
    std::lock_guard lock(d.mutex);
    return std::any_of(d.faults.begin(), d.faults.end(), [](const emu::FaultSpec& f) {
        return f.kind == emu::FaultKind::one_way_cable;
    });
}

// ---- The transport ----------------------------------------------------------------------------

class EmulatedTransport final : public MidiTransport {
public:
    ~EmulatedTransport() override { close(); }

    [[nodiscard]] MidiApi api() const override { return MidiApi::emulated; }

    Result<std::vector<PortInfo>> list_ports() override {
        std::vector<PortInfo> ports;
        for (const auto& info : emulated_device_list()) {
            const auto device = existing_device(info.id);
            if (device && !device->port_present()) {
                continue; // unplugged by a fault
            }
            ports.push_back(
                PortInfo{info.id, PortDirection::output, MidiApi::emulated, std::nullopt});
            if (!one_way_cable()) {
                ports.push_back(
                    PortInfo{info.id, PortDirection::input, MidiApi::emulated, std::nullopt});
            }
        }
        return ports;
    }

    void set_receive_callback(ReceiveCallback callback) override {
        std::lock_guard lock(m_mutex);
        m_callback = std::move(callback);
    }

    Status open(const OpenOptions& options) override {
        close();
        if (!options.output_port.empty()) {
            auto device = emulated_device(options.output_port);
            if (!device) {
                return device.error();
            }
            m_output = *device;
        }
        if (!options.input_port.empty()) {
            auto device = emulated_device(options.input_port);
            if (!device) {
                m_output.reset();
                return device.error();
            }
            m_input = *device;
            ReceiveCallback callback;
            {
                std::lock_guard lock(m_mutex);
                callback = m_callback;
            }
            m_input->set_listener(std::move(callback));
        }
        return Ok{};
    }

    Status send(std::span<const std::uint8_t> bytes) override {
        if (!m_output) {
            return make_error(ErrorCode::usage, "emulated transport: no output port open");
        }
        return m_output->send(bytes);
    }

    [[nodiscard]] std::optional<std::size_t> max_send_bytes() const override {
        return std::nullopt;
    }
    // The device model takes the bytes inside send(): nothing is left to leave.
    [[nodiscard]] Result<TimePoint>
    wait_until_sent(std::chrono::milliseconds /*timeout*/) override {
        return Clock::now();
    }
    [[nodiscard]] std::chrono::microseconds delivery_jitter() const override {
        // The pump thread wakes on time to within scheduler latency [M: ~1 ms].
        return std::chrono::microseconds{1000};
    }

    Status ports_still_present() override {
        for (const auto* device : {m_output.get(), m_input.get()}) {
            if (device != nullptr && !device->port_present()) {
                return make_error(ErrorCode::port_vanished,
                                  fmt::format("emulated port '{}' vanished", device->id()));
            }
        }
        return Ok{};
    }

    void close() override {
        if (m_input) {
            m_input->set_listener({}); // returns only when the pump is not inside the listener
        }
        m_input.reset();
        m_output.reset();
    }

private:
    std::mutex m_mutex;
    ReceiveCallback m_callback;
    std::shared_ptr<EmulatedDevice> m_output;
    std::shared_ptr<EmulatedDevice> m_input;
};

} // namespace

void configure_emulated_devices(std::vector<emu::FaultSpec> faults, std::uint64_t seed) {
    auto& d = devices();
    std::lock_guard lock(d.mutex);
    d.faults = std::move(faults);
    d.seed = seed;
    d.configured = true;
}

namespace {
Result<std::shared_ptr<EmulatedDevice>> runner_for(std::string_view id,
                                                   const std::vector<emu::FaultSpec>& faults,
                                                   std::uint64_t seed,
                                                   std::span<const Manifest> manifests) {
    auto model = emu::make_emulated_device(id, faults, seed, manifests);
    if (!model) {
        return model.error();
    }
    return std::shared_ptr<EmulatedDevice>(
        std::make_shared<PumpedDevice>(std::string(id), std::move(*model)));
}

std::vector<Manifest> registered_manifests() {
    auto& d = devices();
    std::lock_guard lock(d.mutex);
    return d.manifests;
}
} // namespace

void set_emulated_manifests(std::vector<Manifest> manifests) {
    auto& d = devices();
    std::lock_guard lock(d.mutex);
    d.manifests = std::move(manifests);
}

std::vector<emu::EmulatedDeviceInfo> emulated_device_list() {
    return emu::emulated_devices(registered_manifests());
}

Result<std::shared_ptr<EmulatedDevice>>
make_emulated_device_runner(std::string_view id, const std::vector<emu::FaultSpec>& faults,
                            std::uint64_t seed) {
    return runner_for(id, faults, seed, registered_manifests());
}

Result<std::shared_ptr<EmulatedDevice>> emulated_device(std::string_view id) {
    auto& d = devices();
    std::lock_guard lock(d.mutex);
    if (auto it = d.by_id.find(id); it != d.by_id.end()) {
        return it->second;
    }
    if (auto status = configure_from_environment(d); !status) {
        return status.error();
    }
    auto model = emu::make_emulated_device(id, d.faults, d.seed, d.manifests); // d.mutex is held
    if (!model) {
        return model.error();
    }
    auto pumped = std::make_shared<PumpedDevice>(std::string(id), std::move(*model));
    if (!d.presses.empty()) {
        pumped->schedule_presses(d.presses);
    }
    std::shared_ptr<EmulatedDevice> device = pumped;
    d.by_id.emplace(std::string(id), device);
    return device;
}

std::unique_ptr<MidiTransport> make_emulated_transport() {
    return std::make_unique<EmulatedTransport>();
}

void register_emulated_transport() {
    register_transport_factory(MidiApi::emulated, []() -> Result<std::unique_ptr<MidiTransport>> {
        return make_emulated_transport();
    });
}

namespace {
// Also registers itself when this object file is linked for other reasons.
const TransportRegistrar kRegistrar{
    MidiApi::emulated,
    []() -> Result<std::unique_ptr<MidiTransport>> { return make_emulated_transport(); }};
} // namespace

} // namespace syx::transport
