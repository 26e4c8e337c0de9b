#pragma once
// Asking ports who is behind them with the Universal Identity Request (F0 7E 7F 06 01 F7
// [confirmed: MIDI 1.0]). Shared by `syxflash-cli identify` (one port) and the wizard's Detect
// button (every candidate output with its paired input).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "core/identity_reply.hpp"
#include "core/result.hpp"
#include "transport/midi_transport.hpp"
#include "transport/receive_queue.hpp"

namespace syx::engine {

struct IdentityAnswer {
    std::optional<IdentityReply> reply; // the first identity reply, if one came
    // Short descriptions of what else arrived (other messages, unparsable replies).
    std::vector<std::string> ignored;
};

// Sends the request on an OPEN transport whose receive callback feeds `queue`, then waits until
// an identity reply arrives or `timeout` passes. Errors only when the send fails.
[[nodiscard]] Result<IdentityAnswer> ask_identity(transport::MidiTransport& transport,
                                                  transport::ReceiveQueue& queue,
                                                  std::chrono::milliseconds timeout,
                                                  std::uint8_t device_id = kIdentityAllCall);

using TransportMaker = std::function<Result<std::unique_ptr<transport::MidiTransport>>()>;

struct DetectedPort {
    std::string output;
    std::string input; // empty: no input belongs to this output, nothing could answer
    std::optional<IdentityReply> reply;
    std::string device_id; // the catalogue device whose identity pattern matches, if any
    std::string device_name;
    std::string problem; // why this port could not be asked / gave no answer
};

struct DetectOptions {
    // Per port. Devices answer within tens of ms [M]; DIN adds 5 ms for the 15-byte reply.
    std::chrono::milliseconds timeout{700};
    std::string client_name = "syxflash-detect";
};

// For each output in `outputs`: pairs its input (core paired_input_port), opens both on a fresh
// transport from `make`, asks, closes. One port at a time, so replies cannot be confused.
[[nodiscard]] std::vector<DetectedPort>
detect_identities(const TransportMaker& make, const std::vector<transport::PortInfo>& ports,
                  const std::vector<std::string>& outputs, const Catalogue& catalogue,
                  const DetectOptions& options = {});

} // namespace syx::engine
