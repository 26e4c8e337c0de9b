#pragma once
// Inspecting a SysEx file on both cores. Reading a file does independent passes over the same
// bytes — the file's SHA-256, its CRC-32, framing + validation, and (for --list/--json) every
// message's SHA-256 — and on a 64 MiB firmware the file's SHA-256 alone is as long as all the
// others together. core offers the pure pieces (load_file, read_loaded_file with
// ReadOptions::hash_file = false, sha256, crc32); the engine runs them on two threads.
#include <filesystem>
#include <vector>

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

} // namespace syx::engine
