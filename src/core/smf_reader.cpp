#include "core/smf_reader.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "core/sysex_framer.hpp"

namespace syx {
namespace {

constexpr std::uint32_t kDefaultTempo = 500'000; // µs per quarter note (120 bpm), SMF default

std::uint32_t read_u32(std::span<const std::uint8_t> b, std::size_t pos) {
    return (std::uint32_t{b[pos]} << 24) | (std::uint32_t{b[pos + 1]} << 16) |
           (std::uint32_t{b[pos + 2]} << 8) | std::uint32_t{b[pos + 3]};
}

std::uint16_t read_u16(std::span<const std::uint8_t> b, std::size_t pos) {
    return static_cast<std::uint16_t>((b[pos] << 8) | b[pos + 1]);
}

struct TempoChange {
    std::uint64_t tick = 0;
    std::uint32_t microseconds_per_quarter = kDefaultTempo;
};

struct PendingMessage {
    std::uint64_t offset = 0;
    std::uint64_t storage_begin = 0;
    std::uint64_t tick = 0;
    std::size_t track = 0;
    std::size_t order = 0; // event order within the file, for a stable sort
};

struct ParsedMessage {
    SysexMessage message;
    std::size_t track = 0;
    std::size_t order = 0;
};

class SmfParser {
public:
    SmfParser(std::span<const std::uint8_t> bytes, SysexFile& file)
        : m_bytes(bytes), m_file(file) {}

    void run();

private:
    void parse_track(std::size_t begin, std::size_t end, std::size_t track);
    void finish_sysex(const PendingMessage& pending);
    void abandon(const PendingMessage& pending, const std::string& why);
    void read_escape(std::size_t begin, std::size_t length, std::uint64_t tick);
    void error(std::string code, std::uint64_t offset, std::string text) {
        m_file.findings.push_back(
            Finding{Severity::error, std::move(code), std::nullopt, offset, std::move(text)});
    }
    void assign_times_and_order();

    std::span<const std::uint8_t> m_bytes;
    SysexFile& m_file;
    std::vector<ParsedMessage> m_messages;
    std::vector<TempoChange> m_tempo;
    // Findings that name a message by its position in m_messages (remapped after sorting).
    std::vector<std::pair<std::size_t, std::size_t>> m_message_findings; // finding, message
    std::size_t m_order = 0;
    std::size_t m_track = 0;
};

void SmfParser::run() {
    m_file.format = FileFormat::standard_midi_file;
    const std::size_t size = m_bytes.size();
    if (size < 14) {
        error("smf-truncated", 0,
              "The file starts like a Standard MIDI File (\"MThd\") but is too short to hold "
              "its header; it is truncated or damaged.");
        return;
    }
    const std::uint32_t header_length = read_u32(m_bytes, 4);
    const std::uint16_t format = read_u16(m_bytes, 8);
    const std::uint16_t declared_tracks = read_u16(m_bytes, 10);
    const std::uint16_t division = read_u16(m_bytes, 12);
    m_file.smf_division = division;
    // Stored messages never outgrow the file (each F0 event's bytes become at most one message),
    // so one reservation avoids the growth copies.
    m_file.built_storage.reserve(size);
    if (header_length < 6 || header_length > size - 8) {
        error("smf-bad-header", 4,
              fmt::format("The MIDI file header says it is {} bytes long, which cannot be right; "
                          "the file is damaged.",
                          header_length));
        return;
    }
    if (format > 2) {
        m_file.findings.push_back(Finding{
            Severity::warning, "smf-unknown-format", std::nullopt, 8,
            fmt::format("The MIDI file says it is format {}, which the SMF specification does "
                        "not define (0, 1 or 2); its tracks are read anyway.",
                        format)});
    }
    if (division == 0) {
        error("smf-bad-header", 12,
              "The MIDI file's time division is 0, so event times cannot be converted to "
              "seconds; SysEx events are read without times.");
    }

    std::size_t pos = 8 + static_cast<std::size_t>(header_length);
    std::size_t tracks = 0;
    while (pos < size) {
        if (size - pos < 8) {
            m_file.findings.push_back(Finding{
                Severity::warning, "smf-trailing-bytes", std::nullopt, pos,
                fmt::format("{} bytes after the last chunk of the MIDI file are not a chunk; "
                            "they are ignored.",
                            size - pos)});
            break;
        }
        const std::uint32_t length = read_u32(m_bytes, pos + 4);
        const bool is_track = std::memcmp(m_bytes.data() + pos, "MTrk", 4) == 0;
        const std::size_t data_begin = pos + 8;
        std::size_t data_end = data_begin + length;
        if (length > size - data_begin) {
            error("smf-truncated", pos,
                  fmt::format("The chunk at byte {} says it holds {} bytes but the file ends "
                              "after {}; the file is truncated. Events up to the end are read.",
                              pos, length, size - data_begin));
            data_end = size;
        }
        if (is_track) {
            m_track = tracks++;
            parse_track(data_begin, data_end, m_track);
        }
        // Other chunk types are skipped, as the specification asks of readers.
        pos = data_end;
    }
    if (tracks != declared_tracks) {
        m_file.findings.push_back(
            Finding{Severity::warning, "smf-track-count", std::nullopt, 10,
                    fmt::format("The MIDI file header announces {} track(s) but {} were found.",
                                declared_tracks, tracks)});
    }
    assign_times_and_order();
}

void SmfParser::abandon(const PendingMessage& pending, const std::string& why) {
    error("missing-f7", pending.offset,
          fmt::format("The SysEx event at byte {} (tick {}) has no final F7: {}. The message is "
                      "incomplete and was not used.",
                      pending.offset, pending.tick, why));
    m_file.built_storage.resize(static_cast<std::size_t>(pending.storage_begin));
}

void SmfParser::finish_sysex(const PendingMessage& pending) {
    // Check and clean the assembled F0…F7: realtime bytes are dropped (as the framer does),
    // any other byte >= 0x80 inside makes the message unusable.
    auto& storage = m_file.built_storage;
    const std::size_t begin = static_cast<std::size_t>(pending.storage_begin);
    const std::size_t last = storage.size() - 1; // the F7
    std::size_t write = begin + 1;
    std::size_t realtime = 0;
    std::size_t high = 0;
    std::uint8_t first_high = 0;
    for (std::size_t i = begin + 1; i < last; ++i) {
        const std::uint8_t b = storage[i];
        if (b >= 0xF8) {
            ++realtime;
            continue;
        }
        if (b >= 0x80 && high++ == 0) {
            first_high = b;
        }
        storage[write++] = b;
    }
    if (high > 0) {
        error("data-byte-high", pending.offset,
              fmt::format("The SysEx event at byte {} (tick {}) contains {} byte(s) ≥ 0x80 "
                          "inside its data (first: {:02X}). SysEx data bytes must be below "
                          "0x80; the file is damaged and this message was not used.",
                          pending.offset, pending.tick, high, first_high));
        storage.resize(begin);
        return;
    }
    storage[write++] = 0xF7;
    storage.resize(write);

    ParsedMessage parsed;
    parsed.message.offset = pending.offset;
    parsed.message.storage_begin = pending.storage_begin;
    parsed.message.length = write - begin;
    parsed.message.tick = pending.tick;
    parsed.track = pending.track;
    parsed.order = pending.order;
    m_messages.push_back(parsed);
    if (realtime > 0) {
        m_message_findings.emplace_back(m_file.findings.size(), m_messages.size() - 1);
        m_file.findings.push_back(Finding{
            Severity::warning, "realtime-in-message", std::nullopt, pending.offset,
            fmt::format("{} realtime byte(s) (F8–FF) inside the SysEx event at byte {}; they "
                        "are not part of the message and syxflash leaves them out.",
                        realtime, pending.offset)});
    }
}

void SmfParser::read_escape(std::size_t begin, std::size_t length, std::uint64_t tick) {
    // An F7 escape may carry complete SysEx messages (some writers store them this way); frame
    // them. Anything else in an escape (song position, tune request, …) is not SysEx.
    const auto data = m_bytes.subspan(begin, length);
    if (std::memchr(data.data(), 0xF0, data.size()) == nullptr) {
        return;
    }
    FramerOptions options;
    options.report_bytes_outside = false;
    SysexFramer framer(m_file.built_storage, options);
    framer.feed(data);
    framer.finish();
    for (Finding f : framer.findings()) {
        if (f.offset) {
            *f.offset += begin;
        }
        f.message_index.reset();
        m_file.findings.push_back(std::move(f));
    }
    for (const FramedMessage& m : framer.messages()) {
        ParsedMessage parsed;
        parsed.message.offset = begin + m.offset;
        parsed.message.storage_begin = m.storage_begin;
        parsed.message.length = m.length;
        parsed.message.tick = tick;
        parsed.track = m_track;
        parsed.order = m_order++;
        m_messages.push_back(parsed);
    }
}

void SmfParser::parse_track(std::size_t begin, std::size_t end, std::size_t track) {
    const auto bytes = m_bytes.first(end);
    std::size_t pos = begin;
    std::uint64_t tick = 0;
    std::uint8_t running = 0;
    std::optional<PendingMessage> pending;
    bool ended = false;

    const auto truncated = [&](std::size_t at, const char* what) {
        error("smf-truncated", at,
              fmt::format("Track {} ends inside {} at byte {}; the file is truncated or "
                          "damaged. Events after this point in the track are not read.",
                          track + 1, what, at));
    };

    while (pos < end) {
        const std::size_t event_offset = pos;
        const auto delta = read_variable_length(bytes, pos);
        if (!delta) {
            truncated(event_offset, "a delta-time");
            break;
        }
        tick += *delta;
        if (pos >= end) {
            truncated(pos, "an event");
            break;
        }
        const std::size_t status_offset = pos;
        const std::uint8_t status = bytes[pos];

        if (status == 0xFF) { // meta event
            running = 0;
            if (end - pos < 2) {
                truncated(status_offset, "a meta event");
                break;
            }
            const std::uint8_t type = bytes[pos + 1];
            pos += 2;
            const auto length = read_variable_length(bytes, pos);
            if (!length || *length > end - pos) {
                truncated(status_offset, "a meta event");
                break;
            }
            if (type == 0x51 && *length == 3) {
                const std::uint32_t tempo = (std::uint32_t{bytes[pos]} << 16) |
                                            (std::uint32_t{bytes[pos + 1]} << 8) | bytes[pos + 2];
                m_tempo.push_back(TempoChange{tick, tempo == 0 ? kDefaultTempo : tempo});
            }
            pos += *length;
            if (type == 0x2F) {
                ended = true;
                break;
            }
            continue;
        }

        if (status == 0xF0 || status == 0xF7) { // SysEx or escape event
            running = 0;
            ++pos;
            const auto length = read_variable_length(bytes, pos);
            if (!length || *length > end - pos) {
                truncated(status_offset, "a SysEx event");
                break;
            }
            const std::size_t data_begin = pos;
            pos += *length;
            const auto data = bytes.subspan(data_begin, *length);
            const bool ends_with_f7 = !data.empty() && data.back() == 0xF7;
            if (status == 0xF0) {
                if (pending) {
                    abandon(*pending,
                            fmt::format("a new SysEx event starts at byte {}", status_offset));
                    pending.reset();
                }
                PendingMessage message{status_offset, m_file.built_storage.size(), tick, track,
                                       m_order++};
                m_file.built_storage.push_back(0xF0);
                m_file.built_storage.insert(m_file.built_storage.end(), data.begin(), data.end());
                if (ends_with_f7) {
                    finish_sysex(message);
                } else {
                    pending = message;
                }
            } else if (pending) { // continuation packet of a split SysEx
                m_file.built_storage.insert(m_file.built_storage.end(), data.begin(), data.end());
                if (ends_with_f7) {
                    finish_sysex(*pending);
                    pending.reset();
                }
            } else {
                read_escape(data_begin, *length, tick);
            }
            continue;
        }

        // Channel message, possibly with running status.
        std::uint8_t channel_status = status;
        if (status < 0x80) {
            if (running == 0) {
                error("smf-bad-event", status_offset,
                      fmt::format("Track {} has a data byte ({:02X}) at byte {} where an event "
                                  "should start, with no running status to continue; the track "
                                  "is damaged and is not read further.",
                                  track + 1, status, status_offset));
                break;
            }
            channel_status = running;
        } else if (status >= 0xF0) {
            error("smf-bad-event", status_offset,
                  fmt::format("Track {} has the byte {:02X} at byte {}, which cannot start an "
                              "event in a MIDI file; the track is damaged and is not read "
                              "further.",
                              track + 1, status, status_offset));
            break;
        } else {
            ++pos;
            running = status;
        }
        if (pending) {
            abandon(*pending, fmt::format("a channel event at byte {} comes before the F7 "
                                          "continuation",
                                          status_offset));
            pending.reset();
        }
        const std::uint8_t kind = channel_status & 0xF0;
        const std::size_t data_bytes = (kind == 0xC0 || kind == 0xD0) ? 1 : 2;
        // With running status the first data byte is the one at status_offset.
        const std::size_t first_data = status < 0x80 ? status_offset : pos;
        if (end - first_data < data_bytes) {
            truncated(status_offset, "a channel event");
            break;
        }
        bool bad = false;
        for (std::size_t i = 0; i < data_bytes; ++i) {
            bad = bad || bytes[first_data + i] >= 0x80;
        }
        if (bad) {
            error("smf-bad-event", status_offset,
                  fmt::format("Track {} has a channel event at byte {} whose data bytes are not "
                              "all below 0x80; the track is damaged and is not read further.",
                              track + 1, status_offset));
            break;
        }
        pos = first_data + data_bytes;
    }

    if (pending) {
        abandon(*pending, "the track ends first");
    }
    if (!ended && pos >= end && end > begin) {
        m_file.findings.push_back(Finding{
            Severity::info, "smf-no-end-of-track", std::nullopt, end,
            fmt::format("Track {} has no End of Track event (FF 2F 00); harmless for reading.",
                        track + 1)});
    }
}

void SmfParser::assign_times_and_order() {
    // One playback order for all tracks: by tick, then track, then position in the file.
    std::vector<std::size_t> order(m_messages.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& ma = m_messages[a];
        const auto& mb = m_messages[b];
        const auto ta = ma.message.tick.value_or(0);
        const auto tb = mb.message.tick.value_or(0);
        if (ta != tb) {
            return ta < tb;
        }
        if (ma.track != mb.track) {
            return ma.track < mb.track;
        }
        return ma.order < mb.order;
    });
    std::vector<std::size_t> new_index(m_messages.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        new_index[order[i]] = i;
    }

    // Tempo changes from every track form one map (format 1 keeps them in the first track).
    std::stable_sort(m_tempo.begin(), m_tempo.end(),
                     [](const TempoChange& a, const TempoChange& b) { return a.tick < b.tick; });
    const std::uint16_t division = m_file.smf_division.value_or(0);
    const auto seconds_at = [&](std::uint64_t tick) -> std::optional<double> {
        if (division == 0) {
            return std::nullopt;
        }
        if ((division & 0x8000U) != 0) {
            // SMPTE time: -frames per second in the high byte, ticks per frame in the low byte.
            const int frames = -static_cast<int>(static_cast<std::int8_t>(division >> 8));
            const int ticks_per_frame = division & 0xFF;
            if (frames <= 0 || ticks_per_frame == 0) {
                return std::nullopt;
            }
            const double fps = frames == 29 ? 30000.0 / 1001.0 : static_cast<double>(frames);
            return static_cast<double>(tick) / (fps * ticks_per_frame);
        }
        double seconds = 0;
        std::uint64_t at = 0;
        std::uint32_t tempo = kDefaultTempo;
        for (const TempoChange& change : m_tempo) {
            if (change.tick >= tick) {
                break;
            }
            seconds += static_cast<double>(change.tick - at) * tempo / (1e6 * division);
            at = change.tick;
            tempo = change.microseconds_per_quarter;
        }
        return seconds + static_cast<double>(tick - at) * tempo / (1e6 * division);
    };

    m_file.messages.reserve(m_messages.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        SysexMessage message = m_messages[order[i]].message;
        message.index = i;
        if (message.tick) {
            message.seconds = seconds_at(*message.tick);
        }
        m_file.messages.push_back(message);
    }
    for (const auto& [finding, message] : m_message_findings) {
        m_file.findings[finding].message_index = new_index[message];
    }
}

} // namespace

bool is_standard_midi_file(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= 4 && std::memcmp(bytes.data(), "MThd", 4) == 0;
}

std::optional<std::uint32_t> read_variable_length(std::span<const std::uint8_t> bytes,
                                                  std::size_t& pos) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        if (pos >= bytes.size()) {
            return std::nullopt;
        }
        const std::uint8_t b = bytes[pos++];
        value = (value << 7) | (b & 0x7FU);
        if ((b & 0x80U) == 0) {
            return value;
        }
    }
    return std::nullopt;
}

void read_standard_midi_file(std::span<const std::uint8_t> bytes, SysexFile& file) {
    SmfParser(bytes, file).run();
}

} // namespace syx
