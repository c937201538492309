#pragma once
// Where plans come from and go: a --load-plan file, the cache, or a fresh build; and where they are saved.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/model.h"
#include "runtimes/foundry/options.h"
#include "runtimes/foundry/plan/plan_format.h"
#include "runtimes/runtime.h"

namespace inferfoundry::foundry {

inline constexpr const char* kFoundryVersion = "0.1.0";

// Everything a plan depends on. Two plans are interchangeable only when their fingerprints are equal.
nlohmann::json plan_fingerprint(const Model& model, const FoundryOptions& options,
                                const std::map<std::string, Shape>& shapes, const std::string& gpu,
                                const std::string& compute_capability, const std::string& library_versions);
std::string cache_key(const nlohmann::json& fingerprint);

// A plan read from a file or the cache. `plan` is empty when there was none, or it was damaged or stale
// (built for something else); then `warning` says why and the caller rebuilds and shows it.
struct PlanRead {
  std::optional<PlanFile> plan;
  std::string warning;
  double bytes_ms = 0;  // reading the bytes and checking their checksum
  double parse_ms = 0;  // decoding header, graph and weights
};
PlanRead read_plan_file(const std::filesystem::path& path, const nlohmann::json& fingerprint);
PlanRead read_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint);
void write_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint,
                       const std::string& bytes);

// Differences between two fingerprints, "precision: fp16 vs fp32; gpu: ...", for stale-plan warnings.
std::string fingerprint_difference(const nlohmann::json& have, const nlohmann::json& want);

}  // namespace inferfoundry::foundry
