#include "engine/update_job.hpp"

#include <utility>

#include <fmt/format.h>

#include "engine/flow_gates.hpp"

namespace syx::engine {

Result<UpdateJournal> start_update_journal(JournalStart start, const std::filesystem::path& dir) {
    if (!start.file.empty()) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(start.file, ec);
        if (!ec) {
            start.file = absolute.lexically_normal();
        }
    }
    return UpdateJournal::start(start, dir);
}

std::vector<JournalSession> interrupted_offers(const std::filesystem::path& dir,
                                               std::string_view api,
                                               const std::optional<std::string>& device_id) {
    std::vector<JournalSession> offers;
    for (auto& s : find_interrupted(dir)) {
        if (is_simulated_api(s.api) != is_simulated_api(api)) {
            continue; // a simulation never offers (or recovers) a real device's update
        }
        if (device_id && s.device_id != *device_id) {
            continue; // --simulate X is not taken over by device Y's entry
        }
        offers.push_back(std::move(s));
    }
    return offers;
}

std::function<std::optional<std::string>()>
emulated_version_evidence(std::shared_ptr<transport::EmulatedDevice> device,
                          std::string device_name) {
    if (!device) {
        return {};
    }
    std::string before = device->firmware_version_text();
    return [device = std::move(device), before = std::move(before),
            name = std::move(device_name)]() -> std::optional<std::string> {
        const std::string after = device->firmware_version_text();
        if (after.empty()) {
            return fmt::format("The {} has no working firmware after the transfer: the update "
                               "did not take.",
                               name);
        }
        if (after == before) {
            return fmt::format("The {}'s firmware version did not change (OS {} before and "
                               "after): the new firmware is not running. The unit did not take "
                               "the firmware (was it in its receiving mode?).",
                               name, after);
        }
        return std::nullopt;
    };
}

} // namespace syx::engine
