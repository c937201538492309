#pragma once
// A plan's fingerprint: everything the plan depends on. Two plans are interchangeable only when their
// fingerprints are equal; the plan cache files plans under a key made from it.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/precision.h"
#include "core/shape.h"
#include "model/model.h"

namespace inferfoundry::foundry {

inline constexpr const char* kFoundryVersion = "0.1.0";

// The build settings that change what a plan holds (runtime.cc takes them from FoundryOptions).
struct PlanSettings {
  Precision precision = Precision::kFp32;
  bool tf32 = false;
  std::string layout;     // "nhwc" or "nchw"
  std::string depthwise;  // "auto" or "foundry"
  double kernel_reuse_tolerance = 0;
};

// The GPU and the libraries a plan is built for.
struct PlanTarget {
  std::string gpu;
  std::string compute_capability;
  std::string library_versions;
};

nlohmann::json plan_fingerprint(const Model& model, const PlanSettings& settings,
                                const std::map<std::string, Shape>& shapes, const PlanTarget& target);
std::string cache_key(const nlohmann::json& fingerprint);

// Differences between two fingerprints, "precision: fp16 vs fp32; gpu: ...", for stale-plan warnings.
std::string fingerprint_difference(const nlohmann::json& have, const nlohmann::json& want);

}  // namespace inferfoundry::foundry
