#pragma once
// The wizard engine's Tools capability (issue 7): generic send/receive of .syx files with a
// chosen gap (what people use MIDI-OX's SysEx view for), the MIDIFly settings editor, and the
// Library's backup export. Its own state (what the Tools page shows, the export result, the
// cancel flag) under its own lock; the coordinator (WizardEngine) lends it the instrument's port
// and puts its state into each snapshot with fill(). The jobs run on the engine's worker thread
// and use the same engine code as `syxflash-cli send` / `receive` (engine/transfer*.hpp,
// engine/recorded_dump.hpp).
#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "core/catalogue.hpp"
#include "core/link.hpp"
#include "core/result.hpp"
#include "gui/intent.hpp"
#include "gui/snapshot.hpp"
#include "transport/midi_transport.hpp"

namespace syx::gui {

class WizardTools {
public:
    // What the tools borrow from the coordinator. Called on the worker thread.
    struct Host {
        // The chosen device's manifest (nullptr: none chosen) and its id.
        std::function<const Manifest*()> manifest;
        std::function<std::string()> device_id;
        // The link the pacing is planned for.
        std::function<Link()> link;
        // The instrument's transport (nullptr: no device chosen) and opening its port with the
        // paired input, as the sessions open it.
        std::function<transport::MidiTransport*()> transport;
        std::function<Status()> open_port;
        // Gives the port's input back to the sessions after a recording.
        std::function<void()> reattach_sessions;
        std::function<void(std::string)> log;
        std::function<void()> publish;
    };

    WizardTools(const Catalogue& catalogue, Host host);

    // Worker thread.
    void choose_file(const std::filesystem::path& path);
    void send(const intent::ToolsSend& request);
    void receive(const intent::ToolsReceive& request);
    void send_midifly_setting(const intent::SendMidiflySetting& request);
    void export_backup(const std::filesystem::path& file, const std::filesystem::path& folder);
    // Another device was chosen: the page starts afresh.
    void reset();

    // Any thread: a running send/receive stops between messages.
    void cancel() { m_cancel.store(true); }

    // Publisher thread: the Tools page's state, its defaults for the chosen device and link
    // (next.flow.device_id / link), and the Library's export folder and result.
    void fill(Snapshot& next) const;

private:
    void finish_job(std::string_view log_prefix, std::string result, bool ok);

    const Catalogue& m_catalogue;
    Host m_host;
    const std::string m_export_folder; // documents dir, else home
    std::atomic<bool> m_cancel{false};

    mutable std::mutex m_mutex; // guards what the page shows
    ToolsView m_view;
    std::string m_export_result;
    bool m_export_ok = false;
};

} // namespace syx::gui
