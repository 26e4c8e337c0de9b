#include <gtest/gtest.h>

#include "emulator/fault_spec.hpp"

namespace syx::emu {
namespace {

TEST(FaultSpec, ParsesEveryDocumentedForm) {
    auto unplug = parse_fault_spec("unplug-at=50%");
    ASSERT_TRUE(unplug.ok());
    EXPECT_EQ(unplug->kind, FaultKind::unplug_at);
    EXPECT_TRUE(unplug->is_percent);
    EXPECT_DOUBLE_EQ(unplug->percent, 50.0);
    EXPECT_FALSE(unplug->reappear_as_bootloader);

    auto reappear = parse_fault_spec("unplug-at=12.5%,reappear-as=bootloader");
    ASSERT_TRUE(reappear.ok());
    EXPECT_DOUBLE_EQ(reappear->percent, 12.5);
    EXPECT_TRUE(reappear->reappear_as_bootloader);

    auto bytes = parse_fault_spec("power-loss-at=4096");
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->kind, FaultKind::power_loss_at);
    EXPECT_FALSE(bytes->is_percent);
    EXPECT_EQ(bytes->bytes, 4096U);

    EXPECT_EQ(parse_fault_spec("drop-above-rate=1000")->number, 1000U);
    EXPECT_EQ(parse_fault_spec("corrupt-message=3")->number, 3U);
    EXPECT_EQ(parse_fault_spec("nak-message=7")->number, 7U);
    EXPECT_EQ(parse_fault_spec("slow-reply=500")->delay, std::chrono::milliseconds{500});
    EXPECT_EQ(parse_fault_spec("no-reply")->kind, FaultKind::no_reply);
    EXPECT_EQ(parse_fault_spec("wrong-device")->kind, FaultKind::wrong_device);
}

TEST(FaultSpec, RejectsBadSpecsWithAMessageNamingThem) {
    for (const char* bad :
         {"", "unplug", "unplug-at", "unplug-at=", "unplug-at=0%", "unplug-at=101%",
          "unplug-at=-5%", "unplug-at=abc", "unplug-at=50%,reappear-as=app", "no-reply=1",
          "corrupt-message=0", "nak-message=x", "slow-reply=-1", "drop-above-rate=0",
          "power-loss-at=50%,reappear-as=bootloader", "wrong-device=yes", "melt-down"}) {
        const auto spec = parse_fault_spec(bad);
        EXPECT_FALSE(spec.ok()) << bad;
        if (!spec.ok()) {
            EXPECT_EQ(spec.error().code, ErrorCode::usage);
            EXPECT_NE(spec.error().message.find(std::string("'") + bad + "'"), std::string::npos)
                << spec.error().message;
        }
    }
}

TEST(FaultSpec, CanonicalTextParsesBackToTheSameSpec) {
    for (const char* text : {"unplug-at=50%", "unplug-at=33.5%,reappear-as=bootloader",
                             "power-loss-at=100", "drop-above-rate=3125", "corrupt-message=2",
                             "no-reply", "nak-message=9", "slow-reply=0", "wrong-device"}) {
        const auto spec = parse_fault_spec(text);
        ASSERT_TRUE(spec.ok()) << text;
        EXPECT_EQ(to_string(*spec), text);
    }
}

TEST(FaultSpec, ParseManyReportsTheFirstBadOne) {
    const auto ok = parse_fault_specs({"no-reply", "slow-reply=10"});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->size(), 2U);
    const auto bad = parse_fault_specs({"no-reply", "slow-reply=soon"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("slow-reply=soon"), std::string::npos);
}

} // namespace
} // namespace syx::emu
