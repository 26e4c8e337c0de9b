#include "gui/wizard_engine.hpp"

// Files: the support bundle and the folder browser.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>

#include <fmt/core.h>

#include "engine/backup_store.hpp"
#include "engine/journal.hpp"
#include "gui/app_options.hpp"
#include "gui/support_bundle.hpp"

namespace syx::gui {

namespace fs = std::filesystem;

void WizardEngine::save_bundle() {
    const auto now = std::chrono::system_clock::now();
    std::string stamp = engine::format_utc(now); // "2026-11-20T22:33:44Z"
    stamp.erase(
        std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
        stamp.end());
    FlowView flow;
    std::vector<std::string> lines;
    std::shared_ptr<const engine::RunSnapshot> run;
    {
        std::lock_guard lock(m_mutex);
        flow = m_flow;
        lines = m_log;
        run = m_last_run;
    }
    const std::string top = fmt::format("syxflash-support-{}-{}",
                                        flow.device_id.empty() ? "wizard" : flow.device_id, stamp);
    std::string report = fmt::format(
        "syxflash support report\n{}\ndevice: {} ({})\nport: {} [{}]\nlink: {}\nbackup: {} — {}\n"
        "firmware: {} sha256 {} verdict {} release {}\nupload: {}\nverify: {}\nrecovery: {}\n",
        version_text(), flow.device_name, flow.device_id, flow.port, flow.port_badge,
        to_string(flow.link), to_string(flow.backup), flow.backup_text, flow.firmware.path,
        flow.firmware.sha256, flow.firmware.verdict,
        flow.firmware.release.empty() ? "unknown" : flow.firmware.release, to_string(flow.upload),
        to_string(flow.verify), to_string(flow.recovery));
    for (const auto* o : {&flow.update_outcome, &flow.recovery_outcome}) {
        if (*o) {
            report +=
                fmt::format("outcome: {} — {}\n", session::to_string((*o)->kind), (*o)->message);
        }
    }
    // The presets themselves stay out: they are the owner's work, nobody needs them to tell why
    // a transfer failed, and the bundle is meant to be posted on forums. What support needs (was
    // there a verified backup, is it intact) is its name, size and SHA-256. Someone whose backup
    // will not restore can attach the .syx named here on purpose.
    if (!flow.backup_file.empty()) {
        std::error_code ec;
        const auto size = fs::file_size(flow.backup_file, ec);
        report += fmt::format("backup file (contents not included): {} ({} bytes) — {}\n",
                              flow.backup_file, ec ? 0 : size, m_gate.description);
    } else {
        report += "backup file: none made in this run\n";
    }
    std::string trace;
    for (const auto& l : lines) {
        trace += l + "\n";
    }
    if (run && run->log) {
        trace += "--- last session log ---\n";
        for (const auto& l : *run->log) {
            trace += fmt::format("{:10.3f} s  {}\n", std::chrono::duration<double>(l.at).count(),
                                 l.text);
        }
    }
    std::vector<BundleEntry> entries{{"report.txt", report}, {"trace.txt", trace}};
    // The journal: every session of this device (updates, recoveries, interrupted ones).
    std::size_t journals = 0;
    if (const auto dir = engine::journal_dir()) {
        for (const auto& s : engine::list_sessions(*dir)) {
            if (!flow.device_id.empty() && s.device_id != flow.device_id) {
                continue;
            }
            std::ifstream in(s.path, std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
            if (in.bad()) {
                continue;
            }
            entries.push_back({"journal/" + s.path.filename().string(), std::move(text)});
            ++journals;
        }
    }
    const fs::path path = m_config.work_dir / (top + ".tar.gz");
    if (auto written = write_support_bundle(path, top, entries, now); !written) {
        log("Support bundle not saved: " + written.error().message);
        return;
    }
    std::lock_guard lock(m_mutex);
    m_flow.bundle_path = path.string();
    m_log.push_back(fmt::format("Support bundle saved: {} (report, trace, {} journal file(s); "
                                "presets not included)",
                                path.string(), journals));
}

void WizardEngine::browse(const fs::path& folder) {
    FolderView view;
    std::error_code ec;
    const fs::path dir = fs::absolute(folder, ec).lexically_normal();
    view.path = dir.string();
    if (dir.has_parent_path() && dir.parent_path() != dir) {
        view.parent = dir.parent_path().string();
    }
    std::vector<FolderEntry> folders;
    std::vector<FolderEntry> files;
    for (auto it = fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.empty() || name.front() == '.') {
            continue; // hidden
        }
        std::error_code type_ec;
        if (it->is_directory(type_ec)) {
            folders.push_back({name, it->path().string(), true});
            continue;
        }
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        // What read_sysex_file understands: raw SysEx, MIDI files, hex text, and gzip of them.
        if (ext == ".syx" || ext == ".mid" || ext == ".midi" || ext == ".smf" || ext == ".txt" ||
            ext == ".hex" || ext == ".gz") {
            files.push_back({name, it->path().string(), false});
        }
    }
    if (ec) {
        view.problem = fmt::format("Cannot read {}: {}", view.path, ec.message());
    }
    const auto by_name = [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; };
    std::sort(folders.begin(), folders.end(), by_name);
    std::sort(files.begin(), files.end(), by_name);
    view.entries = std::move(folders);
    view.entries.insert(view.entries.end(), files.begin(), files.end());
    std::lock_guard lock(m_mutex);
    m_flow.browser = std::move(view);
}

} // namespace syx::gui
