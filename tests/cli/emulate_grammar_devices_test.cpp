// `emulate` serves the grammar-described loaders (issue 15) too: it loads the manifests before it
// lists or builds a device.
#include <string>

#include "support/test_support.hpp"
#include <gtest/gtest.h>

namespace syx {
namespace {

TEST(CliEmulateGrammarDevices, ListIncludesTheManifestDescribedLoaders) {
    const auto r = test::run_cli({"emulate", "--list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("gligli-prophet-600"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mutable-shruthi-1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("novation-launchpad-x"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("midibox-mios8"), std::string::npos) << r.out;
}

} // namespace
} // namespace syx
