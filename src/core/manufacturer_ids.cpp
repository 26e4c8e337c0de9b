#include "core/manufacturer_ids.hpp"

#include "core/hash.hpp"

namespace syx {
namespace {

struct Entry {
    std::uint8_t size;
    std::array<std::uint8_t, 3> bytes;
    const char* name;
};

// From the MIDI Association's manufacturer ID list. Where a maker is known to use an ID
// registered to someone else, the registered name is given and the comment says so.
constexpr Entry kRegistry[] = {
    {1, {0x01, 0, 0}, "Sequential Circuits"}, // also used by Dave Smith Instruments / Sequential
    {1, {0x04, 0, 0}, "Moog"},
    {1, {0x06, 0, 0}, "Lexicon"},
    {1, {0x07, 0, 0}, "Kurzweil"},
    {1, {0x0F, 0, 0}, "Ensoniq"},
    {1, {0x10, 0, 0}, "Oberheim"},
    {1, {0x18, 0, 0}, "E-mu"},
    {1, {0x1C, 0, 0}, "Eventide"},
    // Registered to Viscount; Jomox uses it too (DEVICES.md: Jomox MBrane/MBase, reported).
    {1, {0x31, 0, 0}, "Viscount"},
    {1, {0x3E, 0, 0}, "Waldorf"},
    {1, {0x40, 0, 0}, "Kawai"},
    {1, {0x41, 0, 0}, "Roland"},
    {1, {0x42, 0, 0}, "Korg"},
    {1, {0x43, 0, 0}, "Yamaha"},
    {1, {0x44, 0, 0}, "Casio"},
    {1, {0x47, 0, 0}, "Akai"},
    {1, {0x52, 0, 0}, "Zoom"},
    {1, {0x7D, 0, 0}, "Non-commercial (educational/development use)"},
    {1, {0x7E, 0, 0}, "Universal Non-Real Time"},
    {1, {0x7F, 0, 0}, "Universal Real Time"},
    {3, {0x00, 0x00, 0x0E}, "Alesis"},
    {3, {0x00, 0x01, 0x05}, "M-Audio"},
    {3, {0x00, 0x01, 0x77}, "Nektar"},
    {3, {0x00, 0x20, 0x29}, "Focusrite/Novation"},
    {3, {0x00, 0x20, 0x32}, "Behringer"},
    {3, {0x00, 0x20, 0x33}, "Access Music"},
    {3, {0x00, 0x20, 0x3C}, "Elektron"},
    {3, {0x00, 0x20, 0x6B}, "Arturia"},
};

} // namespace

std::string ManufacturerId::hex() const {
    return to_spaced_hex(std::span<const std::uint8_t>(bytes.data(), size));
}

std::optional<ManufacturerId> manufacturer_id_of(std::span<const std::uint8_t> message) {
    if (message.size() < 2 || message[0] != 0xF0 || message[1] >= 0x80) {
        return std::nullopt;
    }
    ManufacturerId id;
    if (message[1] != 0x00) {
        id.bytes = {message[1], 0, 0};
        id.size = 1;
        return id;
    }
    if (message.size() < 4 || message[2] >= 0x80 || message[3] >= 0x80) {
        return std::nullopt;
    }
    id.bytes = {0x00, message[2], message[3]};
    id.size = 3;
    return id;
}

const char* manufacturer_name(const ManufacturerId& id) {
    for (const Entry& entry : kRegistry) {
        if (entry.size == id.size && entry.bytes == id.bytes) {
            return entry.name;
        }
    }
    return nullptr;
}

} // namespace syx
