#include "report/comparison.h"

#include <algorithm>

namespace inferfoundry {

std::vector<ComparisonRow> comparison_rows(const BenchmarkReport& report) {
  std::vector<ComparisonRow> rows;
  if (report.results.empty()) return rows;
  const RuntimeResult& baseline = report.results.front();
  for (const auto& result : report.results) {
    ComparisonRow row;
    row.result = &result;
    row.is_baseline = &result == &baseline;
    if (result.status != RunStatus::kOk) {
      row.note = result.error;
    } else if (!result.comparable()) {
      row.note = "outputs differ from " + result.accuracy->reference + ": latency not comparable";
    } else if (!baseline.comparable()) {
      row.note = "baseline did not run cleanly";
    } else if (result.latency.median > 0) {
      row.speedup = baseline.latency.median / result.latency.median;
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const ComparisonRow& a, const ComparisonRow& b) {
    const bool a_ok = a.result->status == RunStatus::kOk, b_ok = b.result->status == RunStatus::kOk;
    if (a_ok != b_ok) return a_ok;
    if (!a_ok) return false;
    return a.result->latency.median < b.result->latency.median;
  });
  return rows;
}

std::string text_field(const nlohmann::json& object, const char* key, const std::string& fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string describe_inputs(const BenchmarkReport& report) {
  std::string text;
  if (!report.config.contains("inputs") || !report.config["inputs"].is_array()) return text;
  for (const auto& input : report.config["inputs"]) {
    if (!text.empty()) text += ", ";
    text +=
        text_field(input, "name", "?") + " " + text_field(input, "shape", "?") + " " + text_field(input, "dtype", "");
  }
  return text;
}

}  // namespace inferfoundry
