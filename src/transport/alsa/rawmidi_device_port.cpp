#include "transport/alsa/rawmidi_device_port.hpp"

#include <algorithm>
#include <cerrno>

#include <alsa/asoundlib.h>
#include <fmt/core.h>
#include <poll.h>

namespace syx::transport {

namespace {

// Bytes after a status byte 80–EF / F1–F6 (MIDI 1.0 spec, table of status bytes).
std::size_t data_bytes_after(std::uint8_t status) {
    switch (status & 0xF0) {
    case 0xC0:
    case 0xD0:
        return 1;
    case 0xF0:
        return status == 0xF1 || status == 0xF3 ? 1 : status == 0xF2 ? 2 : 0;
    default:
        return 2;
    }
}

// The device's input buffer: large enough that a paced upload's message never waits on it.
constexpr std::size_t kInputBufferBytes = 64 * 1024;
// Paced output is written in small pieces, each when its time has come: 16 bytes are 5.1 ms at
// DIN speed, fine enough for gap measurements, coarse enough not to busy an emulated CPU.
constexpr std::size_t kPacedChunkBytes = 16;
constexpr std::size_t kFastChunkBytes = 4096;

} // namespace

std::vector<RawMidiArrival> MidiByteStreamFramer::feed(std::span<const std::uint8_t> bytes,
                                                       TimePoint now) {
    std::vector<RawMidiArrival> done;
    auto finish = [&] {
        done.push_back(RawMidiArrival{m_first, now, std::move(m_message)});
        m_message.clear();
        m_expected = 0;
    };
    for (const std::uint8_t b : bytes) {
        if (b >= 0xF8) {
            continue; // realtime: not part of any message, and not one the models care about
        }
        if (b == 0xF0) {
            m_message.assign(1, b);
            m_first = now;
            m_in_sysex = true;
            m_expected = 0;
            m_running_status = 0;
            continue;
        }
        if (m_in_sysex) {
            if (b < 0x80 || b == 0xF7) {
                m_message.push_back(b);
                if (b == 0xF7) {
                    m_in_sysex = false;
                    finish();
                }
                continue;
            }
            // Any other status byte ends the SysEx unfinished: hand over what came (the model
            // sees a truncated message, as a real device's parser would).
            m_in_sysex = false;
            finish();
        }
        if (b >= 0x80) {
            if (b == 0xF7) {
                continue; // a stray end of SysEx
            }
            m_message.assign(1, b);
            m_first = now;
            m_expected = 1 + data_bytes_after(b);
            m_running_status = b < 0xF0 ? b : 0;
        } else if (m_expected == 0) {
            if (m_running_status == 0) {
                continue; // a data byte with no status: nothing it could belong to
            }
            m_message.assign(1, m_running_status);
            m_first = now;
            m_expected = 1 + data_bytes_after(m_running_status);
            m_message.push_back(b);
        } else {
            m_message.push_back(b);
        }
        if (m_expected != 0 && m_message.size() == m_expected) {
            finish();
        }
    }
    return done;
}

struct RawMidiDevicePort::Handles {
    snd_rawmidi_t* in = nullptr;
    snd_rawmidi_t* out = nullptr;
    ~Handles() {
        if (in != nullptr) {
            snd_rawmidi_close(in);
        }
        if (out != nullptr) {
            snd_rawmidi_close(out);
        }
    }
    Handles() = default;
    Handles(const Handles&) = delete;
    Handles& operator=(const Handles&) = delete;
};

RawMidiDevicePort::RawMidiDevicePort(std::string device, RawMidiCallback on_message,
                                     RawBytesCallback on_bytes)
    : m_device(std::move(device)), m_on_message(std::move(on_message)),
      m_on_bytes(std::move(on_bytes)) {}

RawMidiDevicePort::~RawMidiDevicePort() {
    m_stop = true;
    if (m_reader.joinable()) {
        m_reader.join();
    }
}

Result<std::unique_ptr<RawMidiDevicePort>> RawMidiDevicePort::open(const std::string& device,
                                                                   RawMidiCallback on_message,
                                                                   RawBytesCallback on_bytes) {
    std::unique_ptr<RawMidiDevicePort> port(
        new RawMidiDevicePort(device, std::move(on_message), std::move(on_bytes)));
    if (auto status = port->reopen(); !status) {
        return status.error();
    }
    port->m_reader = std::thread([p = port.get()] { p->read_loop(); });
    return port;
}

Status RawMidiDevicePort::reopen() {
    auto handles = std::make_unique<Handles>();
    if (const int err =
            snd_rawmidi_open(&handles->in, &handles->out, m_device.c_str(), SND_RAWMIDI_NONBLOCK);
        err < 0) {
        return make_error(ErrorCode::not_found,
                          fmt::format("cannot open rawmidi device '{}': {} ('amidi -l' lists "
                                      "them)",
                                      m_device, snd_strerror(err)));
    }
    snd_rawmidi_nonblock(handles->out, 0); // writes wait for room; reads are polled
    snd_rawmidi_params_t* params = nullptr;
    snd_rawmidi_params_alloca(&params);
    if (snd_rawmidi_params_current(handles->in, params) == 0) {
        snd_rawmidi_params_set_buffer_size(handles->in, params, kInputBufferBytes);
        (void)snd_rawmidi_params(handles->in, params);
    }
    std::lock_guard lock(m_mutex);
    m_handles = std::move(handles);
    m_present = true;
    return Ok{};
}

void RawMidiDevicePort::read_loop() {
    MidiByteStreamFramer framer;
    std::vector<std::uint8_t> buffer(4096);
    while (!m_stop.load()) {
        if (!m_present.load()) {
            // Gone (cable pulled): try again until it is back.
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
            (void)reopen();
            continue;
        }
        snd_rawmidi_t* in = nullptr;
        {
            std::lock_guard lock(m_mutex);
            in = m_handles->in;
        }
        pollfd fds[4];
        const int count = snd_rawmidi_poll_descriptors(in, fds, 4);
        (void)::poll(fds, static_cast<nfds_t>(count), 20);
        unsigned short revents = 0;
        snd_rawmidi_poll_descriptors_revents(in, fds, static_cast<unsigned>(count), &revents);
        bool gone = (revents & (POLLERR | POLLHUP)) != 0;
        for (;;) {
            const auto n = snd_rawmidi_read(in, buffer.data(), buffer.size());
            if (n == -EAGAIN || n == 0) {
                break;
            }
            if (n < 0) {
                gone = gone || n == -ENODEV || n == -EBADFD || n == -EIO;
                break;
            }
            const auto now = Clock::now();
            const auto piece = std::span(buffer.data(), static_cast<std::size_t>(n));
            if (m_on_bytes) {
                m_on_bytes(piece, now);
            }
            for (auto& message : framer.feed(piece, now)) {
                m_on_message(std::move(message));
            }
        }
        if (gone) {
            std::lock_guard lock(m_mutex);
            m_present = false;
            m_handles.reset();
            framer = MidiByteStreamFramer{};
        }
    }
}

Status RawMidiDevicePort::send(std::span<const std::uint8_t> bytes,
                               std::optional<double> bytes_per_second) {
    const auto start = Clock::now();
    const std::size_t chunk = bytes_per_second ? kPacedChunkBytes : kFastChunkBytes;
    for (std::size_t at = 0; at < bytes.size();) {
        if (bytes_per_second) {
            // Each piece leaves when the wire would have carried everything before it.
            const auto due =
                start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                            static_cast<double>(at) / *bytes_per_second));
            std::this_thread::sleep_until(due);
        }
        const std::size_t n = std::min(chunk, bytes.size() - at);
        std::lock_guard lock(m_mutex);
        if (!m_present.load() || !m_handles) {
            return make_error(ErrorCode::port_vanished,
                              fmt::format("rawmidi device '{}' is gone (cable pulled?) after {} "
                                          "of {} bytes",
                                          m_device, at, bytes.size()));
        }
        const auto written = snd_rawmidi_write(m_handles->out, bytes.data() + at, n);
        if (written < 0) {
            return make_error(ErrorCode::io,
                              fmt::format("writing to rawmidi device '{}': {}", m_device,
                                          snd_strerror(static_cast<int>(written))));
        }
        at += static_cast<std::size_t>(written);
    }
    return Ok{};
}

} // namespace syx::transport
