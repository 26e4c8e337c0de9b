#pragma once
// Device cards for tests (aggregate initialisation with omitted fields trips
// -Wmissing-field-initializers).
#include <string>

#include "gui/snapshot.hpp"

namespace syx::gui::test {

inline DeviceCard card(std::string id, std::string name = "", std::string maker = "",
                       std::string summary = "", std::string abilities = "",
                       bool simulated = false) {
    DeviceCard c;
    c.id = std::move(id);
    c.name = std::move(name);
    c.maker = std::move(maker);
    c.summary = std::move(summary);
    c.abilities = std::move(abilities);
    c.simulated = simulated;
    return c;
}

// An interrupted update as the journal reports it at start-up (a known device).
inline InterruptedUpdate interrupted(std::string session, std::string device_id,
                                     std::string device_name, std::string file, bool file_present) {
    InterruptedUpdate u;
    u.session = std::move(session);
    u.device_id = std::move(device_id);
    u.device_name = std::move(device_name);
    u.when = "2026-11-20 at 22:33 UTC";
    u.messages_sent = 4;
    u.message_count = 12;
    u.file = std::move(file);
    u.file_present = file_present;
    u.device_known = true;
    u.how = "syxflash stopped during 'transfer' (closed, killed or a power cut)";
    return u;
}

} // namespace syx::gui::test
