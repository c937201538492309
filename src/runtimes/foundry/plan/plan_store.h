#pragma once
// Where plans are read from and written to: a --load-plan file or the plan cache, under the key of their
// fingerprint (plan/fingerprint.h).
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtimes/foundry/plan/plan_format.h"

namespace inferfoundry::foundry {

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

}  // namespace inferfoundry::foundry
