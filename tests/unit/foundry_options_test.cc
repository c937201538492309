#include "runtimes/foundry/options.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace inferfoundry::foundry {
namespace {

RuntimeOptions with_option(const std::string& key, const std::string& value) {
  RuntimeOptions options;
  options.extra[key] = value;
  return options;
}

ErrorKind kind_of_failure(const RuntimeOptions& options, bool fixed_fp16 = false) {
  try {
    parse_foundry_options(options, fixed_fp16);
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::kInternal;  // stands for "no error": no test expects an internal error
}

TEST(FoundryOptions, DefaultsWithoutOptions) {
  const FoundryOptions options = parse_foundry_options(RuntimeOptions{}, false);
  EXPECT_EQ(options.precision, Precision::kFp32);
  EXPECT_EQ(options.layout, ActivationLayout::kNhwc);
  EXPECT_FALSE(options.tf32);
  EXPECT_EQ(options.depthwise, DepthwiseKernel::kAuto);
  EXPECT_DOUBLE_EQ(options.kernel_reuse_tolerance, kDefaultKernelReuseTolerance);
  EXPECT_FALSE(options.profile);
  EXPECT_EQ(options.profile_iterations, 50);
  EXPECT_TRUE(options.save_plan.empty());
}

TEST(FoundryOptions, FixedFp16TurnsTheDefaultIntoFp16) {
  EXPECT_EQ(parse_foundry_options(RuntimeOptions{}, true).precision, Precision::kFp16);
  RuntimeOptions fp16;
  fp16.precision = Precision::kFp16;
  EXPECT_EQ(parse_foundry_options(fp16, false).precision, Precision::kFp16);
}

TEST(FoundryOptions, PrecisionsFoundryCannotBuildAreUsageErrors) {
  for (Precision precision : {Precision::kInt8, Precision::kBf16}) {
    RuntimeOptions options;
    options.precision = precision;
    EXPECT_EQ(kind_of_failure(options), ErrorKind::kUsage) << precision_name(precision);
    EXPECT_EQ(kind_of_failure(options, true), ErrorKind::kUsage) << precision_name(precision);
  }
}

TEST(FoundryOptions, ParsesEachKey) {
  EXPECT_EQ(parse_foundry_options(with_option("layout", "nchw"), false).layout, ActivationLayout::kNchw);
  EXPECT_TRUE(parse_foundry_options(with_option("tf32", "on"), false).tf32);
  EXPECT_EQ(parse_foundry_options(with_option("depthwise", "foundry"), false).depthwise, DepthwiseKernel::kFoundry);
  EXPECT_DOUBLE_EQ(parse_foundry_options(with_option("kernel-reuse", "0"), false).kernel_reuse_tolerance, 0.0);
  EXPECT_DOUBLE_EQ(parse_foundry_options(with_option("kernel-reuse", "1"), false).kernel_reuse_tolerance, 1.0);
  EXPECT_TRUE(parse_foundry_options(with_option("profile", "1"), false).profile);
  EXPECT_EQ(parse_foundry_options(with_option("profile-iterations", "7"), false).profile_iterations, 7);
  EXPECT_EQ(parse_foundry_options(with_option("save-plan", "a/p.plan"), false).save_plan, "a/p.plan");
  EXPECT_EQ(parse_foundry_options(with_option("load-plan", "p.plan"), false).load_plan, "p.plan");
}

TEST(FoundryOptions, BadValuesAreUsageErrors) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"layout", "nhcw"},       {"tf32", "maybe"},           {"depthwise", "cudnn"},       {"kernel-reuse", ""},
      {"kernel-reuse", "-0.1"}, {"kernel-reuse", "1.5"},     {"kernel-reuse", "5%"},       {"kernel-reuse", "nan"},
      {"kernel-reuse", "inf"},  {"profile-iterations", "0"}, {"profile-iterations", "ten"}};
  for (const auto& [key, value] : bad) {
    EXPECT_EQ(kind_of_failure(with_option(key, value)), ErrorKind::kUsage) << key << "=" << value;
  }
}

TEST(FoundryOptions, UnknownKeyListsTheValidOnes) {
  try {
    parse_foundry_options(with_option("tf33", "1"), false);
    FAIL() << "an unknown key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    const std::string message = e.what();
    EXPECT_NE(message.find("'tf33'"), std::string::npos) << message;
    for (std::string_view key : foundry_option_keys()) EXPECT_NE(message.find(key), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace inferfoundry::foundry
