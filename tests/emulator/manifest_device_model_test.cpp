// Emulators built from the shipped manifests must agree with them: the identity reply matches
// the manifest's pattern, every automatic dump request gets the replies the manifest expects, the
// test firmware passes the manifest's firmware rules, and the display texts the models show are
// the manifest's display messages (so the GUI can explain them).
#include <filesystem>

#include "emulator_test_helpers.hpp"
#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/manifest_loader.hpp"
#include "emulator/device_catalogue.hpp"
#include "emulator/manifest_device_model.hpp"
#include "emulator/modelled_firmware.hpp"

namespace syx::emu {
namespace {

using namespace syx::emu::test;

Manifest load(const std::string& id) {
    const auto path = syx::test::source_dir() / "firmware-manifests" / (id + ".toml");
    auto loaded = load_manifest_file(path);
    EXPECT_TRUE(loaded.ok()) << path;
    return loaded.manifest.value_or(Manifest{});
}

std::unique_ptr<DeviceModel> build(const Manifest& manifest) {
    auto model = make_device_model(manifest);
    EXPECT_TRUE(model.ok()) << manifest.id;
    return model.ok() ? std::move(model).value() : make_device_model("moog-little-phatty");
}

TEST(ManifestDeviceModel, EveryEmulatedDeviceHasAManifestThatBuildsIt) {
    for (const auto& info : emulated_devices()) {
        const auto manifest = load(info.id);
        auto model = make_device_model(manifest);
        ASSERT_TRUE(model.ok()) << info.id << ": " << model.error().message;
        EXPECT_EQ((*model)->device_id(), info.id);
        EXPECT_EQ((*model)->spec().display_name, manifest.name);
        EXPECT_EQ((*model)->spec().link, manifest.transports.preferred_link()) << info.id;
    }
}

TEST(ManifestDeviceModel, GenericManifestHasNoModel) {
    const auto model = make_device_model(load("generic"));
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.error().code, ErrorCode::not_found);
}

TEST(ManifestDeviceModel, IdentityReplyMatchesTheManifestPattern) {
    for (const auto& info : emulated_devices()) {
        const auto manifest = load(info.id);
        auto model = build(manifest);
        const auto out = model->on_message(identity_request(), ms(0));
        if (manifest.identity.answers_identity && manifest.identity.reply_pattern) {
            ASSERT_EQ(out.size(), 1U) << info.id;
            EXPECT_TRUE(manifest.identity.reply_pattern->matches_exactly(out[0].bytes)) << info.id;
        } else {
            EXPECT_TRUE(out.empty()) << info.id;
        }
    }
}

TEST(ManifestDeviceModel, AutomaticBackupRequestsGetTheExpectedReplies) {
    std::size_t checked = 0;
    for (const auto& info : emulated_devices()) {
        const auto manifest = load(info.id);
        if (manifest.backup.kind != BackupKind::automatic) {
            continue;
        }
        auto model = build(manifest);
        Time t = ms(0);
        for (const auto& request : manifest.backup.requests) {
            const auto out = model->on_message(request.request, t);
            ASSERT_EQ(out.size(), request.reply_count) << info.id << ": " << request.description;
            for (const auto& reply : out) {
                EXPECT_TRUE(request.reply_prefix.matches_prefix(reply.bytes)) << info.id;
                EXPECT_GE(reply.bytes.size(), request.reply_min_bytes) << info.id;
                EXPECT_LE(reply.bytes.size(), request.reply_max_bytes) << info.id;
                EXPECT_LE(reply.at - t, Time{request.timeout}) << info.id << ": reply too late";
                EXPECT_TRUE(manifest.backup.classify(reply.bytes).has_value()) << info.id;
            }
            t += ms(20000);
            ++checked;
        }
    }
    EXPECT_GE(checked, 1U); // at least the Little Phatty's bank request
}

TEST(ManifestDeviceModel, TestFirmwarePassesTheManifestFirmwareRules) {
    for (const auto& info : emulated_devices()) {
        const auto manifest = load(info.id);
        const auto fw = make_test_firmware(info.id, {0x02, 0x00, 0x00, 0x00});
        if (fw.empty()) {
            continue;
        }
        const auto& rules = manifest.firmware;
        ASSERT_TRUE(rules.supported) << info.id;
        EXPECT_GE(fw.size(), rules.min_messages) << info.id;
        EXPECT_LE(fw.size(), rules.max_messages) << info.id;
        for (std::size_t i = 0; i < fw.size(); ++i) {
            const auto& m = fw[i];
            EXPECT_TRUE(std::any_of(rules.message_prefixes.begin(), rules.message_prefixes.end(),
                                    [&](const BytePattern& p) { return p.matches_prefix(m); }))
                << info.id << " message " << i;
            const bool is_final = rules.final_message && i + 1 == fw.size();
            if (!is_final) {
                EXPECT_GE(m.size(), rules.min_message_bytes) << info.id << " message " << i;
                EXPECT_LE(m.size(), rules.max_message_bytes) << info.id << " message " << i;
            }
        }
        if (rules.final_message) {
            EXPECT_TRUE(rules.final_message->matches_exactly(fw.back())) << info.id;
        }
    }
}

// Drives a model into a state and checks the manifest explains what its display shows.
void expect_explained(const Manifest& manifest, const DeviceModel& model) {
    EXPECT_NE(manifest.find_display(model.display_text()), nullptr)
        << manifest.id << " shows '" << model.display_text() << "' which its manifest lacks";
}

TEST(ManifestDeviceModel, LittlePhattyDisplayTextsAreTheManifestsMessages) {
    const auto manifest = load("moog-little-phatty");
    auto spec = *spec_from_manifest(manifest);
    spec.link = Link::din;
    auto lp = make_device_model(spec);
    const auto fw = make_test_firmware("moog-little-phatty", {0x02, 0x01, 0x00, 0x00});
    // RX FIRMWARE, RX STAGE 1, RX STAGE 2 while a paced transfer runs.
    Time t = ms(0);
    for (std::size_t i = 0; i < fw[0].size(); i += 300) {
        const auto n = std::min<std::size_t>(300, fw[0].size() - i);
        lp->on_message(std::span<const std::uint8_t>(fw[0]).subspan(i, n), t);
        t += ms(200); // 1500 B/s: under what the unit writing flash takes over DIN [M]
        if (lp->mode() == "receiving-firmware") {
            expect_explained(manifest, *lp);
        }
    }
    t += ms(3000);
    lp->advance(t); // the reset after the update is over
    ASSERT_EQ(lp->mode(), "normal");
    lp->on_message(fw[0], t); // a burst: Stage 1 Error Cycle Power
    expect_explained(manifest, *lp);
    lp->power_cycle({}, t + ms(1000)); // SEND FIRMWARE SX CODE ERROR 2
    expect_explained(manifest, *lp);
    const std::vector<std::string> master{"master"};
    lp->power_cycle(master, t + ms(2000)); // OS 2.x: MASTER skips the request; still damaged
    expect_explained(manifest, *lp);
    auto os3_spec = spec;
    os3_spec.firmware_version = {0x03, 0x00, 0x00, 0x00};
    auto os3 = make_device_model(os3_spec);
    os3->power_cycle(master, ms(0)); // Update Firmware? PRESET=Yes
    expect_explained(manifest, *os3);
    os3->press("preset", ms(1000)); // Please Send Firmware
    expect_explained(manifest, *os3);
    lp->on_message(std::span<const std::uint8_t>(fw[0]).first(100), t + ms(4000));
    lp->power_loss(t + ms(5000)); // SEND FIRMWARE SX
    expect_explained(manifest, *lp);

    auto booting = make_device_model(spec);
    booting->power_cycle({}, ms(0));
    booting->on_message(identity_request(), ms(100)); // SEND_FIRMWARE SX DATA ERROR 3
    expect_explained(manifest, *booting);
}

TEST(ManifestDeviceModel, OctatrackAndProphet600DisplayTextsAreTheManifestsMessages) {
    const auto ot_manifest = load("elektron-octatrack");
    auto ot = build(ot_manifest);
    const std::vector<std::string> func{"func"};
    ot->power_cycle(func, ms(0));
    ot->press("trig-3", ms(100));
    expect_explained(ot_manifest, *ot); // READY TO RECEIVE
    const auto ot_fw = make_test_firmware("elektron-octatrack", {0x01, 0x40, 0x00, 0x00});
    ot->on_message(ot_fw[0], ms(1000));
    expect_explained(ot_manifest, *ot); // PREPARING FLASH
    ot->on_message(ot_fw[1], ms(2000));
    expect_explained(ot_manifest, *ot); // UPDATING FLASH

    const auto p_manifest = load("gligli-prophet-600");
    auto p600 = build(p_manifest);
    const std::vector<std::string> tape{"to-tape", "from-tape"};
    p600->power_cycle(tape, ms(0));
    expect_explained(p_manifest, *p600); // U
    const auto p_fw = make_prophet600_test_firmware(3);
    send_with_gaps(*p600, p_fw, ms(1000), ms(300));
    expect_explained(p_manifest, *p600); // S
    send_with_gaps(*p600, p_fw, ms(10000), ms(10));
    expect_explained(p_manifest, *p600); // E
}

TEST(ManifestDeviceModel, MinimumGapComesFromTheManifest) {
    auto manifest = load("gligli-prophet-600");
    ASSERT_NE(manifest.pacing.din, std::nullopt);
    manifest.pacing.din->rules.gap_after_message = std::chrono::milliseconds{400};
    auto p600 = build(manifest);
    const std::vector<std::string> tape{"to-tape", "from-tape"};
    p600->power_cycle(tape, ms(0));
    send_with_gaps(*p600, make_prophet600_test_firmware(3), ms(1000), ms(300));
    EXPECT_EQ(p600->display_text(), "E"); // 300 ms is enough for the real device, not this one
}

} // namespace
} // namespace syx::emu
