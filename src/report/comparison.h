#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bench/result.h"

namespace inferfoundry {

// One line of the comparison table. The baseline is the first runtime listed; a speed-up is claimed
// only when both it and the baseline ran and passed the output check.
struct ComparisonRow {
  const RuntimeResult* result = nullptr;
  bool is_baseline = false;
  std::optional<double> speedup;  // baseline median / this median
  std::string note;               // why there is no speed-up, or the unavailable/failed reason
};

// Rows fastest first; runtimes that did not run go last, in the order listed.
std::vector<ComparisonRow> comparison_rows(const BenchmarkReport& report);

// The string at object[key]; `fallback` when the key is absent, `object` is not an object or the value is
// not a string. The environment and config blocks of a results file are free-form: an unexpected type
// there must not stop a report.
std::string text_field(const nlohmann::json& object, const char* key, const std::string& fallback);

// Short description of the model inputs used ("image 1x3x32x32"), from the config block.
std::string describe_inputs(const BenchmarkReport& report);

}  // namespace inferfoundry
