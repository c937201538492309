#include <fmt/format.h>

#include "report/comparison.h"
#include "report/reporters.h"

namespace inferfoundry {
namespace {
// Keeps runtime names and errors from breaking the table.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}
}  // namespace

std::string render_markdown(const BenchmarkReport& report) {
  std::string out = fmt::format("### InferFoundry benchmark: `{}`\n\n", cell(report.model));
  const std::string inputs = describe_inputs(report);
  if (!inputs.empty()) out += fmt::format("Inputs: {}\n\n", cell(inputs));
  out += "| runtime | status | median ms | p90 ms | p99 ms | cv | runs/s | check | speed-up |\n";
  out += "|---|---|---:|---:|---:|---:|---:|---|---:|\n";
  for (const auto& row : comparison_rows(report)) {
    const RuntimeResult& r = *row.result;
    if (r.status != RunStatus::kOk) {
      out += fmt::format("| {} | {}: {} | | | | | | | |\n", cell(r.runtime), status_name(r.status), cell(r.error));
      continue;
    }
    const std::string check = !r.accuracy ? "-" : (r.accuracy->passed ? "pass" : "**fail**");
    std::string speedup = row.speedup ? fmt::format("{:.2f}x", *row.speedup) : "-";
    if (row.is_baseline && row.speedup) speedup += " (baseline)";
    out += fmt::format("| {} | ok | {:.4f} | {:.4f} | {:.4f} | {:.1f}% | {:.1f} | {} | {} |\n", cell(r.runtime),
                       r.latency.median, r.latency.p90, r.latency.p99, r.latency.cv * 100, r.throughput_per_s, check,
                       speedup);
  }
  if (report.environment.contains("cpu")) {
    out += fmt::format("\nMeasured on {} ({}), {}.\n", cell(report.environment.value("cpu", "?")),
                       cell(report.environment.value("os", "?")), report.environment.value("timestamp_utc", ""));
  }
  return out;
}

}  // namespace inferfoundry
