#pragma once
// What a recording (receive_until_idle) amounts to, and where it is kept: shared by
// `syxflash-cli receive` and the wizard's Tools page, so both refuse the same things — a dump
// with a message cut short is never saved as if it were complete.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "engine/transfer_receive.hpp"

namespace syx::engine {

enum class RecordingVerdict {
    complete,    // every message arrived whole: `bytes` may be saved
    cancelled,   // the user stopped it
    port_failed, // the port vanished
    truncated,   // at least one message was cut short: nothing is saved
    nothing,     // no SysEx arrived
};

struct RecordingJudgement {
    RecordingVerdict verdict = RecordingVerdict::nothing;
    // Plain words: "incomplete: 1 message(s) were cut short (first after 120 bytes: …); 3
    // complete message(s) arrived. Nothing was written, …". Empty for `complete`.
    std::string problem;
    std::vector<std::uint8_t> bytes; // every complete message, in order (only for `complete`)
    std::size_t messages = 0;        // complete messages
};

[[nodiscard]] RecordingJudgement judge_recording(const ReceiveReport& report);

// $XDG_DATA_HOME/syxflash/received (default ~/.local/share/syxflash/received): where the
// wizard keeps recorded dumps. nullopt when neither XDG_DATA_HOME nor HOME is set.
[[nodiscard]] std::optional<std::filesystem::path> received_dumps_dir();

// Writes `bytes` atomically to a NEW file `<folder>/<stem><ext>`, or `<stem>-2<ext>`, `-3` … when
// taken: never overwrites. Creates the folder. Returns the path written.
[[nodiscard]] Result<std::filesystem::path> write_new_file(const std::filesystem::path& folder,
                                                           std::string_view stem,
                                                           std::string_view ext,
                                                           std::span<const std::uint8_t> bytes);

} // namespace syx::engine
