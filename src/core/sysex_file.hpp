#pragma once
// Reading SysEx files (DESIGN.md §4): raw .syx, Standard MIDI Files, MIDI-OX style hex text, and
// gzip of any of these. The format is detected from content, never from the file name.
//
// Findings carry stable codes (Finding::code) tools and tests match on:
//   empty-file, file-too-large, gzip-corrupt, gzip-too-large, nested-gzip   (the file as a whole)
//   raw-payload        no F0 and no F7 at all: a payload saved without SysEx framing
//   text-not-sysex     text that is not a hex listing of SysEx (hex dump with offsets, HTML, prose)
//   bytes-outside-messages  stray bytes between/around messages (a MacBinary header is named)
//   missing-f7         a message cut off by a new F0 or by the end of the file
//   status-in-message  a status byte (80–EF, F1–F6) interrupts a message before its F7
//   data-byte-high     a byte >= 0x80 inside a message that otherwise ends with F7 (8-bit data)
//   realtime-in-message (warning) F8–FF inside a message: allowed by MIDI, they do not end the
//                      SysEx and are NOT kept in the stored message (a receiver treats them
//                      apart; keeping them would change the message's bytes and checksum)
//   checksum-mismatch  a Roland DT1/RQ1 or Yamaha bulk-dump checksum is wrong
//   no-messages        nothing complete to send
//   smf-truncated, smf-bad-header, smf-bad-event, smf-track-count, smf-trailing-bytes,
//   smf-unknown-format, smf-no-end-of-track (info)
// Messages with an error finding are not in `messages`; findings about them have
// message_index = nullopt and the byte offset of the problem.
//
// Memory: messages are views into one contiguous buffer, message_bytes(). For a raw .syx that
// is the input itself (the engine may memory-map it read-only, so reading a 64 MiB file
// neither zero-fills nor copies 64 MiB: target peak ≤ 1.2 × size + 32 MiB); for the other
// formats it is `built_storage`, the messages' complete F0…F7 bytes back to back.
//
// core only parses bytes (DESIGN.md §2): opening, reading and mapping files is the engine's
// (sysex_file_reader.hpp there: load_file() gets a file's bytes without hashing them,
// read_sysex_file() loads and parses). read_loaded_file() parses loaded bytes (with
// ReadOptions::hash_file = false it leaves the file's SHA-256 and CRC-32 to the caller, so the
// engine can hash on another thread while core parses: core stays thread-free).
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/result.hpp"

namespace syx {

enum class FileFormat {
    empty,              // zero bytes (after decompression)
    raw_syx,            // concatenated F0…F7 (possibly with junk around it)
    standard_midi_file, // "MThd" … (format 0 or 1)
    hex_text,           // "F0 00 01 25 … F7" as text
    unknown,            // none of the above (e.g. a text file that is not a hex dump)
};

const char* to_string(FileFormat format); // "empty" | "syx" | "smf" | "hex-text" | "unknown"

struct SysexMessage {
    std::size_t index = 0;             // 0-based position in the file
    std::uint64_t offset = 0;          // where its F0 was found in the (decompressed) source bytes
    std::uint64_t storage_begin = 0;   // where its bytes start in SysexFile::message_bytes()
    std::uint64_t length = 0;          // complete length including F0 and F7
    std::optional<std::uint64_t> tick; // SMF only: absolute tick of the (first) event
    std::optional<double> seconds;     // SMF only: time through the tempo map
};

// Read-only bytes with a shared owner that keeps them alive (a memory mapping of a file, or a
// vector). Copies share the bytes, so a copied SysexFile's views stay valid.
struct SharedBytes {
    std::shared_ptr<const void> owner;
    std::span<const std::uint8_t> bytes;

    [[nodiscard]] static SharedBytes adopt(std::vector<std::uint8_t>&& vector);
};

struct SysexFile {
    FileFormat format = FileFormat::empty;
    bool compressed = false;               // the input was gzip
    std::uint64_t file_bytes = 0;          // size of the input as given (compressed size if gzip)
    std::uint64_t decoded_bytes = 0;       // size after decompression
    std::array<std::uint8_t, 32> sha256{}; // of the input as given
    std::uint32_t crc32 = 0;               // of the input as given
    std::optional<std::uint16_t> smf_division; // SMF header division word, if an SMF
    // False when the file was refused before its content was read (over the size cap): then
    // sha256 and crc32 are not computed.
    bool read_complete = true;

    // Where SysexMessage::storage_begin points: `input` when it is set (a raw .syx: messages are
    // ranges of the input as given, no copy), otherwise `built_storage` (built by the reader).
    // Only readers fill built_storage; everyone else reads through message_bytes()/bytes_of(),
    // because for a raw .syx it stays empty.
    std::vector<std::uint8_t> built_storage;
    SharedBytes input;
    std::vector<SysexMessage> messages; // only complete, well-framed messages
    std::vector<Finding> findings;      // every problem, located

    [[nodiscard]] std::span<const std::uint8_t> message_bytes() const {
        if (input.owner) {
            return input.bytes;
        }
        return {built_storage.data(), built_storage.size()};
    }
    // The bytes of every message together (what a transfer sends), F0…F7 included.
    [[nodiscard]] std::uint64_t total_message_bytes() const {
        std::uint64_t total = 0;
        for (const auto& message : messages) {
            total += message.length;
        }
        return total;
    }
    [[nodiscard]] std::span<const std::uint8_t> bytes_of(const SysexMessage& message) const {
        return message_bytes().subspan(static_cast<std::size_t>(message.storage_begin),
                                       static_cast<std::size_t>(message.length));
    }
    [[nodiscard]] std::span<const std::uint8_t> bytes_of(std::size_t index) const {
        return bytes_of(messages.at(index));
    }
    [[nodiscard]] bool has_errors() const { return syx::has_errors(findings); }
};

struct ReadOptions {
    // Files larger than this are refused without being read into memory.
    std::uint64_t max_file_bytes = 64ULL * 1024 * 1024;
    // False: sysex_file.sha256/crc32 are left zero for the caller to fill in (the engine hashes
    // the file on another thread while it is parsed).
    bool hash_file = true;
    // For the engine's load_file (core never touches files).
    // True: a regular file is memory-mapped instead of read (no zero-fill, no copy: the fastest
    // way to report on a 64 MiB file). Only for read-and-report paths (inspect, validate): if
    // another program truncates the file while it is mapped, touching the lost pages kills the
    // process (SIGBUS). Anything that holds the bytes through a transfer keeps the default, a
    // private copy, so an upload can never be cut off half way by a file changing on disk.
    bool map_regular_files = false;
};

// A file's bytes as loaded (by the engine), not yet parsed or hashed.
struct LoadedFile {
    std::uint64_t size = 0; // bytes in the file (at least cap + 1 when refused)
    bool refused = false;   // over ReadOptions::max_file_bytes: not read (content empty)
    SharedBytes content;
};

// Parses loaded bytes. The returned SysexFile may share them (SysexFile::input).
[[nodiscard]] SysexFile read_loaded_file(LoadedFile loaded, const ReadOptions& options = {});

// Parses bytes already in memory (the fuzzers' and the network's entry point). Never throws on
// bad input, never loops, and never allocates more than a small multiple of the input size
// (gzip output is capped at max_file_bytes too).
[[nodiscard]] SysexFile read_sysex_bytes(std::span<const std::uint8_t> data,
                                         const ReadOptions& options = {});

} // namespace syx
