// Fuzzes the --fault SPEC parser: any input must give a spec or a usage error, and every spec it
// accepts must print to a text that parses back to the same spec.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emulator/fault_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto spec = syx::emu::parse_fault_spec(text);
    if (!spec.ok()) {
        if (spec.error().code != syx::ErrorCode::usage || spec.error().message.empty()) {
            std::abort();
        }
        return 0;
    }
    const auto again = syx::emu::parse_fault_spec(syx::emu::to_string(*spec));
    if (!again.ok() || again->kind != spec->kind ||
        again->reappear_as_bootloader != spec->reappear_as_bootloader ||
        again->number != spec->number || again->delay != spec->delay ||
        again->is_percent != spec->is_percent || again->bytes != spec->bytes) {
        std::abort();
    }
    return 0;
}
