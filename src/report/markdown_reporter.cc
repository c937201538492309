#include <algorithm>

#include <fmt/format.h>

#include "core/terminal_text.h"
#include "report/comparison.h"
#include "report/markdown_text.h"
#include "report/reporters.h"

namespace inferfoundry {
namespace {
// A results file is untrusted input: every string from it goes through markdown_text.
std::string cell(const std::string& text) { return markdown_text(text); }

// A code span that holds any text: the fence is longer than any run of backticks inside it. Markdown and
// HTML are not interpreted in a code span, but control bytes would still reach a terminal.
std::string code_span(const std::string& text) {
  const std::string flat = terminal_text(text);
  size_t longest = 0, run = 0;
  for (char c : flat) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  return fence + " " + flat + " " + fence;
}

std::string warnings(const std::vector<ComparisonRow>& rows) {
  std::string out;
  for (const auto& row : rows) {
    const RuntimeResult& r = *row.result;
    if (r.unstable()) {
      out += fmt::format(
          "- **Warning:** {} latencies vary by {:.1f}% (cv over {:.0f}%); the figures may not be "
          "trustworthy.\n",
          cell(r.runtime), r.latency.cv * 100, kUnstableCv * 100);
    }
    if (r.status == RunStatus::kOk && !r.comparable())
      out += fmt::format("- **Note:** {}: {}\n", cell(r.runtime), cell(row.note));
  }
  return out.empty() ? out : "\n" + out;
}
}  // namespace

std::string render_markdown(const BenchmarkReport& report) {
  std::string out = fmt::format("### InferFoundry benchmark: {}\n\n", code_span(report.model));
  const std::string inputs = describe_inputs(report);
  if (!inputs.empty()) out += fmt::format("Inputs: {}\n\n", cell(inputs));
  out += "| runtime | status | median ms | p90 ms | p99 ms | cv | runs/s | check | speed-up |\n";
  out += "|---|---|---:|---:|---:|---:|---:|---|---:|\n";
  const auto rows = comparison_rows(report);
  for (const auto& row : rows) {
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
  out += warnings(rows);
  if (report.environment.contains("cpu")) {
    out += fmt::format("\nMeasured on {} ({}), {}.\n", cell(text_field(report.environment, "cpu", "?")),
                       cell(text_field(report.environment, "os", "?")),
                       cell(text_field(report.environment, "timestamp_utc", "")));
  }
  return out;
}

}  // namespace inferfoundry
