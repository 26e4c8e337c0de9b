#pragma once
// Incremental SysEx framer: feed bytes in any chunking, get complete F0…F7 messages and located
// findings. Used by the file readers and by live MIDI receive.
//
// Rules (MIDI 1.0 spec, and DESIGN.md §4):
// - F0 starts a message and F7 ends it.
// - Realtime bytes F8–FF may appear anywhere, even inside a SysEx, and do not end it. They are
//   not part of the SysEx: a receiver handles them on their own. So the framer drops them from
//   the stored message (the message's bytes, length and SHA-256 are those of the SysEx alone)
//   and reports a warning, because a realtime byte inside a *file* means it was recorded live.
// - Any other status byte (80–EF, F1–F6) ends a SysEx before its F7. In a file, a byte ≥ 0x80
//   that is followed by more data bytes and then F7 is more likely 8-bit data written by a
//   broken tool, so it is reported as such ("data-byte-high"); one that is followed by a new F0
//   or the end of input is reported as "status-in-message". Either way the message is not used.
// - A new F0 before F7, or the end of input inside a message, is "missing-f7".
// - Bytes between messages are reported as one finding per run ("bytes-outside-messages"),
//   with a MacBinary header recognised and named.
//
// Memory: message bytes go into a caller-owned storage vector. In in-place mode the storage
// already holds the whole input and the framer compacts messages towards its front (bytes are
// only ever removed, never added), so framing a file needs no second copy of it. In view mode
// nothing is written at all: messages are ranges of the (read-only) input itself, which works
// whenever no kept message had realtime bytes dropped from its middle (views_intact()).
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "core/finding.hpp"

namespace syx {

struct FramedMessage {
    std::uint64_t offset = 0;        // input offset of its F0
    std::uint64_t storage_begin = 0; // where its bytes start in the storage vector
    std::uint64_t length = 0;        // including F0 and F7, excluding dropped realtime bytes
};

struct FramerOptions {
    // Messages longer than this are dropped with a finding (live receive bounds its memory;
    // files are already bounded by the file size cap).
    std::uint64_t max_message_bytes = std::numeric_limits<std::uint64_t>::max();
    // Live input legitimately carries notes and clocks between messages; files should not.
    bool report_bytes_outside = true;
};

// Asks the kernel for transparent huge pages for a large, freshly reserved and not yet touched
// buffer (Linux; advice only, harmless elsewhere). A 64 MiB firmware has ~200 000 messages: their
// lists take ~18 MiB, and faulting that in 4 KiB pages cost ~7 % of `inspect`.
void advise_huge_pages(const void* data, std::size_t size);

class SysexFramer {
public:
    // Append mode: complete messages are appended to `storage`.
    explicit SysexFramer(std::vector<std::uint8_t>& storage, FramerOptions options = {});

    // In-place mode: `storage` holds the input itself; call feed() with spans of it, in order,
    // then finish(). Afterwards storage holds only the messages' bytes.
    static SysexFramer in_place(std::vector<std::uint8_t>& storage, FramerOptions options = {});

    // View mode: writes nothing; a message's storage_begin is its offset in `input`. Call feed()
    // with consecutive spans of `input`, from its start, then finish(). If views_intact() is
    // false afterwards, a kept message is not one contiguous range of the input (realtime bytes
    // were dropped from it): frame again in another mode to get its bytes.
    static SysexFramer viewing(std::span<const std::uint8_t> input, FramerOptions options = {});

    void feed(std::span<const std::uint8_t> bytes);
    // End of input: reports an unfinished message and a trailing run of stray bytes.
    void finish();

    [[nodiscard]] const std::vector<FramedMessage>& messages() const { return m_messages; }
    [[nodiscard]] std::vector<FramedMessage>& messages() { return m_messages; }
    [[nodiscard]] const std::vector<Finding>& findings() const { return m_findings; }
    [[nodiscard]] std::vector<Finding>& findings() { return m_findings; }
    [[nodiscard]] std::span<const std::uint8_t> bytes_of(const FramedMessage& message) const;

    // Append mode only: forget completed messages (and their bytes) after the caller has taken
    // them, keeping a message in progress. Lets a live receiver run for hours in bounded memory.
    void discard_completed();

    [[nodiscard]] std::uint64_t bytes_fed() const { return m_fed; }
    [[nodiscard]] bool in_message() const { return m_in_message; }
    [[nodiscard]] bool saw_f0() const { return m_saw_f0; }
    [[nodiscard]] bool saw_f7() const { return m_saw_f7; }
    [[nodiscard]] bool views_intact() const { return !m_view_broken; }

private:
    enum class Mode { append, in_place, view };
    SysexFramer(std::vector<std::uint8_t>* storage, const std::uint8_t* view, FramerOptions options,
                Mode mode);

    void write(const std::uint8_t* bytes, std::size_t count);
    void begin_message(std::uint64_t offset, const std::uint8_t* f0);
    void complete_message();
    void abandon_message(std::uint64_t end_offset, bool at_new_f0);
    void drop_too_long();
    void note_outside(const std::uint8_t* begin, const std::uint8_t* end, std::uint64_t offset);
    void flush_outside();
    void report_realtime(std::optional<std::size_t> message_index);

    std::vector<std::uint8_t>* m_storage = nullptr; // append and in-place modes
    const std::uint8_t* m_view = nullptr;           // view mode: the input
    FramerOptions m_options;
    Mode m_mode = Mode::append;
    std::uint64_t m_write = 0;        // end of kept bytes in storage (view mode: in the input)
    bool m_message_contiguous = true; // view mode: the message in progress is one input range
    bool m_view_broken = false;       // view mode: a kept message was not
    std::uint64_t m_fed = 0;          // input bytes seen so far

    bool m_saw_f0 = false;
    bool m_saw_f7 = false;

    // The message in progress.
    bool m_in_message = false;
    bool m_skipping = false; // after an over-long message: quietly skip to the next F0
    std::uint64_t m_message_offset = 0;
    std::uint64_t m_message_begin = 0; // in storage
    std::uint64_t m_high_count = 0;    // non-realtime bytes >= 0x80 seen inside
    std::uint64_t m_high_offset = 0;   // the first of them
    std::uint8_t m_high_byte = 0;
    std::uint64_t m_realtime_count = 0;
    std::uint64_t m_realtime_offset = 0;

    // The run of stray bytes in progress.
    std::uint64_t m_outside_offset = 0;
    std::uint64_t m_outside_count = 0;
    std::array<std::uint8_t, 128> m_header{}; // first stray bytes at offset 0 (MacBinary check)
    std::size_t m_header_size = 0;

    std::vector<FramedMessage> m_messages;
    std::vector<Finding> m_findings;
};

} // namespace syx
