#include <gtest/gtest.h>

#include "core/finding.hpp"
#include "core/result.hpp"

namespace syx {
namespace {

Result<int> parse_positive(int value) {
    if (value <= 0) {
        return make_error(ErrorCode::invalid_data, "no reply within 1500 ms");
    }
    return value;
}

TEST(Result, CarriesValueOrErrorWithContext) {
    auto good = parse_positive(3);
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 3);

    auto bad = parse_positive(0);
    ASSERT_FALSE(bad.ok());
    const Error contextual = bad.error().with_context("message 37 of 412");
    EXPECT_EQ(contextual.message, "message 37 of 412: no reply within 1500 ms");
    EXPECT_EQ(contextual.code, ErrorCode::invalid_data);
    EXPECT_STREQ(to_string(contextual.code), "invalid-data");
}

TEST(Finding, ErrorsAreCountedBySeverity) {
    std::vector<Finding> findings{
        {Severity::warning, "realtime-in-message", 0, 12, "clock byte inside a message"},
        {Severity::info, "checksum-ok", 1, 40, "Roland checksum verified"},
    };
    EXPECT_FALSE(has_errors(findings));
    findings.push_back({Severity::error, "missing-f7", 2, 90, "file ends inside a message"});
    EXPECT_TRUE(has_errors(findings));
    EXPECT_EQ(count_severity(findings, Severity::warning), 1U);
    EXPECT_STREQ(to_string(Severity::error), "error");
}

} // namespace
} // namespace syx
