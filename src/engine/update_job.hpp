#pragma once
// The parts of an update run that the CLI's `upload`/`recover` and the wizard share (issue 12):
// the journal entry an update starts (with the file's absolute path, whoever started it), and
// which interrupted updates a run may offer or resolve (same kind of link: a simulation never
// touches a real device's entry; a simulation of one device never offers another's).
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "engine/journal.hpp"
#include "transport/emulated_transport.hpp"

namespace syx::engine {

// UpdateJournal::start with the file's path made absolute first: the entry is read later from
// another working directory (the next start, `recover`), and names the file as the CLI does.
[[nodiscard]] Result<UpdateJournal> start_update_journal(JournalStart start,
                                                         const std::filesystem::path& dir);

// The interrupted updates a run on `api` may offer at start-up: the same kind of link (a
// simulated run only simulated entries, a real one only real ones) and, when `device_id` is
// given (--simulate X), only that device's. Oldest first.
[[nodiscard]] std::vector<JournalSession>
interrupted_offers(const std::filesystem::path& dir, std::string_view api,
                   const std::optional<std::string>& device_id);

// Evidence from an emulated device's own state (issue 12), for UpdateOptions::extra_evidence:
// the update is not a success when the emulator's firmware version did not change (a unit that
// never entered its receiving state, e.g. an Octatrack not in MIDI UPGRADE, still shows its
// normal screen) or when it has no working firmware. The version is read now (before) and when
// the session asks (after). Only for simulated devices: a real device's evidence is its
// identity reply or its display, which the session checks itself.
[[nodiscard]] std::function<std::optional<std::string>()>
emulated_version_evidence(std::shared_ptr<transport::EmulatedDevice> device,
                          std::string device_name);

} // namespace syx::engine
