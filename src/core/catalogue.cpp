#include "core/catalogue.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace syx {

const char* to_string(ManifestOrigin origin) {
    return origin == ManifestOrigin::user ? "user" : "shipped";
}

namespace {

std::vector<const BytePattern*> identity_patterns(const Manifest& m) {
    std::vector<const BytePattern*> out;
    if (!m.identity.answers_identity) {
        return out;
    }
    if (m.identity.reply_pattern) {
        out.push_back(&*m.identity.reply_pattern);
    }
    if (m.identity.bootloader_reply_pattern) {
        out.push_back(&*m.identity.bootloader_reply_pattern);
    }
    return out;
}

// Two exact-length patterns can match the same reply when they have the same length and no
// position where both are concrete and differ.
bool identities_overlap(const Manifest& a, const Manifest& b) {
    for (const auto* pa : identity_patterns(a)) {
        for (const auto* pb : identity_patterns(b)) {
            if (pa->size() == pb->size() && pa->overlaps_as_prefix(*pb)) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

std::optional<ManifestProblem> Catalogue::add(Manifest manifest, std::filesystem::path file,
                                              ManifestOrigin origin) {
    auto existing = std::find_if(m_entries.begin(), m_entries.end(), [&](const CatalogueEntry& e) {
        return e.manifest.id == manifest.id;
    });
    std::optional<std::filesystem::path> overrides;
    if (existing != m_entries.end()) {
        if (existing->origin == origin || origin == ManifestOrigin::shipped) {
            return ManifestProblem{
                file.string(), 0, 0,
                fmt::format("device id \"{}\" is already defined in {}; ids must "
                            "be unique (this file is ignored)",
                            manifest.id, existing->file.string())};
        }
        overrides = existing->file;
    }
    for (const auto& other : m_entries) {
        if (other.manifest.id == manifest.id) {
            continue; // being replaced
        }
        if (identities_overlap(manifest, other.manifest)) {
            return ManifestProblem{
                file.string(), 0, 0,
                fmt::format("the identity reply pattern of \"{}\" overlaps with \"{}\" ({}): one "
                            "identity reply could match both devices (this file is ignored)",
                            manifest.id, other.manifest.id, other.file.string())};
        }
    }
    CatalogueEntry entry{std::move(manifest), std::move(file), origin, std::move(overrides)};
    if (existing != m_entries.end()) {
        *existing = std::move(entry);
    } else {
        auto at = std::lower_bound(
            m_entries.begin(), m_entries.end(), entry.manifest.id,
            [](const CatalogueEntry& e, const std::string& id) { return e.manifest.id < id; });
        m_entries.insert(at, std::move(entry));
    }
    return std::nullopt;
}

const CatalogueEntry* Catalogue::find(std::string_view id) const {
    for (const auto& e : m_entries) {
        if (e.manifest.id == id) {
            return &e;
        }
    }
    return nullptr;
}

bool Catalogue::replace_manifest(Manifest manifest) {
    for (auto& e : m_entries) {
        if (e.manifest.id == manifest.id) {
            e.manifest = std::move(manifest);
            return true;
        }
    }
    return false;
}

std::vector<std::string> Catalogue::ids() const {
    std::vector<std::string> out;
    out.reserve(m_entries.size());
    for (const auto& e : m_entries) {
        out.push_back(e.manifest.id);
    }
    return out;
}

const CatalogueEntry* Catalogue::match_identity(std::span<const std::uint8_t> reply) const {
    for (const auto& e : m_entries) {
        for (const auto* p : identity_patterns(e.manifest)) {
            if (p->matches_exactly(reply)) {
                return &e;
            }
        }
    }
    return nullptr;
}

} // namespace syx
