#include "gui/wizard_engine.hpp"

// The firmware update and its recovery: the Firmware page's check (what it shows), the
// engine's UpdateJob (every gate), and the journal's start-up offer of interrupted updates.

#include <algorithm>
#include <chrono>

#include <fmt/core.h>

#include "core/hash.hpp"
#include "core/pacer.hpp"
#include "core/session_validation.hpp"
#include "emulator/modelled_firmware.hpp"
#include "engine/atomic_file.hpp"
#include "engine/flow_gates.hpp"
#include "engine/journal.hpp"
#include "engine/sysex_file_reader.hpp"
#include "engine/update_job.hpp"

namespace syx::gui {

namespace fs = std::filesystem;

namespace {

std::string finding_text(const Finding& f) {
    std::string where;
    if (f.message_index) {
        where = fmt::format(" at message {}", *f.message_index + 1);
    }
    if (f.offset) {
        where += fmt::format(" (byte {})", *f.offset);
    }
    return fmt::format("{}{}: {}", to_string(f.severity), where, f.text);
}

std::string eta_text(const SysexFile& file, const Manifest& manifest, Link link) {
    const auto* pacing = manifest.pacing.for_link(link);
    if (pacing == nullptr || !manifest.transports.allows(link)) {
        return fmt::format("{}: not supported by this device", link == Link::usb ? "USB" : "DIN");
    }
    std::vector<std::uint64_t> lengths;
    for (const auto& m : file.messages) {
        lengths.push_back(m.length);
    }
    PacerConfig config;
    config.link = link;
    config.rules = pacing->rules;
    const auto plan = make_pacing_plan(lengths, config);
    if (!plan) {
        return fmt::format("{}: cannot plan ({})", link == Link::usb ? "USB" : "DIN",
                           plan.error().message);
    }
    const double seconds = std::chrono::duration<double>(plan->duration).count();
    return fmt::format(
        "{}: about {:.0f} s ({} ms gap after each message{})",
        link == Link::usb ? "USB" : "DIN (MIDI interface)", std::max(1.0, seconds),
        pacing->rules.gap_after_message.count(),
        pacing->rules.max_bytes_per_second
            ? fmt::format(", at most {} bytes/s", *pacing->rules.max_bytes_per_second)
            : std::string());
}

// "2026-11-20T22:33:44Z" -> "2026-11-20 at 22:33 UTC"; anything else as it is.
std::string readable_time(const std::string& iso) {
    if (iso.size() >= 16 && iso[10] == 'T') {
        return fmt::format("{} at {} UTC", iso.substr(0, 10), iso.substr(11, 5));
    }
    return iso.empty() ? std::string("an unknown date") : iso;
}

} // namespace

void WizardEngine::load_firmware(const fs::path& path, bool generated) {
    const auto* m = manifest();
    if (m == nullptr) {
        return;
    }
    FirmwareView view;
    view.path = path.string();
    view.generated = generated;
    auto read = read_sysex_file(path);
    if (!read) {
        view.findings.push_back("error: " + read.error().message);
        view.finding_levels.push_back(Severity::error);
        std::lock_guard lock(m_mutex); // nothing is sent that the page does not show
        m_flow.firmware = view;
        m_flow.firmware_confirmed = false;
        m_release_typed = false;
        return;
    }
    auto file = std::make_shared<const SysexFile>(std::move(*read));
    const auto check = session::check_file(*file, *m, m_link, false);
    view.loaded = true;
    view.refused = check.refused;
    view.unknown_release = check.unknown_release;
    view.release = check.release_version.value_or("");
    view.verdict = check.verdict;
    view.decoded = check.firmware_summary;
    view.sha256 = to_hex(file->sha256);
    view.messages = file->messages.size();
    view.bytes = file->file_bytes;
    for (const auto& f : check.findings) {
        view.findings.push_back(finding_text(f));
        view.finding_levels.push_back(f.severity);
    }
    view.eta_usb = eta_text(*file, *m, Link::usb);
    view.eta_din = eta_text(*file, *m, Link::din);
    view.typed_confirmation = std::string(session::kUnknownReleasePhrase); // as core asks it
    // Recovering an interrupted update: the very file it was sending (same SHA-256) was
    // accepted by whoever started that update, wherever it is chosen from now; any other file
    // needs the confirmation again. The engine's recovery job decides that (its recovery
    // context); the page shows what it will decide.
    bool same_as_interrupted = false;
    if (!m_resume_session.empty() && !check.refused) {
        if (const auto dir = engine::journal_dir()) {
            const auto context = engine::recovery_context(*dir, m->id, offer_api(), view.sha256);
            same_as_interrupted = !context.interrupted.empty() && context.same_file;
        }
    }
    std::lock_guard lock(m_mutex);
    m_flow.firmware = view;
    m_flow.firmware_confirmed = same_as_interrupted;
    m_release_typed = false;
    if (same_as_interrupted && view.unknown_release) {
        m_log.push_back("The file is the one the interrupted update was sending (same SHA-256): "
                        "its confirmation stands.");
    }
    auto& recent = m_flow.recent_files;
    recent.erase(std::remove(recent.begin(), recent.end(), view.path), recent.end());
    recent.insert(recent.begin(), view.path);
    m_log.push_back(
        fmt::format("Firmware {}: {} ({} messages)", view.path, view.verdict, view.messages));
}

void WizardEngine::practice_firmware() {
    std::string id;
    {
        std::lock_guard lock(m_mutex);
        id = m_flow.device_id;
    }
    std::vector<emu::Bytes> messages = id == "gligli-prophet-600"
                                           ? emu::make_prophet600_test_firmware(64)
                                           : emu::make_test_firmware(id, {2, 0, 0, 9});
    if (messages.empty()) {
        log("No practice firmware for this device.");
        return;
    }
    std::vector<std::uint8_t> bytes;
    for (const auto& msg : messages) {
        bytes.insert(bytes.end(), msg.begin(), msg.end());
    }
    const fs::path path = m_config.work_dir / fmt::format("practice-{}.syx", id);
    if (auto written = engine::write_file_atomically(path, bytes); !written) {
        log("Could not write the practice firmware: " + written.error().message);
        return;
    }
    load_firmware(path, true);
}

// The update the wizard's pages decided, as the engine's job request: the job owns every gate
// (the gap floor, validation, the release confirmation, the backup gate, the identity check,
// the recovery context and the journal), the wizard only says what the user chose.
engine::UpdateJobRequest WizardEngine::update_request(bool recovery) const {
    engine::UpdateJobRequest request;
    request.command = recovery ? "wizard recovery" : "wizard";
    std::shared_ptr<transport::EmulatedDevice> device;
    {
        std::lock_guard lock(m_mutex);
        request.device_id = m_flow.device_id;
        request.file = m_flow.firmware.path;
        request.allow_unknown_release = m_release_typed;
        request.port = m_flow.port; // the worker is the only writer of the port
        if (recovery && m_flow.update_outcome) {
            request.plan = m_flow.update_outcome->recovery_plan; // else the journal's
        }
        request.start_journal = m_start_journal;
        device = m_device;
    }
    request.link = m_link;
    request.api = transport::to_string(m_transport->api());
    request.recovery = recovery;
    switch (m_gate.kind) {
    case session::BackupGateKind::made_now:
    case session::BackupGateKind::given_file:
        request.backup = m_backup_file.value_or(fs::path());
        break;
    case session::BackupGateKind::skipped:
        request.skip_backup = true;
        request.skip_backup_reason = m_gate.description;
        break;
    default:
        break; // the job makes the backup, or says the device has no backup procedure
    }
    const auto* m = manifest();
    if (m_mode == RunMode::simulated && device && m != nullptr) {
        // The simulated device's own state is the evidence (as for `syxflash-cli --api
        // emulated`): an unchanged version is not a success, whatever was answered.
        request.extra_evidence = engine::emulated_version_evidence(device, m->name);
    }
    return request;
}

// Prepares and runs the engine's update job over the instrument's port, and returns its
// outcome. A problem before anything was sent is a refused outcome with the engine's text
// (`ran` stays false).
session::Outcome WizardEngine::run_update_job(bool recovery, bool& ran) {
    const auto fail = [this, recovery](std::string message) {
        session::Outcome refused;
        refused.kind = session::OutcomeKind::refused;
        refused.message = std::move(message);
        log(fmt::format("{}: {}", recovery ? "Recovery" : "Upload", refused.message));
        return refused;
    };
    ran = false;
    if (manifest() == nullptr || !m_transport) {
        return fail("Choose a device and a firmware file first. Nothing was sent.");
    }
    std::string shown_sha256;
    {
        std::lock_guard lock(m_mutex);
        shown_sha256 = m_flow.firmware.sha256;
    }
    auto prepared = engine::UpdateJob::prepare(update_request(recovery), *this);
    if (auto* problem = std::get_if<engine::JobProblem>(&prepared)) {
        return fail(problem->message);
    }
    auto& job = std::get<engine::UpdateJob>(prepared);
    if (to_hex(job.file().sha256) != shown_sha256) {
        // The confirmation was given for what the Firmware page showed.
        return fail(fmt::format("'{}' changed since the Firmware page checked it: choose it "
                                "again. Nothing was sent.",
                                job.request().file.string()));
    }
    if (auto status = m_transport->open(open_options()); !status) {
        return fail("The port did not open: " + status.error().message + " Nothing was sent.");
    }
    {
        std::lock_guard lock(m_mutex);
        if (m_closing) {
            return fail("The window was closed before the update started: nothing was sent.");
        }
        (recovery ? m_flow.recovery : m_flow.upload) = StepState::running;
        if (!recovery) {
            m_flow.verify = StepState::idle;
        }
    }
    auto result = job.run(job_connection(), *this);
    ran = true;
    m_gate = result.backup_gate;
    if (result.backup_file) {
        m_backup_file = result.backup_file;
    }
    if (result.stage == engine::UpdateJobResult::Stage::backup_not_saved && result.problem) {
        result.outcome.kind = session::OutcomeKind::refused;
        result.outcome.message = result.problem->message;
    }
    // What this run settled in the journal leaves the start-up offer.
    std::lock_guard lock(m_mutex);
    for (const auto& id : result.resolved_sessions) {
        m_log.push_back(fmt::format("Journal: {} marked resolved.", id));
        auto& list = m_flow.interrupted;
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](const InterruptedUpdate& u) { return u.session == id; }),
                   list.end());
    }
    if (!result.resolved_sessions.empty()) {
        m_resume_session.clear();
    }
    return std::move(result.outcome);
}

void WizardEngine::upload() {
    bool ran = false;
    const auto outcome = run_update_job(false, ran);
    std::lock_guard lock(m_mutex);
    m_flow.update_outcome = outcome;
    const bool ok = outcome.kind == session::OutcomeKind::success;
    // Failing while checking the device: the firmware went out, the verification failed.
    const auto phase = m_last_run && ran ? run_phase(m_last_run->progress.phase) : RunPhase::none;
    const bool sent = phase == RunPhase::verify || phase == RunPhase::restore;
    m_flow.upload = ok || sent ? StepState::done : StepState::failed;
    m_flow.verify = ok ? StepState::done : StepState::failed;
    m_flow.recovery_title = outcome.recovery_title;
    m_flow.recovery_steps = outcome.recovery_steps;
    m_flow.recovery_terminal = outcome.kind == session::OutcomeKind::service_centre;
    if (!ok) {
        m_flow.recovery = StepState::idle;
    }
}

void WizardEngine::recover() {
    bool ran = false;
    const auto outcome = run_update_job(true, ran);
    std::lock_guard lock(m_mutex);
    m_flow.recovery_outcome = outcome;
    const bool ok = outcome.kind == session::OutcomeKind::success;
    m_flow.recovery = ok ? StepState::done : StepState::failed;
    m_flow.recovery_terminal = outcome.kind == session::OutcomeKind::service_centre;
    if (ok) {
        m_flow.upload = StepState::done;
        m_flow.verify = StepState::done;
    }
}

// The kind of link this run works on, for the journal's offers: the emulated devices when
// simulating, real ports otherwise.
std::string WizardEngine::offer_api() const {
    return m_mode == RunMode::simulated ? transport::to_string(transport::MidiApi::emulated)
                                        : std::string("hardware");
}

// --simulate X offers X's interrupted updates only.
std::optional<std::string> WizardEngine::offer_device() const {
    if (m_mode == RunMode::simulated && !m_base.simulate_id.empty()) {
        return m_base.simulate_id;
    }
    return std::nullopt;
}

void WizardEngine::check_journal() {
    const auto dir = engine::journal_dir();
    if (!dir) {
        return;
    }
    std::vector<InterruptedUpdate> found;
    for (const auto& s : engine::interrupted_offers(*dir, offer_api(), offer_device())) {
        InterruptedUpdate u;
        u.session = s.session;
        u.device_id = s.device_id;
        u.device_name = s.device_name;
        u.when = readable_time(s.started);
        u.messages_sent = s.messages_sent;
        u.message_count = s.message_count;
        u.file = s.file;
        std::error_code ec;
        u.file_present = !s.file.empty() && fs::is_regular_file(s.file, ec);
        u.device_known = m_catalogue.catalogue.find(s.device_id) != nullptr;
        u.how = s.finished ? fmt::format("it ended: {}", s.detail.empty() ? s.outcome : s.detail)
                           : fmt::format("syxflash stopped during '{}' (closed, killed or a "
                                         "power cut)",
                                         s.last_phase.empty() ? "start" : s.last_phase);
        found.push_back(std::move(u));
    }
    std::lock_guard lock(m_mutex);
    for (const auto& u : found) {
        m_log.push_back(fmt::format("Journal: the update {} of {} was interrupted at message {} "
                                    "of {}; offered for recovery.",
                                    u.session, u.device_id, u.messages_sent, u.message_count));
    }
    m_flow.interrupted = std::move(found);
}

void WizardEngine::resume_interrupted(const std::string& session) {
    const auto dir = engine::journal_dir();
    std::optional<engine::JournalSession> entry;
    if (dir) {
        for (auto& s : engine::interrupted_offers(*dir, offer_api(), offer_device())) {
            if (s.session == session) {
                entry = std::move(s);
            }
        }
    }
    if (!entry) {
        log("That interrupted update is no longer in the journal (resolved elsewhere?).");
        dismiss_interrupted(session);
        return;
    }
    const auto* known = m_catalogue.catalogue.find(entry->device_id);
    if (known == nullptr) {
        log(fmt::format("Cannot recover '{}': this build does not know that device.",
                        entry->device_id));
        return;
    }
    select_device(entry->device_id);
    if (!entry->link.empty()) {
        choose_link(entry->link);
    }
    const Manifest& m = known->manifest;
    m_resume_session = entry->session;
    const RecoveryPlan* plan = entry->recovery_plan.empty() ? m.plan_for_phase(Phase::transfer)
                                                            : m.find_plan(entry->recovery_plan);
    std::error_code ec;
    if (!entry->file.empty() && fs::is_regular_file(entry->file, ec)) {
        load_firmware(entry->file, false);
    } else {
        log(fmt::format("The firmware of the interrupted update ({}) is gone: choose it on the "
                        "Recovery page.",
                        entry->file));
        // Start the browser where the file was, if that folder is still there.
        const fs::path folder = fs::path(entry->file).parent_path();
        if (!folder.empty() && fs::is_directory(folder, ec)) {
            browse(folder);
        }
    }
    std::lock_guard lock(m_mutex);
    m_flow.resuming_session = entry->session;
    if (plan != nullptr) {
        m_flow.recovery_title = plan->title;
        m_flow.recovery_steps = plan->steps;
        m_flow.recovery_terminal = plan->terminal;
    }
    m_log.push_back(fmt::format("Recovering the interrupted update {} of the {} ({} of {} "
                                "messages had been sent).",
                                entry->session, m.name, entry->messages_sent,
                                entry->message_count));
}

void WizardEngine::dismiss_interrupted(const std::string& session) {
    std::lock_guard lock(m_mutex);
    auto& list = m_flow.interrupted;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const InterruptedUpdate& u) { return u.session == session; }),
               list.end());
    m_log.push_back(fmt::format("Interrupted update {} left for later (offered again at the next "
                                "start).",
                                session));
}

} // namespace syx::gui
