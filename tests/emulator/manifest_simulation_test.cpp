// Conformance, part 2 (DESIGN.md §5, §9): every manifest in firmware-manifests/, loaded the way
// the product loads it (load_catalogue), drives a full simulated session against the emulator
// built from that same manifest (emu::make_device_model(manifest)) in virtual time:
//   - a backup by the manifest's procedure completes and passes its own completeness rule (or,
//     with no procedure, says so and sends nothing);
//   - where updates are supported, an update with a firmware file the device accepts ends
//     verified, every gap at the device's input is at least the manifest's minimum for the link
//     used, and the device runs different firmware afterwards;
//   - where they are not, the update is refused with nothing sent and the manifest's reason.
// The manifests are the parameters: a new file in the folder is picked up without editing this
// test, and a test below checks that every file in the folder got its simulations.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/backup_completeness.hpp"
#include "core/backup_session.hpp"
#include "core/catalogue.hpp"
#include "core/update_session.hpp"
#include "emulator/grammar_loader_model.hpp"
#include "emulator/manifest_device_model.hpp"
#include "emulator/modelled_firmware.hpp"
#include "emulator/session_harness.hpp"

namespace {

using namespace syx;
using namespace syx::session;
using syx::test::SessionHarness;
using syx::test::UserSteps;

constexpr const char* kSuite = "Shipped/ManifestSimulation"; // INSTANTIATE prefix + fixture

std::filesystem::path manifest_dir() {
    return syx::test::source_dir() / "firmware-manifests";
}

// As the CLI and GUI load them: the shipped folder through the catalogue.
const CatalogueLoad& shipped() {
    static const CatalogueLoad load = load_catalogue({manifest_dir()}, {});
    return load;
}

std::vector<std::string> shipped_ids() {
    return shipped().catalogue.ids();
}

// "moog-little-phatty" → "moog_little_phatty" (GoogleTest names are C identifiers).
std::string test_name_for(const std::string& id) {
    std::string out = id;
    for (auto& c : out) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
            c = '_';
        }
    }
    return out;
}

bool offers(const Question& q, const std::string& choice) {
    return std::any_of(q.choices.begin(), q.choices.end(),
                       [&](const Choice& c) { return c.id == choice; });
}

// A user at the panel during a manual dump, reading the question: presses the panel controls the
// steps name, in order ("press EDIT, then … MEM. DUMP … ENTER"). Where the steps only say "from
// the front panel" and leave the control to the device's manual (K-Station, Jomox: the real
// controls are not known, DEVICES.md), the user takes the panel's dump control — the emulated
// panel is that manual here [M]. Then waits; when the device's dumps are open-ended (the question
// offers Done) the user says done once something arrived.
UserSteps panel_user() {
    UserSteps u;
    u.manual_dump = [](const Question& q, SessionHarness& h,
                       std::size_t call) -> std::optional<Event> {
        if (call == 0) {
            std::size_t pressed = 0;
            for (const auto& label : q.buttons) {
                if (auto id = h.button_for_label(label)) {
                    h.press(*id);
                    h.user_actions.push_back("press " + *id);
                    h.wait_for(std::chrono::milliseconds{300});
                    ++pressed;
                }
            }
            if (pressed == 0) {
                for (const auto& b : h.device().buttons()) {
                    if (SessionHarness::lower(b.label).find("dump") != std::string::npos) {
                        h.press(b.id);
                        h.user_actions.push_back("press " + b.id);
                        ++pressed;
                        break;
                    }
                }
            }
            if (pressed == 0) {
                ADD_FAILURE() << "the backup steps name no control of the emulated panel and it "
                                 "has no dump control";
                return Event::user_answered(q.id, "cancel");
            }
            return std::nullopt;
        }
        if (offers(q, "done") && !h.device_sent.empty()) {
            return Event::user_answered(q.id, "done");
        }
        return std::nullopt;
    };
    return u;
}

// The firmware file to flash: a release the manifest knows, when its file is among the public
// fixtures (found by SHA-256, so a new manifest's release is found too); otherwise the firmware
// the emulator generates for the device, one version up from what it runs.
struct FirmwareChoice {
    std::shared_ptr<const SysexFile> file;
    bool known_release = false;
    std::string what;
};

FirmwareChoice firmware_for(const Manifest& m, const emu::DeviceModelSpec& spec) {
    if (!m.firmware.releases.empty()) {
        if (const auto dir = syx::test::fixtures_dir()) {
            for (const auto& entry : std::filesystem::directory_iterator(*dir)) {
                const auto ext = entry.path().extension();
                if (!entry.is_regular_file() || (ext != ".syx" && ext != ".mid")) {
                    continue;
                }
                auto file = read_sysex_file(entry.path());
                if (!file) {
                    continue;
                }
                if (const auto* release = m.firmware.find_release(file->sha256)) {
                    return {std::make_shared<const SysexFile>(std::move(*file)), true,
                            "release " + release->version + " (" +
                                entry.path().filename().string() + ")"};
                }
            }
        }
    }
    // The third byte: every model shows it (the Octatrack's "1.40" shows three of the four).
    auto version = spec.firmware_version;
    version[2] = static_cast<std::uint8_t>((version[2] + 1) & 0x7F);
    auto messages = emu::make_test_firmware(m.id, version);
    if (messages.empty()) {
        // A grammar-described loader: a file its own grammar encodes (issue 15).
        messages = emu::make_grammar_test_firmware(m, version[2]);
    }
    if (messages.empty()) {
        return {};
    }
    return {test::syx_file(messages), false,
            "emulator-generated firmware (" + std::to_string(messages.size()) + " messages)"};
}

// Some well-formed SysEx addressed to the device (its manufacturer ID), for the refusal case: the
// refusal must come from the manifest, not from the file.
std::shared_ptr<const SysexFile> some_sysex_for(const Manifest& m) {
    Bytes message{0xF0};
    message.insert(message.end(), m.identity.manufacturer_id.begin(),
                   m.identity.manufacturer_id.end());
    message.insert(message.end(), {0x01, 0x02, 0x03, 0xF7});
    return test::syx_file({message});
}

class ManifestSimulation : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        const auto* entry = shipped().catalogue.find(GetParam());
        ASSERT_NE(entry, nullptr);
        m_manifest = &entry->manifest;
        auto model = emu::make_device_model(*m_manifest);
        if (!model.ok() && m_manifest->pacing.user_supplied) {
            // The manifest for devices syxflash knows nothing about ("generic": the user
            // supplies the pacing) describes no instrument, so there is nothing to emulate; the
            // emulator says so on purpose (manifest_device_model_test GenericManifestHasNoModel).
            // Its sessions cannot be simulated: reported, not hidden.
            GTEST_SKIP() << m_manifest->id << " describes no particular device (user-supplied "
                         << "pacing) and has no emulator: " << model.error().message;
        }
        ASSERT_TRUE(model.ok()) << m_manifest->id << ": no emulator can be built from "
                                << entry->file << ": " << model.error().message;
        m_device = std::move(*model);
    }

    const Manifest* m_manifest = nullptr;
    std::unique_ptr<emu::DeviceModel> m_device;
};

TEST_P(ManifestSimulation, BackupCompletesByTheManifestsOwnRule) {
    const auto& m = *m_manifest;
    SessionHarness h(*m_device);
    BackupSession s(m);
    const auto outcome = h.run(s, panel_user());
    if (m.backup.kind == BackupKind::none) {
        EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
        EXPECT_TRUE(s.result().backup_not_available);
        EXPECT_TRUE(h.messages_in.empty()) << "a device with no backup procedure got messages";
        EXPECT_TRUE(s.result().messages.empty());
        EXPECT_NE(outcome.message.find(m.backup.reason), std::string::npos) << outcome.message;
        return;
    }
    ASSERT_EQ(outcome.kind, OutcomeKind::success) << m.id << ": " << outcome.message;
    ASSERT_FALSE(s.result().messages.empty());
    EXPECT_TRUE(s.result().verdict.complete) << s.result().verdict.missing;
    // The kept messages, judged afresh by the manifest's rule (as a --backup file would be).
    std::vector<std::span<const std::uint8_t>> views(s.result().messages.begin(),
                                                     s.result().messages.end());
    const auto verdict = check_completeness(m.backup, views);
    EXPECT_TRUE(verdict.complete) << verdict.summary << "; " << verdict.missing;
    EXPECT_EQ(verdict.unexpected, 0U);
    EXPECT_EQ(verdict.duplicates, 0U);
    // Byte-identical to what the device sent, in order.
    auto from = h.device_sent.begin();
    for (const auto& kept : s.result().messages) {
        from = std::find(from, h.device_sent.end(), kept);
        ASSERT_NE(from, h.device_sent.end()) << "a kept message the device never sent";
        ++from;
    }
    std::cout << "[ backup ] " << m.id << ": " << s.result().messages.size() << " message(s), "
              << verdict.summary << "\n";
}

TEST_P(ManifestSimulation, UpdateEndsVerifiedOrIsRefusedForTheManifestsReason) {
    const auto& m = *m_manifest;
    const Link link = m_device->spec().link;
    const std::string version_before = m_device->firmware_version_text();
    SessionHarness h(*m_device);
    UpdateOptions o;
    o.link = link;
    if (m.backup.kind != BackupKind::none) {
        o.backup = BackupGate{BackupGateKind::given_file, "backup from the simulation"};
    }

    if (!m.firmware.supported) {
        UpdateSession s(m, some_sysex_for(m), o);
        const auto outcome = h.run(s, UserSteps{});
        EXPECT_EQ(outcome.kind, OutcomeKind::refused) << outcome.message;
        EXPECT_EQ(h.bytes_written, 0U);
        EXPECT_TRUE(h.messages_in.empty());
        EXPECT_TRUE(h.questions.empty());
        EXPECT_FALSE(outcome.device_touched);
        ASSERT_FALSE(m.firmware.unsupported_reason.empty());
        EXPECT_NE(outcome.message.find(m.firmware.unsupported_reason), std::string::npos)
            << outcome.message;
        EXPECT_EQ(m_device->firmware_version_text(), version_before);
        std::cout << "[ update ] " << m.id << " refused, nothing sent: " << outcome.message << "\n";
        return;
    }

    const auto fw = firmware_for(m, m_device->spec());
    ASSERT_TRUE(fw.file) << m.id << ": no firmware file the emulator accepts";
    o.unknown_release =
        fw.known_release ? UnknownReleasePolicy::refuse : UnknownReleasePolicy::allow;
    UpdateSession s(m, fw.file, o);
    const auto outcome = h.run(s, UserSteps{});
    ASSERT_EQ(outcome.kind, OutcomeKind::success)
        << m.id << " with " << fw.what << ": " << outcome.message;
    EXPECT_EQ(outcome.messages_sent, fw.file->messages.size());

    // Every message of the file reached the device, byte-identical and in order.
    std::vector<Bytes> file_messages;
    for (std::size_t i = 0; i < fw.file->messages.size(); ++i) {
        const auto b = fw.file->bytes_of(i);
        file_messages.emplace_back(b.begin(), b.end());
    }
    const auto at = std::search(h.messages_in.begin(), h.messages_in.end(), file_messages.begin(),
                                file_messages.end());
    EXPECT_NE(at, h.messages_in.end()) << "the file's messages did not arrive as sent";

    // Silence at the device's input between one F7 and the next F0.
    const auto* pacing = m.pacing.for_link(link);
    ASSERT_NE(pacing, nullptr) << m.id << " has no pacing for " << to_string(link);
    const auto min_gap = std::chrono::duration_cast<SessionTime>(pacing->rules.gap_after_message);
    ASSERT_EQ(h.arrivals.size(), h.messages_in.size());
    SessionTime smallest = SessionTime::max();
    for (std::size_t i = 1; i < h.arrivals.size(); ++i) {
        const auto gap = h.arrivals[i].first - h.arrivals[i - 1].second;
        smallest = std::min(smallest, gap);
        EXPECT_GE(gap, min_gap) << m.id << ": message " << i << " of " << h.arrivals.size();
    }

    const std::string version_after = m_device->firmware_version_text();
    EXPECT_FALSE(version_after.empty());
    EXPECT_NE(version_after, version_before);
    // Whatever the device shows now is not one of its error displays. (Not necessarily "normal":
    // the Prophet-600 loader stays on its success display "S" [C: DEVICES.md].)
    EXPECT_NE(m_device->mode(), "error") << m_device->display_text();
    if (const auto* shown = m.find_display(m_device->display_text())) {
        EXPECT_NE(shown->outcome, DisplayOutcome::error) << shown->text << ": " << shown->meaning;
    }
    std::cout << "[ update ] " << m.id << " over " << to_string(link) << " with " << fw.what << ": "
              << version_before << " -> " << version_after << ", " << h.messages_in.size()
              << " messages at the device, smallest gap "
              << std::chrono::duration_cast<std::chrono::microseconds>(smallest).count()
              << " us (minimum " << pacing->rules.gap_after_message.count() << " ms)\n";
}

INSTANTIATE_TEST_SUITE_P(Shipped, ManifestSimulation, ::testing::ValuesIn(shipped_ids()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return test_name_for(param_info.param);
                         });

// The parameters above come from the catalogue; this lists the folder itself, so a manifest the
// catalogue left out (a problem, a duplicate) or a parameter list that stopped following the
// folder shows up here as a missing simulation.
TEST(ManifestSimulationCoverage, EveryManifestInTheFolderHasItsSimulations) {
    for (const auto& p : shipped().problems) {
        ADD_FAILURE() << p.to_string();
    }
    std::set<std::string> stems;
    for (const auto& entry : std::filesystem::directory_iterator(manifest_dir())) {
        if (entry.path().extension() == ".toml") {
            stems.insert(entry.path().stem().string());
        }
    }
    ASSERT_FALSE(stems.empty());

    // What GoogleTest registered for the parameterised suite: "<Test>/<param name>".
    std::set<std::string> registered;
    const auto* unit = ::testing::UnitTest::GetInstance();
    for (int i = 0; i < unit->total_test_suite_count(); ++i) {
        const auto* suite = unit->GetTestSuite(i);
        if (std::string(suite->name()) != kSuite) {
            continue;
        }
        for (int j = 0; j < suite->total_test_count(); ++j) {
            registered.insert(suite->GetTestInfo(j)->name());
        }
    }
    for (const auto& stem : stems) {
        for (const char* test : {"BackupCompletesByTheManifestsOwnRule",
                                 "UpdateEndsVerifiedOrIsRefusedForTheManifestsReason"}) {
            const auto name = std::string(test) + "/" + test_name_for(stem);
            EXPECT_EQ(registered.count(name), 1U) << stem << ".toml has no " << name;
        }
    }
    EXPECT_EQ(registered.size(), 2 * stems.size()) << "simulations for manifests not in the folder";
}

} // namespace
