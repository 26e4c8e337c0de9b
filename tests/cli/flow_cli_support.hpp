#pragma once
// Helpers for the session-command CLI tests (backup, upload, restore, recover): a private
// library/journal (XDG folders) and fault spec per test, JSON Lines parsing and trace reading.
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator/modelled_firmware.hpp"

namespace syx::test {

// Sets an environment variable for the CLI processes this test runs, restoring it afterwards.
class ScopedEnv {
public:
    ScopedEnv(std::string name, const std::optional<std::string>& value) : m_name(std::move(name)) {
        if (const char* old = std::getenv(m_name.c_str())) {
            m_old = old;
        }
        if (value) {
            ::setenv(m_name.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
    }
    ~ScopedEnv() {
        if (m_old) {
            ::setenv(m_name.c_str(), m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string m_name;
    std::optional<std::string> m_old;
};

// A test's own home: library in <tmp>/data, journal in <tmp>/state, no faults unless set.
class FlowHome {
public:
    FlowHome()
        : m_data("XDG_DATA_HOME", (m_dir.path() / "data").string()),
          m_state("XDG_STATE_HOME", (m_dir.path() / "state").string()),
          m_faults("SYXFLASH_EMULATED_FAULTS", std::nullopt),
          m_crash("SYXFLASH_CRASH_AT", std::nullopt) {}
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return m_dir / name;
    }
    [[nodiscard]] std::filesystem::path library() const {
        return m_dir.path() / "data" / "syxflash" / "backups";
    }
    [[nodiscard]] std::filesystem::path journal() const {
        return m_dir.path() / "state" / "syxflash" / "journal";
    }

private:
    TempDir m_dir;
    ScopedEnv m_data;
    ScopedEnv m_state;
    ScopedEnv m_faults;
    ScopedEnv m_crash;
};

// Every stdout line must be one JSON document; returns them in order.
inline std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> events;
    std::size_t start = 0;
    while (start < out.size()) {
        auto end = out.find('\n', start);
        if (end == std::string::npos) {
            end = out.size();
        }
        const std::string line = out.substr(start, end - start);
        if (!line.empty()) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
            events.push_back(std::move(j));
        }
        start = end + 1;
    }
    return events;
}

// The final {"event":"result"} line (fails the test when it is missing or not last).
inline nlohmann::json result_of(const std::string& out) {
    const auto events = json_lines(out);
    if (events.empty() || events.back().value("event", "") != "result") {
        ADD_FAILURE() << "no result event at the end of:\n" << out;
        return nlohmann::json::object();
    }
    return events.back();
}

struct TraceEntry {
    double t_ms = 0;
    bool out = false;
    std::vector<std::uint8_t> bytes;
};

// The --trace file (absent file: nothing was traced, i.e. no port was opened).
inline std::vector<TraceEntry> read_trace(const std::filesystem::path& path) {
    std::vector<TraceEntry> entries;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            continue;
        }
        TraceEntry e;
        e.t_ms = j.value("t_ms", 0.0);
        e.out = j.value("dir", "") == "out";
        const std::string hex = j.value("bytes", "");
        for (std::size_t i = 0; i + 1 < hex.size(); i += 3) {
            e.bytes.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

inline std::size_t count_out(const std::vector<TraceEntry>& trace) {
    std::size_t n = 0;
    for (const auto& e : trace) {
        n += e.out ? 1 : 0;
    }
    return n;
}

inline void write_messages(const std::filesystem::path& path,
                           const std::vector<std::vector<std::uint8_t>>& messages) {
    std::vector<unsigned char> bytes;
    for (const auto& m : messages) {
        bytes.insert(bytes.end(), m.begin(), m.end());
    }
    write_file_bytes(path, bytes);
}

// A short MIDIFly firmware in the emulator's modelled layout (emulator/modelled_firmware.hpp):
// `blocks` blocks instead of the usual 40, for tests that need a whole upload in ~2 s. The
// emulated MIDIFly accepts it as release 1.2.0.0 (an unknown release: --allow-unknown-release).
inline void write_short_midifly_firmware(const std::filesystem::path& path, std::uint16_t blocks) {
    std::vector<std::vector<std::uint8_t>> messages;
    const std::vector<std::uint8_t> prefix{0x00, 0x01, 0x25};
    for (std::uint16_t i = 0; i < blocks; ++i) {
        const std::vector<std::uint8_t> data(256, static_cast<std::uint8_t>(i * 13 % 128));
        messages.push_back(syx::emu::encode_firmware_block(prefix, i, blocks, {1, 2, 0, 0}, data));
    }
    write_messages(path, messages);
}

// Outgoing messages that left whole, from a --trace file (chunks end with F7 only at the end).
inline std::size_t complete_messages_out(const std::filesystem::path& trace) {
    std::size_t left = 0;
    for (const auto& e : read_trace(trace)) {
        if (e.out && !e.bytes.empty() && e.bytes.back() == 0xF7) {
            ++left;
        }
    }
    return left;
}

// Every record of every journal file in `folder` (lines that are not JSON are skipped).
inline std::vector<nlohmann::json> journal_records(const std::filesystem::path& folder) {
    std::vector<nlohmann::json> records;
    if (!std::filesystem::is_directory(folder)) {
        return records;
    }
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded()) {
                records.push_back(std::move(j));
            }
        }
    }
    return records;
}

// An upload to interrupt: a 40-message MIDIFly firmware (written to `file`) over DIN, at least
// 150 ms apart: over 6 s if it ran to the end. Traced to `trace`.
inline std::vector<std::string> slow_midifly_upload(const std::filesystem::path& file,
                                                    const std::filesystem::path& trace) {
    write_messages(file, syx::emu::make_test_firmware("parker-midifly", {1, 2, 0, 0}));
    return {
        "upload",         "--device",    "parker-midifly",          "--api", "emulated", "--port",
        "parker-midifly", file.string(), "--allow-unknown-release", "--yes", "--link",   "din",
        "--trace",        trace.string()};
}

} // namespace syx::test
