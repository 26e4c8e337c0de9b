#include "engine/identity_probe.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "core/device_ports.hpp"
#include "core/hash.hpp"

namespace syx::engine {

Result<IdentityAnswer> ask_identity(transport::MidiTransport& transport,
                                    transport::ReceiveQueue& queue,
                                    std::chrono::milliseconds timeout, std::uint8_t device_id) {
    const auto request = identity_request(device_id);
    if (auto sent = transport.send(request); !sent) {
        return sent.error();
    }
    IdentityAnswer answer;
    const auto deadline = transport::Clock::now() + std::max(timeout, std::chrono::milliseconds{1});
    while (auto message = queue.pop_until(deadline)) {
        if (!is_identity_reply(message->bytes)) {
            answer.ignored.push_back(
                to_spaced_hex(std::span<const std::uint8_t>(message->bytes)
                                  .first(std::min<std::size_t>(message->bytes.size(), 8))));
            continue;
        }
        auto reply = parse_identity_reply(message->bytes);
        if (!reply) {
            answer.ignored.push_back(reply.error().message);
            continue;
        }
        answer.reply = std::move(*reply);
        break;
    }
    return answer;
}

std::vector<DetectedPort> detect_identities(const TransportMaker& make,
                                            const std::vector<transport::PortInfo>& ports,
                                            const std::vector<std::string>& outputs,
                                            const Catalogue& catalogue,
                                            const DetectOptions& options) {
    std::vector<std::string> inputs;
    for (const auto& p : ports) {
        if (p.direction == transport::PortDirection::input) {
            inputs.push_back(p.name);
        }
    }
    std::vector<DetectedPort> found;
    for (const auto& output : outputs) {
        DetectedPort d;
        d.output = output;
        d.input = paired_input_port(output, inputs).value_or("");
        if (d.input.empty()) {
            d.problem = "no input port belongs to it, so no answer can arrive";
            found.push_back(std::move(d));
            continue;
        }
        auto made = make();
        if (!made) {
            d.problem = made.error().message;
            found.push_back(std::move(d));
            continue;
        }
        auto& transport = **made;
        transport::ReceiveQueue queue;
        transport.set_receive_callback(queue.callback());
        transport::OpenOptions open;
        open.output_port = d.output;
        open.input_port = d.input;
        open.client_name = options.client_name;
        open.max_input_message_bytes = 4096;
        if (auto opened = transport.open(open); !opened) {
            transport.close();
            d.problem = "did not open: " + opened.error().message;
            found.push_back(std::move(d));
            continue;
        }
        auto answer = ask_identity(transport, queue, options.timeout);
        transport.close();
        if (!answer) {
            d.problem = answer.error().message;
        } else if (!answer->reply) {
            d.problem =
                answer->ignored.empty()
                    ? fmt::format("no answer within {} ms", options.timeout.count())
                    : fmt::format("{} other message(s), no identity reply", answer->ignored.size());
        } else {
            d.reply = std::move(answer->reply);
            if (const auto* match = catalogue.match_identity(d.reply->raw)) {
                d.device_id = match->manifest.id;
                d.device_name = match->manifest.name;
            }
        }
        found.push_back(std::move(d));
    }
    return found;
}

} // namespace syx::engine
