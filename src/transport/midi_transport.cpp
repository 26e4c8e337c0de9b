#include "transport/midi_transport.hpp"

#include <array>
#include <map>
#include <mutex>

#include <fmt/core.h>

namespace syx::transport {

const char* to_string(MidiApi api) {
    switch (api) {
    case MidiApi::alsa:
        return "alsa";
    case MidiApi::jack:
        return "jack";
    case MidiApi::coremidi:
        return "coremidi";
    case MidiApi::winmm:
        return "winmm";
    case MidiApi::emulated:
        return "emulated";
    }
    return "?";
}

const std::vector<MidiApi>& all_apis() {
    static const std::vector<MidiApi> apis{MidiApi::alsa, MidiApi::jack, MidiApi::coremidi,
                                           MidiApi::winmm, MidiApi::emulated};
    return apis;
}

std::optional<MidiApi> parse_api(std::string_view text) {
    for (MidiApi api : all_apis()) {
        if (text == to_string(api)) {
            return api;
        }
    }
    return std::nullopt;
}

const char* to_string(PortDirection direction) {
    return direction == PortDirection::input ? "input" : "output";
}

namespace {

struct Registry {
    std::mutex mutex;
    std::map<MidiApi, TransportFactory> factories;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

} // namespace

void register_transport_factory(MidiApi api, TransportFactory factory) {
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    reg.factories[api] = std::move(factory);
}

bool has_transport_factory(MidiApi api) {
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    return reg.factories.count(api) != 0;
}

Result<std::unique_ptr<MidiTransport>> make_transport(MidiApi api) {
    TransportFactory factory;
    {
        auto& reg = registry();
        std::lock_guard lock(reg.mutex);
        auto it = reg.factories.find(api);
        if (it != reg.factories.end()) {
            factory = it->second;
        }
    }
    if (!factory) {
        return make_error(ErrorCode::not_found,
                          fmt::format("MIDI api '{}' is not available in this build; try "
                                      "'syxflash-cli ports' to see what is",
                                      to_string(api)));
    }
    return factory();
}

} // namespace syx::transport
