#include "gui/device_cards.hpp"

namespace syx::gui {

std::string abilities_text(const Manifest& manifest) {
    std::vector<std::string> parts;
    parts.emplace_back(manifest.firmware.supported ? "firmware update" : "no firmware update");
    switch (manifest.backup.kind) {
    case BackupKind::automatic:
        parts.emplace_back("automatic preset backup");
        break;
    case BackupKind::manual:
    case BackupKind::record_many:
        parts.emplace_back("guided preset backup (front-panel steps)");
        break;
    case BackupKind::none:
        parts.emplace_back("no preset backup over SysEx");
        break;
    }
    if (!manifest.recovery.empty()) {
        parts.emplace_back("guided recovery");
    }
    std::string text;
    for (const auto& part : parts) {
        if (!text.empty()) {
            text += " \u2022 ";
        }
        text += part;
    }
    return text;
}

DeviceCard device_card(const CatalogueEntry& entry) {
    DeviceCard card;
    card.id = entry.manifest.id;
    card.name = entry.manifest.name;
    card.maker = entry.manifest.maker;
    card.summary = entry.manifest.summary;
    card.abilities = abilities_text(entry.manifest);
    if (entry.origin == ManifestOrigin::user) {
        card.abilities += " (from your own manifest: " + entry.file.string() + ")";
    }
    return card;
}

std::vector<DeviceCard> device_cards(const Catalogue& catalogue) {
    std::vector<DeviceCard> cards;
    cards.reserve(catalogue.size());
    for (const auto& entry : catalogue.entries()) {
        cards.push_back(device_card(entry));
    }
    return cards;
}

} // namespace syx::gui
