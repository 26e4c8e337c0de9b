#include "transport/recording_transport.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

namespace syx::transport {

Result<std::unique_ptr<RecordingTransport>>
RecordingTransport::create(std::unique_ptr<MidiTransport> inner, const std::string& trace_path) {
    std::FILE* file = std::fopen(trace_path.c_str(), "w");
    if (file == nullptr) {
        return make_error(ErrorCode::io, fmt::format("cannot create trace file '{}': {}",
                                                     trace_path, std::strerror(errno)));
    }
    return std::unique_ptr<RecordingTransport>(new RecordingTransport(std::move(inner), file));
}

RecordingTransport::RecordingTransport(std::unique_ptr<MidiTransport> inner, std::FILE* file)
    : m_inner(std::move(inner)), m_file(file) {
    // Always install our recording callback so input is traced even with no user callback.
    m_inner->set_receive_callback([this](std::span<const std::uint8_t> bytes, TimePoint arrival) {
        {
            std::lock_guard lock(m_mutex);
            m_pending_in.push_back(Entry{arrival, false, {bytes.begin(), bytes.end()}});
        }
        if (m_user_callback) {
            m_user_callback(bytes, arrival);
        }
    });
}

RecordingTransport::~RecordingTransport() {
    close();
    if (m_file != nullptr) {
        std::fclose(m_file);
    }
}

void RecordingTransport::set_receive_callback(ReceiveCallback callback) {
    m_user_callback = std::move(callback);
}

Status RecordingTransport::open(const OpenOptions& options) {
    m_start = Clock::now();
    return m_inner->open(options);
}

Status RecordingTransport::send(std::span<const std::uint8_t> bytes) {
    flush();
    const auto now = Clock::now();
    auto status = m_inner->send(bytes);
    write_entry(Entry{now, true, {bytes.begin(), bytes.end()}});
    return status;
}

Status RecordingTransport::ports_still_present() {
    flush();
    return m_inner->ports_still_present();
}

void RecordingTransport::close() {
    m_inner->close();
    flush();
    if (m_file != nullptr) {
        std::fflush(m_file);
    }
}

void RecordingTransport::flush() {
    std::vector<Entry> pending;
    {
        std::lock_guard lock(m_mutex);
        pending.swap(m_pending_in);
    }
    for (const auto& entry : pending) {
        write_entry(entry);
    }
}

void RecordingTransport::write_entry(const Entry& entry) {
    if (m_file == nullptr) {
        return;
    }
    const double t_ms = std::chrono::duration<double, std::milli>(entry.time - m_start).count();
    std::string hex;
    hex.reserve(entry.bytes.size() * 3);
    for (std::size_t i = 0; i < entry.bytes.size(); ++i) {
        if (i != 0) {
            hex += ' ';
        }
        hex += fmt::format("{:02X}", entry.bytes[i]);
    }
    fmt::print(m_file, "{{\"t_ms\":{:.3f},\"dir\":\"{}\",\"len\":{},\"bytes\":\"{}\"}}\n", t_ms,
               entry.outgoing ? "out" : "in", entry.bytes.size(), hex);
}

} // namespace syx::transport
