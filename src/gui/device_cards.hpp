#pragma once
// Turns catalogue entries (the device manifests) into the cards the Device page shows, in
// plain language: what syxflash can do for each instrument.
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "gui/snapshot.hpp"

namespace syx::gui {

// "firmware update · guided preset backup (front-panel steps) · guided recovery"
std::string abilities_text(const Manifest& manifest);

DeviceCard device_card(const CatalogueEntry& entry);
std::vector<DeviceCard> device_cards(const Catalogue& catalogue);

} // namespace syx::gui
