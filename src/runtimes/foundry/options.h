#pragma once
// foundry's options, parsed once from RuntimeOptions (--precision and --option KEY=VALUE) into one typed
// struct; the plan fingerprint, the build and the engine options are all derived from it.
#include <filesystem>
#include <vector>

#include "core/precision.h"
#include "runtimes/runtime.h"

namespace inferfoundry::foundry {

enum class ActivationLayout { kNhwc, kNchw };
enum class DepthwiseKernel {
  kAuto,     // time foundry's own depthwise kernel against the library's and keep the faster
  kFoundry,  // always foundry's own, without timing the others
};

inline constexpr double kDefaultKernelReuseTolerance = 0.05;

struct FoundryOptions {
  Precision precision = Precision::kFp32;
  ActivationLayout layout = ActivationLayout::kNhwc;
  bool tf32 = false;
  DepthwiseKernel depthwise = DepthwiseKernel::kAuto;
  // Each layer may run up to this fraction slower than its fastest candidate so that the plan launches fewer
  // distinct kernels (plan/kernel_choice.h); 0 keeps every layer's fastest.
  double kernel_reuse_tolerance = kDefaultKernelReuseTolerance;
  bool profile = false;  // time every fused layer after the build
  int profile_iterations = 50;
  bool progress = false;  // print a line per heavy layer while choosing kernels (also when stderr is a terminal)
  std::filesystem::path save_plan;
  std::filesystem::path load_plan;
};

// The --option keys foundry accepts, in the order `runtimes` and errors list them.
const std::vector<std::string_view>& foundry_option_keys();

// Parses and checks every option; `fixed_fp16` (the foundry-fp16 runtime) turns the default fp32 into fp16.
// Unknown keys and bad values are Error(kUsage) naming the option.
FoundryOptions parse_foundry_options(const RuntimeOptions& options, bool fixed_fp16);

std::string_view layout_name(ActivationLayout layout);
std::string_view depthwise_name(DepthwiseKernel depthwise);

}  // namespace inferfoundry::foundry
