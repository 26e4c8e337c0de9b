#pragma once
// Our own ALSA sequencer input, used by the alsa backend instead of RtMidi's (RtMidi keeps the
// output side and the port listing).
//
// Why: the kernel delivers every event for a client into that client's input pool, 200 cells
// by default (SNDRV_SEQ_DEFAULT_CLIENT_EVENTS), each cell an event or 28 bytes of its SysEx
// data. snd-usb-audio hands a USB-MIDI dump over in 3-byte events, so a 17 277-byte Little
// Phatty bulk dump sent at full USB speed is ~5 800 events: a reader that falls a few
// milliseconds behind overflows 200 cells, the kernel drops what does not fit and only reports
// it as -ENOSPC on the next read (RtMidi prints a warning and goes on, the dump arrives cut
// short). RtMidi does not expose the client's pool, so we open the input ourselves with the
// largest pool the kernel allows (SNDRV_SEQ_MAX_CLIENT_EVENTS, 2000) and a large read buffer,
// and count overruns so they are reported instead of passed over (tests/vm measured it).
//
// That pool is not the only place bytes are lost. Before the sequencer, snd-seq-midi reads the
// card's rawmidi input buffer, which it sizes itself (its input_buffer_size parameter, one page,
// 4 096 bytes): when its work runs late, a dump at USB speed overruns that buffer and the kernel
// drops the rest, the F7 with it (tests/vm: a 17 277-byte dump lost its end in one run of two).
// No sequencer client can change that buffer. So for a port on a sound card (a USB-MIDI device,
// a DIN interface) we read the card's rawmidi device ourselves, with a 1 MiB buffer (the largest
// the kernel allows), and use the sequencer only where the rawmidi device is busy (another
// program has it) or the port is a software client.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "transport/midi_transport.hpp"

namespace syx::transport {

struct SeqAddress {
    int client = -1;
    int port = -1;
};

// "Client:Port 20:0" (RtMidi's ALSA port names end with the address) → {20, 0}.
[[nodiscard]] std::optional<SeqAddress> parse_seq_address(std::string_view port_name);

// Either input: what the transport needs from it.
class AlsaInput {
public:
    virtual ~AlsaInput() = default;
    // Times the kernel reported lost input (0 = nothing lost).
    [[nodiscard]] virtual std::uint64_t overruns() const = 0;
    // How the input is read, for messages: "rawmidi hw:1,0,0 (1 MiB buffer)".
    [[nodiscard]] virtual std::string describe() const = 0;
};

// Opens the best input for the sequencer port at `source`: the card's rawmidi device when it has
// one and it is free, else a sequencer client with the largest pool.
[[nodiscard]] Result<std::unique_ptr<AlsaInput>> open_alsa_input(const std::string& client_name,
                                                                 SeqAddress source,
                                                                 bool filter_clock_and_sensing,
                                                                 ReceiveCallback on_receive);

class AlsaSeqInput final : public AlsaInput {
public:
    // Opens a client named `client_name` with one input port subscribed to `source` and starts
    // the reader thread. Complete SysEx messages and short messages go to `on_receive` (on the
    // reader thread). Clock and active sensing are dropped when `filter_clock_and_sensing`.
    [[nodiscard]] static Result<std::unique_ptr<AlsaSeqInput>> open(const std::string& client_name,
                                                                    SeqAddress source,
                                                                    bool filter_clock_and_sensing,
                                                                    ReceiveCallback on_receive);

    ~AlsaSeqInput() override;
    AlsaSeqInput(const AlsaSeqInput&) = delete;
    AlsaSeqInput& operator=(const AlsaSeqInput&) = delete;

    // Times the kernel dropped events because our input pool was full (0 = nothing lost).
    [[nodiscard]] std::uint64_t overruns() const override { return m_overruns.load(); }
    [[nodiscard]] std::string describe() const override;

private:
    struct Handle;
    AlsaSeqInput() = default;
    void read_loop();

    std::unique_ptr<Handle> m_handle;
    ReceiveCallback m_on_receive;
    bool m_filter = true;
    std::size_t m_pool = 0;
    std::atomic<std::uint64_t> m_overruns{0};
    std::atomic<bool> m_stop{false};
    std::thread m_reader;
};

} // namespace syx::transport
