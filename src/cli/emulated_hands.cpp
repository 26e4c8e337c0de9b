// The emulated device's "hands and eyes" for the session commands (--api emulated): what a person
// standing at the instrument would do or read, done on the in-process device instead, so the CLI
// tests and demos can run a whole update, recovery included, without a human. What the hands do
// is engine/emulated_hands.hpp, shared with the wizard's --autopilot.
// Only ever active for the emulated api: a real device is never answered for.
#include "engine/emulated_hands.hpp"

#include <chrono>
#include <thread>

#include "cli/flow_support.hpp"
#include "transport/emulated_transport.hpp"

namespace syx::cli {

void attach_emulated_hands(TerminalPrompt& prompt, transport::MidiApi api,
                           const std::string& device_id) {
    if (api != transport::MidiApi::emulated) {
        return;
    }
    auto device_or = transport::emulated_device(device_id);
    if (!device_or) {
        return;
    }
    std::shared_ptr<transport::EmulatedDevice> device = *device_or;
    prompt.set_auto_answer(
        [device](const session::Question& q) -> std::optional<TerminalPrompt::AutoAnswer> {
            auto plan = engine::emulated_hands(q, engine::instrument_view(*device));
            // Up to 10 s for the device to finish starting before its display is read.
            for (int i = 0; i < 100 && plan.look_again; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                plan = engine::emulated_hands(q, engine::instrument_view(*device));
            }
            if (!plan.answer) {
                return std::nullopt; // confirmations stay with --yes or the person
            }
            engine::perform_on(*device, plan.actions);
            return TerminalPrompt::AutoAnswer{plan.answer->choice_id, plan.answer->text};
        });
}

} // namespace syx::cli
