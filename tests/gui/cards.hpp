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

} // namespace syx::gui::test
