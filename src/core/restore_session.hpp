#pragma once
// Restore (issue 6): sends a backup back with the device's pacing.
//   - RestoreKind refused/none → refused with the manifest's words (Octatrack: copy the set
//     folder back onto the CF card).
//   - The backup is validated for restore purposes first; any error → refused, nothing sent.
//   - [[restore.rewrites]]: K-Station single-bank backups carry C=0, which the K-Station stores
//     into its CURRENT bank [confirmed: K-Station manual]. By default the control byte is
//     rewritten to C=1 keeping B, so each program pair returns to the bank it came from;
//     RewritePolicy::keep_original (--to-current-bank) keeps C=0 and the log says that the
//     current bank will be overwritten. Rewrites only touch messages whose byte differs.
//   - After sending: the manifest's after_steps as an information question (M-Audio Code:
//     reload the preset; each preset returns to its own slot).
// The device gives no confirmation of a restore over SysEx; the outcome says so.
#include <memory>
#include <string>
#include <vector>

#include "core/link.hpp"
#include "core/manifest.hpp"
#include "core/pacing_rules.hpp"
#include "core/session_base.hpp"
#include "core/sysex_file.hpp"

namespace syx::session {

enum class RewritePolicy {
    apply,         // apply every rewrite (default: back to where it came from)
    keep_original, // send the bytes exactly as backed up (K-Station: --to-current-bank)
    ask,           // ask the user once per rewrite rule that applies (GUI)
};

struct RestoreOptions {
    Link link = Link::usb;
    RewritePolicy rewrites = RewritePolicy::apply;
    std::optional<std::size_t> backend_max_message_bytes;
    std::chrono::nanoseconds delivery_jitter{0};
};

class RestoreSession final : public SessionBase {
public:
    RestoreSession(const Manifest& manifest, std::shared_ptr<const SysexFile> backup,
                   RestoreOptions options = {});
    [[nodiscard]] std::string_view name() const override { return "restore"; }
    // The messages as they will be / were sent (after rewrites).
    [[nodiscard]] const std::vector<Bytes>& messages() const { return m_messages; }

protected:
    Command on_event(const Event& event) override;

private:
    struct Impl;
    enum class Stage { start, ask_rewrite, transfer, after_steps };
    Command start();
    Command next_rewrite_question();
    Command begin_transfer();
    Command next_send();
    void apply_rewrite(const ByteRewrite& rewrite);
    [[nodiscard]] std::size_t rewrite_applies(const ByteRewrite& rewrite) const;

    Manifest m_manifest;
    std::shared_ptr<const SysexFile> m_file;
    RestoreOptions m_options;
    std::shared_ptr<Impl> m_impl;
    std::vector<Bytes> m_messages;
    Stage m_stage = Stage::start;
    std::size_t m_rewrite = 0;
    std::size_t m_next_send = 0;
    bool m_send_outstanding = false;
    std::optional<SessionTime> m_previous_start;
    SessionTime m_transfer_start{0};
    std::size_t m_messages_sent = 0;
    std::uint64_t m_bytes_sent = 0;
};

} // namespace syx::session
