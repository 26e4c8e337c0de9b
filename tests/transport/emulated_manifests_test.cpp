// The manifest-described emulated devices (grammar loaders, issue 15) live next to the emulated
// ports: the engine registers the loaded manifests, and the emulated API then lists and serves
// them. The emulator layer itself keeps no shared state (tests/layering_check.cmake).
#include <algorithm>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

#include "emulator/device_catalogue.hpp"
#include "transport/emulated_transport.hpp"

namespace syx::transport {
namespace {

bool listed(const std::vector<emu::EmulatedDeviceInfo>& list, const std::string& id) {
    return std::any_of(list.begin(), list.end(),
                       [&](const emu::EmulatedDeviceInfo& d) { return d.id == id; });
}

TEST(EmulatedManifests, RegisteredManifestsAreListedAndServedAndCanBeReplaced) {
    const std::vector<Manifest> manifests{test::shipped_manifest("mutable-shruthi-1"),
                                          test::shipped_manifest("generic"),
                                          test::shipped_manifest("moog-little-phatty")};
    // The emulator's catalogue is pure: it knows what it is given.
    const auto pure = emu::emulated_devices(manifests);
    EXPECT_TRUE(listed(pure, "mutable-shruthi-1"));
    EXPECT_FALSE(listed(pure, "generic")); // no loader panel
    EXPECT_EQ(std::count_if(pure.begin(), pure.end(),
                            [](const auto& d) { return d.id == "moog-little-phatty"; }),
              1); // a built-in model is not listed twice
    EXPECT_FALSE(listed(emu::emulated_devices(), "mutable-shruthi-1"));

    set_emulated_manifests(manifests);
    EXPECT_TRUE(listed(emulated_device_list(), "mutable-shruthi-1"));
    auto runner = make_emulated_device_runner("mutable-shruthi-1", {}, 1);
    ASSERT_TRUE(runner.ok()) << runner.error().message;
    EXPECT_FALSE((*runner)->buttons().empty());

    set_emulated_manifests({});
    EXPECT_FALSE(listed(emulated_device_list(), "mutable-shruthi-1"));
    const auto gone = make_emulated_device_runner("mutable-shruthi-1", {}, 1);
    ASSERT_FALSE(gone.ok());
    EXPECT_NE(gone.error().message.find("no emulator for 'mutable-shruthi-1'"), std::string::npos);
}

} // namespace
} // namespace syx::transport
