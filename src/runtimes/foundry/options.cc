#include "runtimes/foundry/options.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/error.h"
#include "core/option_values.h"

namespace inferfoundry::foundry {
namespace {

std::string what(std::string_view key) { return fmt::format("runtime 'foundry': option {}", key); }

double parse_fraction(const std::string& text, std::string_view key) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || value < 0 || value > 1) {
    fail(ErrorKind::kUsage, "{}={} must be a fraction from 0 to 1 (0.05 allows 5% slower)", what(key), text);
  }
  return value;
}

int parse_positive_int(const std::string& text, std::string_view key) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 1 || value > 1'000'000) {
    fail(ErrorKind::kUsage, "{}={} must be a whole number from 1 to 1000000", what(key), text);
  }
  return static_cast<int>(value);
}

ActivationLayout parse_layout(const std::string& text) {
  if (text == "nhwc") return ActivationLayout::kNhwc;
  if (text == "nchw") return ActivationLayout::kNchw;
  fail(ErrorKind::kUsage, "{} must be nhwc or nchw, not '{}'", what("layout"), text);
}

DepthwiseKernel parse_depthwise(const std::string& text) {
  if (text == "auto") return DepthwiseKernel::kAuto;
  if (text == "foundry") return DepthwiseKernel::kFoundry;
  fail(ErrorKind::kUsage, "{} must be auto or foundry, not '{}'", what("depthwise"), text);
}

Precision plan_precision(Precision requested, bool fixed_fp16) {
  const Precision precision = fixed_fp16 && requested == Precision::kFp32 ? Precision::kFp16 : requested;
  if (precision != Precision::kFp32 && precision != Precision::kFp16) {
    fail(ErrorKind::kUsage, "runtime 'foundry' builds fp32 or fp16 plans; --precision {} is not supported",
         precision_name(precision));
  }
  return precision;
}

}  // namespace

const std::vector<std::string_view>& foundry_option_keys() {
  static const std::vector<std::string_view> keys = {"layout",       "tf32",      "depthwise",
                                                     "kernel-reuse", "profile",   "profile-iterations",
                                                     "progress",     "save-plan", "load-plan"};
  return keys;
}

FoundryOptions parse_foundry_options(const RuntimeOptions& options, bool fixed_fp16) {
  const auto& keys = foundry_option_keys();
  reject_unknown_options(options, "foundry", keys);
  FoundryOptions parsed;
  parsed.precision = plan_precision(options.precision, fixed_fp16);
  for (const auto& [key, value] : options.extra) {
    if (key == "layout")
      parsed.layout = parse_layout(value);
    else if (key == "tf32")
      parsed.tf32 = parse_bool_value(value, what(key));
    else if (key == "depthwise")
      parsed.depthwise = parse_depthwise(value);
    else if (key == "kernel-reuse")
      parsed.kernel_reuse_tolerance = parse_fraction(value, key);
    else if (key == "profile")
      parsed.profile = parse_bool_value(value, what(key));
    else if (key == "profile-iterations")
      parsed.profile_iterations = parse_positive_int(value, key);
    else if (key == "progress")
      parsed.progress = parse_bool_value(value, what(key));
    else if (key == "save-plan")
      parsed.save_plan = value;
    else if (key == "load-plan")
      parsed.load_plan = value;
  }
  return parsed;
}

std::string_view layout_name(ActivationLayout layout) { return layout == ActivationLayout::kNhwc ? "nhwc" : "nchw"; }
std::string_view depthwise_name(DepthwiseKernel depthwise) {
  return depthwise == DepthwiseKernel::kAuto ? "auto" : "foundry";
}

}  // namespace inferfoundry::foundry
