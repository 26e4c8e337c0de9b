#include "core/sysex_framer.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <fmt/core.h>

namespace syx {
namespace {

constexpr std::uint8_t kF0 = 0xF0;
constexpr std::uint8_t kF7 = 0xF7;

// First byte >= 0x80 in [p, end), eight bytes at a time: SysEx payloads are long runs of data
// bytes, and this loop is most of the time spent framing a 64 MiB file.
const std::uint8_t* find_high_byte(const std::uint8_t* p, const std::uint8_t* end) {
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    // 64 bytes per step while no byte in them is >= 0x80 (one OR of eight words, one test);
    // the word loop below then finds the exact position.
    while (end - p >= 64) {
        std::uint64_t words[8];
        std::memcpy(words, p, sizeof words);
        const std::uint64_t any = (words[0] | words[1] | words[2] | words[3]) |
                                  (words[4] | words[5] | words[6] | words[7]);
        if ((any & kHighBits) != 0) {
            break;
        }
        p += 64;
    }
    while (end - p >= 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, sizeof word);
        if ((word & kHighBits) != 0) {
            break;
        }
        p += 8;
    }
    while (p < end && *p < 0x80) {
        ++p;
    }
    return p;
}

bool looks_like_macbinary(const std::uint8_t* header, std::size_t size) {
    // MacBinary I/II/III header (128 bytes): byte 0 is 0, byte 1 the file-name length (1–63),
    // bytes 2.. the name, bytes 74 and 82 are 0.
    if (size < 128 || header[0] != 0 || header[1] == 0 || header[1] > 63 || header[74] != 0 ||
        header[82] != 0) {
        return false;
    }
    for (std::size_t i = 0; i < header[1]; ++i) {
        if (header[2 + i] < 0x20) {
            return false;
        }
    }
    return true;
}

std::string plural(std::uint64_t count, const char* one, const char* many) {
    return fmt::format("{} {}", count, count == 1 ? one : many);
}

} // namespace

void advise_huge_pages([[maybe_unused]] const void* data, [[maybe_unused]] std::size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = 2U * 1024 * 1024;
    if (data == nullptr || size < 2 * kHuge) {
        return;
    }
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t last = (begin + size) & ~(kHuge - 1);
    if (last > first) {
        (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
    }
#endif
}

SysexFramer::SysexFramer(std::vector<std::uint8_t>* storage, const std::uint8_t* view,
                         FramerOptions options, Mode mode)
    : m_storage(storage), m_view(view), m_options(options), m_mode(mode),
      m_write(mode == Mode::append ? storage->size() : 0) {}

SysexFramer::SysexFramer(std::vector<std::uint8_t>& storage, FramerOptions options)
    : SysexFramer(&storage, nullptr, options, Mode::append) {}

SysexFramer SysexFramer::in_place(std::vector<std::uint8_t>& storage, FramerOptions options) {
    return SysexFramer(&storage, nullptr, options, Mode::in_place);
}

SysexFramer SysexFramer::viewing(std::span<const std::uint8_t> input, FramerOptions options) {
    SysexFramer framer(nullptr, input.data(), options, Mode::view);
    // Room for a message per 128 input bytes up front: reserving only claims address space
    // (pages are touched as messages arrive), and it spares a 64 MiB file's ~200 000 messages
    // a dozen grow-and-copy steps through fresh pages.
    framer.m_messages.reserve(input.size() / 128);
    advise_huge_pages(framer.m_messages.data(),
                      framer.m_messages.capacity() * sizeof(FramedMessage));
    return framer;
}

std::span<const std::uint8_t> SysexFramer::bytes_of(const FramedMessage& message) const {
    const std::uint8_t* base = m_mode == Mode::view ? m_view : m_storage->data();
    return {base + message.storage_begin, static_cast<std::size_t>(message.length)};
}

void SysexFramer::write(const std::uint8_t* bytes, std::size_t count) {
    switch (m_mode) {
    case Mode::view:
        // Nothing to copy while the kept bytes are exactly the input's next bytes.
        if (bytes != m_view + m_write) {
            m_message_contiguous = false;
        }
        break;
    case Mode::in_place: {
        // The destination never runs ahead of the source: bytes are only ever dropped.
        std::uint8_t* destination = m_storage->data() + m_write;
        if (destination != bytes) {
            std::memmove(destination, bytes, count);
        }
        break;
    }
    case Mode::append:
        m_storage->insert(m_storage->end(), bytes, bytes + count);
        break;
    }
    m_write += count;
}

void SysexFramer::begin_message(std::uint64_t offset, const std::uint8_t* f0) {
    flush_outside();
    m_saw_f0 = true;
    m_in_message = true;
    m_skipping = false;
    m_message_offset = offset;
    if (m_mode == Mode::view) {
        m_write = offset; // the message starts where its F0 is in the input
        m_message_contiguous = true;
    }
    m_message_begin = m_write;
    m_high_count = 0;
    m_realtime_count = 0;
    write(f0, 1);
}

void SysexFramer::report_realtime(std::optional<std::size_t> message_index) {
    if (m_realtime_count == 0) {
        return;
    }
    m_findings.push_back(Finding{
        Severity::warning, "realtime-in-message", message_index, m_realtime_offset,
        fmt::format("{} inside the SysEx message starting at byte {} (first at byte {}). "
                    "Realtime bytes (clock, active sensing) were recorded from a live MIDI "
                    "stream; they are not part of the message and syxflash leaves them out.",
                    plural(m_realtime_count, "realtime byte (F8–FF)", "realtime bytes (F8–FF)"),
                    m_message_offset, m_realtime_offset)});
}

void SysexFramer::complete_message() {
    m_in_message = false;
    m_saw_f7 = true;
    const std::uint64_t length = m_write - m_message_begin;
    if (m_high_count > 0) {
        // The F7 came after bytes >= 0x80: the message carries 8-bit data, which no MIDI
        // device can receive as one SysEx.
        m_findings.push_back(Finding{
            Severity::error, "data-byte-high", std::nullopt, m_high_offset,
            fmt::format("The SysEx message starting at byte {} contains {} ≥ 0x80 inside its "
                        "data (first: {:02X} at byte {}). SysEx data bytes must be below 0x80, "
                        "so the file is damaged or was written by a tool that does not encode "
                        "8-bit data; this message cannot be sent as it is and was not used.",
                        m_message_offset, plural(m_high_count, "byte", "bytes"), m_high_byte,
                        m_high_offset)});
        report_realtime(std::nullopt);
        m_write = m_message_begin;
        if (m_mode == Mode::append) {
            m_storage->resize(m_write);
        }
        return;
    }
    if (!m_message_contiguous) {
        m_view_broken = true;
    }
    const std::size_t index = m_messages.size();
    report_realtime(index);
    m_messages.push_back(FramedMessage{m_message_offset, m_message_begin, length});
}

void SysexFramer::abandon_message(std::uint64_t end_offset, bool at_new_f0) {
    m_in_message = false;
    if (m_high_count > 0) {
        m_findings.push_back(Finding{
            Severity::error, "status-in-message", std::nullopt, m_high_offset,
            fmt::format("The SysEx message starting at byte {} is cut off by the status byte "
                        "{:02X} at byte {} before its F7. The message is incomplete (the file "
                        "was probably recorded or joined badly) and was not used.",
                        m_message_offset, m_high_byte, m_high_offset)});
    } else if (at_new_f0) {
        m_findings.push_back(Finding{
            Severity::error, "missing-f7", std::nullopt, m_message_offset,
            fmt::format("The SysEx message starting at byte {} has no F7: a new message starts "
                        "at byte {} before it ended. The message is incomplete (truncated "
                        "dump?) and was not used.",
                        m_message_offset, end_offset)});
    } else {
        m_findings.push_back(Finding{
            Severity::error, "missing-f7", std::nullopt, m_message_offset,
            fmt::format("The last SysEx message (starting at byte {}, {} so far) has no final "
                        "F7: the file ends inside it, so it was probably truncated. The message "
                        "was not used; get a complete copy of the file.",
                        m_message_offset, plural(m_write - m_message_begin, "byte", "bytes"))});
    }
    report_realtime(std::nullopt);
    m_write = m_message_begin;
    if (m_mode == Mode::append) {
        m_storage->resize(m_write);
    }
}

void SysexFramer::note_outside(const std::uint8_t* begin, const std::uint8_t* end,
                               std::uint64_t offset) {
    const auto count = static_cast<std::uint64_t>(end - begin);
    if (!m_saw_f7 && std::memchr(begin, kF7, static_cast<std::size_t>(count)) != nullptr) {
        m_saw_f7 = true;
    }
    if (m_skipping || !m_options.report_bytes_outside) {
        return;
    }
    if (m_outside_count == 0) {
        m_outside_offset = offset;
    }
    if (m_outside_offset == 0 && m_header_size < m_header.size()) {
        const auto take = std::min<std::uint64_t>(count, m_header.size() - m_header_size);
        std::memcpy(m_header.data() + m_header_size, begin, static_cast<std::size_t>(take));
        m_header_size += static_cast<std::size_t>(take);
    }
    m_outside_count += count;
}

void SysexFramer::flush_outside() {
    if (m_outside_count == 0) {
        return;
    }
    if (m_outside_offset == 0 && m_outside_count == 128 &&
        looks_like_macbinary(m_header.data(), m_header_size)) {
        const std::string name(reinterpret_cast<const char*>(m_header.data() + 2), m_header[1]);
        m_findings.push_back(Finding{
            Severity::warning, "bytes-outside-messages", std::nullopt, 0,
            fmt::format("The first 128 bytes are a MacBinary header (file name \"{}\"): the "
                        "file was copied from a classic Mac with its header attached. They are "
                        "not SysEx and syxflash ignores them; the messages after it are read "
                        "normally.",
                        name)});
    } else {
        m_findings.push_back(Finding{
            Severity::warning, "bytes-outside-messages", std::nullopt, m_outside_offset,
            fmt::format("{} at byte {} are outside any SysEx message (not between an F0 and an "
                        "F7). They are ignored and will not be sent; if the file should be pure "
                        "SysEx, it may be damaged or have a header from another program.",
                        plural(m_outside_count, "stray byte", "stray bytes"), m_outside_offset)});
    }
    m_outside_count = 0;
}

void SysexFramer::drop_too_long() {
    m_findings.push_back(Finding{
        Severity::error, "message-too-long", std::nullopt, m_message_offset,
        fmt::format("The SysEx message starting at byte {} is longer than the {} bytes allowed "
                    "here; it was dropped.",
                    m_message_offset, m_options.max_message_bytes)});
    m_in_message = false;
    m_realtime_count = 0;
    m_high_count = 0;
    m_write = m_message_begin;
    if (m_mode == Mode::append) {
        m_storage->resize(m_write);
    }
    m_skipping = true;
}

void SysexFramer::feed(std::span<const std::uint8_t> bytes) {
    const std::uint8_t* const start = bytes.data();
    const std::uint8_t* p = start;
    const std::uint8_t* const end = start + bytes.size();
    const std::uint64_t base = m_fed;
    const auto offset_of = [&](const std::uint8_t* q) {
        return base + static_cast<std::uint64_t>(q - start);
    };

    while (p < end) {
        if (!m_in_message) {
            const void* found = std::memchr(p, kF0, static_cast<std::size_t>(end - p));
            const std::uint8_t* stop =
                found != nullptr ? static_cast<const std::uint8_t*>(found) : end;
            if (stop > p) {
                note_outside(p, stop, offset_of(p));
            }
            p = stop;
            if (p == end) {
                break;
            }
            begin_message(offset_of(p), p);
            ++p;
            continue;
        }

        const std::uint8_t* high = find_high_byte(p, end);
        if (high > p) {
            const auto run = static_cast<std::size_t>(high - p);
            if (m_write - m_message_begin + run >= m_options.max_message_bytes) {
                drop_too_long();
                p = high;
                continue;
            }
            write(p, run);
        }
        p = high;
        if (p == end) {
            break;
        }
        const std::uint8_t status = *p;
        if (status == kF7) {
            write(p, 1);
            ++p;
            complete_message();
        } else if (status >= 0xF8) {
            if (m_realtime_count++ == 0) {
                m_realtime_offset = offset_of(p);
            }
            ++p;
        } else if (status == kF0) {
            abandon_message(offset_of(p), true);
            begin_message(offset_of(p), p);
            ++p;
        } else {
            // Keep the byte for now: whether it is 8-bit data or a real interruption is only
            // known once we see what follows (an F7, or a new F0 / the end of input).
            if (m_write - m_message_begin + 1 >= m_options.max_message_bytes) {
                drop_too_long();
                continue;
            }
            if (m_high_count++ == 0) {
                m_high_offset = offset_of(p);
                m_high_byte = status;
            }
            write(p, 1);
            ++p;
        }
    }
    m_fed += bytes.size();
}

void SysexFramer::finish() {
    if (m_in_message) {
        abandon_message(m_fed, false);
    }
    flush_outside();
    m_skipping = false;
    if (m_mode == Mode::in_place) {
        m_storage->resize(m_write);
    }
}

void SysexFramer::discard_completed() {
    if (m_mode != Mode::append) {
        return;
    }
    const std::uint64_t keep_from = m_in_message ? m_message_begin : m_write;
    m_storage->erase(m_storage->begin(),
                     m_storage->begin() + static_cast<std::ptrdiff_t>(keep_from));
    m_write -= keep_from;
    if (m_in_message) {
        m_message_begin = 0;
    }
    m_messages.clear();
}

} // namespace syx
