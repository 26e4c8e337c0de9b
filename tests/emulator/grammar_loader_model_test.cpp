// The grammar-driven loader emulator (emulator/grammar_loader_model): built from the shipped
// manifests, it takes the files the manifests' grammars encode, and on a damaged block does what
// each manifest says the real loader does — Mutable Instruments AVR loaders skip the page
// silently (pichenettes/shruthi-1 bootloader/bootloader.cc: not written, page pointer stays),
// the Yarns shows "Er", MIOS8 answers F0 00 00 7E 40 <dev> 0E 03 F7
// (midibox/mios8 doc/mios/mios_sysex_implementation.txt), the Launchpad X refuses an image whose
// CRC-32 does not match its header.
#include <chrono>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "core/catalogue.hpp"
#include "emulator/grammar_loader_model.hpp"
#include "emulator/manifest_device_model.hpp"

namespace {

using namespace syx;
using namespace syx::emu;
using namespace std::chrono_literals;

const Manifest& manifest(const std::string& id) {
    static const auto load = load_catalogue({syx::test::source_dir() / "firmware-manifests"}, {});
    const auto* entry = load.catalogue.find(id);
    if (entry == nullptr) {
        throw std::runtime_error("no manifest " + id);
    }
    return entry->manifest;
}

struct Run {
    std::unique_ptr<DeviceModel> device;
    std::vector<Bytes> replies;
    Time now{0};
};

// Starts the loader (all its entry buttons held) and sends `messages` 300 ms apart.
Run send(const std::string& id, const std::vector<Bytes>& messages) {
    Run r;
    auto model = make_device_model(manifest(id));
    EXPECT_TRUE(model.ok());
    r.device = std::move(*model);
    std::vector<std::string> held;
    for (const auto& b : r.device->buttons()) {
        held.push_back(b.id);
    }
    r.now = 1s;
    for (auto& o : r.device->power_cycle(held, r.now)) {
        r.replies.push_back(o.bytes);
    }
    for (const auto& m : messages) {
        r.now += 300ms;
        for (auto& o : r.device->on_message(m, r.now)) {
            r.replies.push_back(o.bytes);
        }
    }
    r.now += 5s;
    for (auto& o : r.device->advance(r.now)) {
        r.replies.push_back(o.bytes);
    }
    return r;
}

TEST(GrammarLoaderModel, WellFormedFilesFlashOnEveryNewDevice) {
    for (const char* id :
         {"mutable-shruthi-1", "mutable-midipal", "mutable-ambika", "mutable-anushri",
          "mutable-yarns", "novation-launchpad-pro", "novation-launchpad-mk2",
          "novation-launchpad-x", "novation-launchpad-mini-mk3", "novation-launchpad-pro-mk3",
          "midibox-mios8", "lpzw-tram8"}) {
        const auto r = send(id, make_grammar_test_firmware(manifest(id), 2));
        EXPECT_NE(r.device->mode(), "error") << id << ": " << r.device->display_text();
        EXPECT_NE(r.device->firmware_version_text(), "factory") << id;
        EXPECT_FALSE(r.device->firmware_version_text().empty()) << id;
    }
}

TEST(GrammarLoaderModel, MutableSkipsADamagedPageSilently) {
    auto fw = make_grammar_test_firmware(manifest("mutable-shruthi-1"), 2);
    fw[1][20] ^= 0x01;
    const auto r = send("mutable-shruthi-1", fw);
    EXPECT_TRUE(r.replies.empty());
    EXPECT_EQ(r.device->mode(), "normal"); // it reboots as if nothing happened
    const auto* model = dynamic_cast<const GrammarLoaderModel*>(r.device.get());
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->blocks_skipped(), 1U);
    EXPECT_EQ(model->blocks_written(), 2U);
    EXPECT_NE(r.device->firmware_version_text().find("damaged"), std::string::npos);
}

TEST(GrammarLoaderModel, YarnsShowsErOnADamagedPageOrAForeignMessage) {
    auto fw = make_grammar_test_firmware(manifest("mutable-yarns"), 2);
    auto bad = fw;
    bad[0][100] ^= 0x01;
    auto r = send("mutable-yarns", bad);
    EXPECT_EQ(r.device->display_text(), "Er");
    EXPECT_EQ(r.device->mode(), "error");

    auto foreign = fw;
    foreign.insert(foreign.begin() + 1, Bytes{0xF0, 0x00, 0x20, 0x29, 0x00, 0x01, 0xF7});
    r = send("mutable-yarns", foreign);
    EXPECT_EQ(r.device->display_text(), "Er");
}

TEST(GrammarLoaderModel, Mios8AnswersEveryBlockAndChecksumErrorsWith0E03) {
    auto fw = make_grammar_test_firmware(manifest("midibox-mios8"), 2);
    auto r = send("midibox-mios8", fw);
    // Upload request at power-up, then one 0F <checksum> per block.
    ASSERT_EQ(r.replies.size(), 4U);
    EXPECT_EQ(r.replies[0], (Bytes{0xF0, 0x00, 0x00, 0x7E, 0x40, 0x00, 0x01, 0xF7}));
    EXPECT_EQ(r.replies[1][6], 0x0F);
    EXPECT_EQ(r.replies[1][7], fw[0][fw[0].size() - 2]);

    fw[1][30] ^= 0x01;
    r = send("midibox-mios8", fw);
    ASSERT_EQ(r.replies.size(), 4U);
    EXPECT_EQ(r.replies[2], (Bytes{0xF0, 0x00, 0x00, 0x7E, 0x40, 0x00, 0x0E, 0x03, 0xF7}));
}

TEST(GrammarLoaderModel, LaunchpadXRefusesAnImageWhoseCrcDoesNotMatch) {
    auto fw = make_grammar_test_firmware(manifest("novation-launchpad-x"), 2);
    fw[2][10] ^= 0x01;
    const auto r = send("novation-launchpad-x", fw);
    EXPECT_EQ(r.device->mode(), "error");
    EXPECT_EQ(r.device->firmware_version_text(), "factory");
}

TEST(GrammarLoaderModel, WithoutItsButtonsTheLoaderDoesNotStart) {
    auto model = make_device_model(manifest("mutable-shruthi-1"));
    ASSERT_TRUE(model.ok());
    auto& d = **model;
    (void)d.power_cycle({}, 1s);
    for (const auto& m : make_grammar_test_firmware(manifest("mutable-shruthi-1"), 2)) {
        (void)d.on_message(m, 2s);
    }
    EXPECT_EQ(d.firmware_version_text(), "factory");
    EXPECT_EQ(d.mode(), "normal");
}

} // namespace
