#pragma once
// Inspecting a SysEx file on both cores. Reading a file does independent passes over the same
// bytes — the file's SHA-256, its CRC-32, framing + validation, and (for --list/--json) every
// message's SHA-256 — and on a 64 MiB firmware the file's SHA-256 alone is as long as all the
// others together. core offers the pure pieces (load_file, read_loaded_file with
// ReadOptions::hash_file = false, sha256, crc32); the engine runs them on two threads.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "core/hash.hpp"
#include "core/result.hpp"
#include "core/sysex_file.hpp"
#include "engine/sysex_file_reader.hpp"

namespace syx::engine {

struct InspectOptions {
    ReadOptions read;            // read.hash_file is ignored: the file is always hashed
    bool message_hashes = false; // also the SHA-256 of every message (what --list/--json show)
};

struct InspectedFile {
    SysexFile file;                           // exactly what read_sysex_file(path) returns
    std::vector<Sha256Digest> message_sha256; // one per file.messages entry when asked, else empty
};

// Errors are read_sysex_file's (not found, a folder, unreadable) and "internal" when the hashing
// library cannot allocate; everything about the content is a finding in file.findings.
[[nodiscard]] Result<InspectedFile> inspect_file(const std::filesystem::path& path,
                                                 const InspectOptions& options = {});

// What decoding a file by a device's [firmware.grammar] found (issue 15): the same decoder and the
// same words as validate's "firmware-decoded" finding, as separate facts for inspect and the UI.
struct DecodedFirmwareFacts {
    std::string device_id; // the manifest whose grammar decoded the file
    std::string device_name;
    std::string summary;    // "Shruthi-1 firmware, 4 pages of 256 bytes, …; known release 1.02"
    std::string block_noun; // "page", "block"
    std::size_t blocks = 0; // data messages
    std::size_t block_bytes = 0;              // data bytes per block (0: they differ)
    std::optional<std::uint64_t> image_bytes; // declared by a header, else as assembled
    std::optional<std::uint32_t> image_crc;   // computed, where the grammar has one
    unsigned image_crc_width = 0;
    std::optional<std::string> declared_version;
    std::optional<std::string> release; // known release (by the file's SHA-256)
    bool carries_checksum = true;       // false: only the release's SHA-256 can tell
};

// Every device in `catalogue` whose firmware grammar decodes `file` without a problem (files of
// the Launchpad family can fit more than one), in catalogue order. Devices whose message prefixes
// do not match the first message are not tried. Needs file.sha256 for the release.
[[nodiscard]] std::vector<DecodedFirmwareFacts> decode_as_firmware(const SysexFile& file,
                                                                   const Catalogue& catalogue);

} // namespace syx::engine
