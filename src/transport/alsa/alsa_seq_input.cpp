#include "transport/alsa/alsa_seq_input.hpp"

#include <cerrno>
#include <charconv>

#include <alsa/asoundlib.h>
#include <fmt/core.h>
#include <poll.h>

#include "transport/alsa/rawmidi_device_port.hpp"

namespace syx::transport {

namespace {

// The largest input pool a client may ask for (SNDRV_SEQ_MAX_CLIENT_EVENTS in the kernel).
constexpr std::size_t kInputPoolCells = 2000;
// Our side of the socket: how many bytes of events one read can take at once.
constexpr std::size_t kInputBufferBytes = 256 * 1024;
// The largest rawmidi buffer the kernel accepts (snd_rawmidi_params: 1 MiB).
constexpr std::size_t kRawMidiBufferBytes = 1024 * 1024;
// Short messages decoded from events are at most 3 bytes; SysEx is taken from the event as is.
constexpr long kDecodeBytes = 16;

} // namespace

std::optional<SeqAddress> parse_seq_address(std::string_view port_name) {
    const auto space = port_name.rfind(' ');
    const auto tail = space == std::string_view::npos ? port_name : port_name.substr(space + 1);
    const auto colon = tail.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    SeqAddress address;
    const auto* begin = tail.data();
    const auto [c_end, c_err] = std::from_chars(begin, begin + colon, address.client);
    const auto [p_end, p_err] =
        std::from_chars(begin + colon + 1, begin + tail.size(), address.port);
    if (c_err != std::errc{} || p_err != std::errc{} || c_end != begin + colon ||
        p_end != begin + tail.size() || address.client < 0 || address.port < 0) {
        return std::nullopt;
    }
    return address;
}

struct AlsaSeqInput::Handle {
    snd_seq_t* seq = nullptr;
    snd_midi_event_t* decoder = nullptr;
    int port = -1;
    Handle() = default;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() {
        if (decoder != nullptr) {
            snd_midi_event_free(decoder);
        }
        if (seq != nullptr) {
            snd_seq_close(seq);
        }
    }
};

Result<std::unique_ptr<AlsaSeqInput>> AlsaSeqInput::open(const std::string& client_name,
                                                         SeqAddress source,
                                                         bool filter_clock_and_sensing,
                                                         ReceiveCallback on_receive) {
    std::unique_ptr<AlsaSeqInput> input(new AlsaSeqInput());
    input->m_on_receive = std::move(on_receive);
    input->m_filter = filter_clock_and_sensing;
    auto handle = std::make_unique<Handle>();
    auto fail = [](std::string_view what, int err) {
        return make_error(ErrorCode::transfer_failed,
                          fmt::format("ALSA sequencer input: {}: {} (is the ALSA sequencer "
                                      "available? 'ls /dev/snd/seq')",
                                      what, snd_strerror(err)));
    };
    if (const int err = snd_seq_open(&handle->seq, "default", SND_SEQ_OPEN_INPUT, SND_SEQ_NONBLOCK);
        err < 0) {
        handle->seq = nullptr;
        return fail("opening the sequencer", err);
    }
    snd_seq_set_client_name(handle->seq, client_name.c_str());
    // Both before any event can arrive; a kernel that refuses keeps its default (then an
    // overrun is still counted and reported).
    (void)snd_seq_set_client_pool_input(handle->seq, kInputPoolCells);
    (void)snd_seq_set_input_buffer_size(handle->seq, kInputBufferBytes);
    snd_seq_client_pool_t* pool = nullptr;
    snd_seq_client_pool_alloca(&pool);
    if (snd_seq_get_client_pool(handle->seq, pool) == 0) {
        input->m_pool = snd_seq_client_pool_get_input_pool(pool);
    }
    handle->port = snd_seq_create_simple_port(
        handle->seq, "in", SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE,
        SND_SEQ_PORT_TYPE_MIDI_GENERIC | SND_SEQ_PORT_TYPE_APPLICATION);
    if (handle->port < 0) {
        return fail("creating our port", handle->port);
    }
    if (const int err = snd_seq_connect_from(handle->seq, handle->port, source.client, source.port);
        err < 0) {
        return fail(fmt::format("connecting from {}:{}", source.client, source.port), err);
    }
    if (const int err = snd_midi_event_new(kDecodeBytes, &handle->decoder); err < 0) {
        return fail("creating the event decoder", err);
    }
    snd_midi_event_no_status(handle->decoder, 1); // every message with its status byte
    input->m_handle = std::move(handle);
    input->m_reader = std::thread([p = input.get()] { p->read_loop(); });
    return input;
}

std::string AlsaSeqInput::describe() const {
    return fmt::format("ALSA sequencer (input pool {} events)", m_pool);
}

namespace {

// A card's rawmidi input read directly, with the largest buffer.
class AlsaRawInput final : public AlsaInput {
public:
    AlsaRawInput(snd_rawmidi_t* in, std::string device, std::size_t buffer,
                 bool filter_clock_and_sensing, ReceiveCallback on_receive)
        : m_in(in), m_device(std::move(device)), m_buffer(buffer),
          m_filter(filter_clock_and_sensing), m_on_receive(std::move(on_receive)) {
        m_reader = std::thread([this] { read_loop(); });
    }
    ~AlsaRawInput() override {
        m_stop = true;
        m_reader.join();
        snd_rawmidi_close(m_in);
    }
    AlsaRawInput(const AlsaRawInput&) = delete;
    AlsaRawInput& operator=(const AlsaRawInput&) = delete;

    [[nodiscard]] std::uint64_t overruns() const override { return m_overruns.load(); }
    [[nodiscard]] std::string describe() const override {
        return fmt::format("rawmidi {} ({} KiB buffer)", m_device, m_buffer / 1024);
    }

private:
    void read_loop() {
        MidiByteStreamFramer framer;
        std::vector<std::uint8_t> buffer(16 * 1024);
        snd_rawmidi_status_t* status = nullptr;
        snd_rawmidi_status_malloc(&status);
        pollfd fds[4];
        const int count = snd_rawmidi_poll_descriptors(m_in, fds, 4);
        while (!m_stop.load()) {
            (void)::poll(fds, static_cast<nfds_t>(count), 20);
            for (;;) {
                const auto n = snd_rawmidi_read(m_in, buffer.data(), buffer.size());
                if (n <= 0) {
                    break; // -EAGAIN: nothing more; an error: the port vanishes from the listing
                }
                const auto now = Clock::now();
                // The buffer's overruns (bytes the kernel had no room for) are counted per read.
                if (status != nullptr && snd_rawmidi_status(m_in, status) == 0 &&
                    snd_rawmidi_status_get_xruns(status) > 0) {
                    m_overruns += snd_rawmidi_status_get_xruns(status);
                }
                for (auto& m :
                     framer.feed(std::span(buffer.data(), static_cast<std::size_t>(n)), now)) {
                    if (m_filter && m.bytes.size() == 1 &&
                        (m.bytes[0] == 0xF8 || m.bytes[0] == 0xFE)) {
                        continue;
                    }
                    m_on_receive(m.bytes, m.last_byte);
                }
            }
        }
        snd_rawmidi_status_free(status);
    }

    snd_rawmidi_t* m_in;
    std::string m_device;
    std::size_t m_buffer;
    bool m_filter;
    ReceiveCallback m_on_receive;
    std::atomic<std::uint64_t> m_overruns{0};
    std::atomic<bool> m_stop{false};
    std::thread m_reader;
};

// The card and rawmidi device behind a kernel sequencer client's port: snd-seq-midi numbers a
// card's ports device × 32 + subdevice (seq_midi.c), one client per card.
std::optional<std::string> rawmidi_device_of(SeqAddress source) {
    snd_seq_t* seq = nullptr;
    if (snd_seq_open(&seq, "default", SND_SEQ_OPEN_INPUT, SND_SEQ_NONBLOCK) < 0) {
        return std::nullopt;
    }
    snd_seq_client_info_t* info = nullptr;
    snd_seq_client_info_alloca(&info);
    std::optional<std::string> device;
    if (snd_seq_get_any_client_info(seq, source.client, info) == 0 &&
        snd_seq_client_info_get_type(info) == SND_SEQ_KERNEL_CLIENT) {
        const int card = snd_seq_client_info_get_card(info);
        if (card >= 0) {
            device = fmt::format("hw:{},{},{}", card, source.port / 32, source.port % 32);
        }
    }
    snd_seq_close(seq);
    return device;
}

} // namespace

Result<std::unique_ptr<AlsaInput>> open_alsa_input(const std::string& client_name,
                                                   SeqAddress source, bool filter_clock_and_sensing,
                                                   ReceiveCallback on_receive) {
    if (const auto device = rawmidi_device_of(source)) {
        snd_rawmidi_t* in = nullptr;
        if (snd_rawmidi_open(&in, nullptr, device->c_str(), SND_RAWMIDI_NONBLOCK) == 0) {
            snd_rawmidi_params_t* params = nullptr;
            snd_rawmidi_params_alloca(&params);
            std::size_t buffer = 4096;
            if (snd_rawmidi_params_current(in, params) == 0) {
                snd_rawmidi_params_set_buffer_size(in, params, kRawMidiBufferBytes);
                if (snd_rawmidi_params(in, params) == 0) {
                    buffer = kRawMidiBufferBytes;
                }
            }
            return std::unique_ptr<AlsaInput>(std::make_unique<AlsaRawInput>(
                in, *device, buffer, filter_clock_and_sensing, std::move(on_receive)));
        }
        // Busy (another program reads it): the sequencer shares it.
    }
    auto seq =
        AlsaSeqInput::open(client_name, source, filter_clock_and_sensing, std::move(on_receive));
    if (!seq) {
        return seq.error();
    }
    return std::unique_ptr<AlsaInput>(std::move(*seq));
}

AlsaSeqInput::~AlsaSeqInput() {
    m_stop = true;
    if (m_reader.joinable()) {
        m_reader.join();
    }
}

void AlsaSeqInput::read_loop() {
    snd_seq_t* seq = m_handle->seq;
    std::vector<std::uint8_t> sysex;
    std::uint8_t bytes[kDecodeBytes];
    const int count = snd_seq_poll_descriptors_count(seq, POLLIN);
    std::vector<pollfd> fds(static_cast<std::size_t>(count));
    snd_seq_poll_descriptors(seq, fds.data(), static_cast<unsigned>(count), POLLIN);
    while (!m_stop.load()) {
        (void)::poll(fds.data(), fds.size(), 20);
        for (;;) {
            snd_seq_event_t* ev = nullptr;
            const int got = snd_seq_event_input(seq, &ev);
            if (got == -ENOSPC) {
                // The kernel dropped events. The message in progress goes on without them, so it
                // arrives short and the session reports it incomplete (never a backup).
                ++m_overruns;
                continue;
            }
            if (got < 0 || ev == nullptr) {
                break; // -EAGAIN: nothing more for now
            }
            const auto arrival = Clock::now();
            if (ev->type == SND_SEQ_EVENT_SYSEX) {
                const auto* data = static_cast<const std::uint8_t*>(ev->data.ext.ptr);
                for (unsigned i = 0; i < ev->data.ext.len; ++i) {
                    const std::uint8_t b = data[i];
                    if (b == 0xF0) {
                        sysex.clear();
                    } else if (sysex.empty()) {
                        continue; // the rest of a message whose start we did not see
                    }
                    sysex.push_back(b);
                    if (b == 0xF7) {
                        if (sysex.front() == 0xF0) {
                            m_on_receive(sysex, arrival);
                        }
                        sysex.clear();
                    }
                }
                continue;
            }
            if (m_filter && (ev->type == SND_SEQ_EVENT_CLOCK || ev->type == SND_SEQ_EVENT_SENSING ||
                             ev->type == SND_SEQ_EVENT_QFRAME)) {
                continue;
            }
            if (!sysex.empty()) {
                // A status byte ends a SysEx unfinished: hand over what came, so the receiver
                // sees a message cut short instead of waiting for its end.
                m_on_receive(sysex, arrival);
                sysex.clear();
            }
            const long n = snd_midi_event_decode(m_handle->decoder, bytes, kDecodeBytes, ev);
            if (n > 0) {
                m_on_receive(std::span<const std::uint8_t>(bytes, static_cast<std::size_t>(n)),
                             arrival);
            }
        }
    }
}

} // namespace syx::transport
