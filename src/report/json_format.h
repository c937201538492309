#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include "bench/result.h"

namespace inferfoundry {

// The results file. Its top level keeps the shape users already parse:
//   {"model": "m.onnx", "results": [{"runtime": "onnx", "latency_ms": 13.2}, ...]}
// where latency_ms is the median; everything else is added beside those keys (docs/results-format.md).
nlohmann::json report_to_json(const BenchmarkReport& report);
// Accepts full InferFoundry files and the minimal shape above. Throws Error(kInput) naming what is wrong.
BenchmarkReport report_from_json(const nlohmann::json& json);

// Reads and parses a results file; malformed JSON or a foreign file is Error(kInput).
BenchmarkReport load_report(const std::filesystem::path& path);
// Writes atomically; Error(kOutput) when it cannot.
void save_report(const std::filesystem::path& path, const BenchmarkReport& report);

nlohmann::json summary_to_json(const Summary& summary);
Summary summary_from_json(const nlohmann::json& json);

}  // namespace inferfoundry
