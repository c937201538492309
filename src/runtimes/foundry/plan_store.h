#pragma once
// Where plans come from and go: a --load-plan file, the cache, or a fresh build; and where they are saved.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/model.h"
#include "runtimes/foundry/plan_format.h"
#include "runtimes/runtime.h"

namespace inferfoundry::foundry {

inline constexpr const char* kFoundryVersion = "0.1.0";

// Everything a plan depends on. Two plans are interchangeable only when their fingerprints are equal.
nlohmann::json plan_fingerprint(const Model& model, const RuntimeOptions& options, const std::string& gpu,
                                const std::string& compute_capability, const std::string& library_versions);
std::string cache_key(const nlohmann::json& fingerprint);

// Reads and checks a plan. Returns nullopt with `warning` set when it is damaged or stale (built for
// something else): the caller rebuilds and shows the warning.
std::optional<PlanFile> read_plan_file(const std::filesystem::path& path, const nlohmann::json& fingerprint, std::string& warning);
std::optional<PlanFile> read_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint, std::string& warning);
void write_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint, const std::string& bytes);

// Differences between two fingerprints, "precision: fp16 vs fp32; gpu: ...", for stale-plan warnings.
std::string fingerprint_difference(const nlohmann::json& have, const nlohmann::json& want);

}  // namespace inferfoundry::foundry
