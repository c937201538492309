#include <fmt/format.h>

#include "core/terminal_text.h"
#include "report/comparison.h"
#include "report/reporters.h"

namespace inferfoundry {
namespace {

std::string speedup_cell(const ComparisonRow& row) {
  if (row.is_baseline && row.speedup) return "1.00x (baseline)";
  if (row.speedup) return fmt::format("{:.2f}x", *row.speedup);
  return "-";
}

// Every string from the results file or the model goes through terminal_text (core/terminal_text.h).
std::string banner(const BenchmarkReport& report) {
  std::string text = fmt::format("InferFoundry benchmark: {}", terminal_text(report.model));
  const std::string inputs = describe_inputs(report);
  if (!inputs.empty()) text += fmt::format(" (inputs: {})", terminal_text(inputs));
  text += "\n";
  if (report.environment.contains("cpu")) {
    text += fmt::format("host: {} | {} | {}\n", terminal_text(text_field(report.environment, "cpu", "?")),
                        terminal_text(text_field(report.environment, "os", "?")),
                        terminal_text(text_field(report.environment, "timestamp_utc", "")));
  }
  return text;
}

// One line per output that failed the check: how many elements differ, the error figures and the worst one.
std::string failed_outputs(const RuntimeResult& result) {
  std::string text;
  if (!result.accuracy) return text;
  for (const auto& o : result.accuracy->outputs) {
    if (o.passed) continue;
    text += fmt::format(
        "      output '{}': max abs error {:.3g}, max rel error {:.3g}, cosine {:.6f} "
        "(atol {:g}, rtol {:g}): {}\n",
        terminal_text(o.name), o.max_abs_error, o.max_rel_error, o.cosine_similarity, result.accuracy->atol,
        result.accuracy->rtol, terminal_text(o.note));
  }
  return text;
}

// The runtime the others' outputs were checked against has no verdict of its own.
bool is_check_reference(const BenchmarkReport& report, const RuntimeResult& result) {
  const auto check = report.config.find("check");
  if (check == report.config.end() || !check->is_object()) return false;
  const auto enabled = check->find("enabled");
  if (enabled == check->end() || !enabled->is_boolean() || !enabled->get<bool>()) return false;
  return text_field(*check, "reference", "") == result.runtime;
}

}  // namespace

std::string render_text(const BenchmarkReport& report) {
  std::string out = banner(report);
  const auto rows = comparison_rows(report);
  out += fmt::format("{:<14} {:>11} {:>10} {:>10} {:>10} {:>7} {:>12} {:>10} {:>8}  {}\n", "runtime", "median ms",
                     "mean ms", "p90 ms", "p99 ms", "cv", "runs/s", "device ms", "check", "speed-up");
  std::string notes;
  for (const auto& row : rows) {
    const RuntimeResult& r = *row.result;
    if (r.status != RunStatus::kOk) {
      out +=
          fmt::format("{:<14} {:>11}  {}\n", terminal_text(r.runtime), status_name(r.status), terminal_text(r.error));
      continue;
    }
    const std::string device = r.device ? fmt::format("{:.4f}", r.device->median) : "-";
    const std::string check =
        !r.accuracy ? (is_check_reference(report, r) ? "ref" : "-") : (r.accuracy->passed ? "pass" : "FAIL");
    const std::string median =
        r.comparable() ? fmt::format("{:.4f}", r.latency.median) : fmt::format("({:.4f})", r.latency.median);
    const std::string runtime = terminal_text(r.runtime);
    out += fmt::format("{:<14} {:>11} {:>10.4f} {:>10.4f} {:>10.4f} {:>6.1f}% {:>12.1f} {:>10} {:>8}  {}\n", runtime,
                       median, r.latency.mean, r.latency.p90, r.latency.p99, r.latency.cv * 100, r.throughput_per_s,
                       device, check, speedup_cell(row));
    if (r.unstable()) {
      notes += fmt::format(
          "warning: {} latencies vary by {:.1f}% (cv over {:.0f}%); the figures may not be trustworthy "
          "(other load on the machine, frequency scaling, too few iterations)\n",
          runtime, r.latency.cv * 100, kUnstableCv * 100);
    }
    if (!r.comparable()) notes += fmt::format("note: {}: {}\n", runtime, terminal_text(row.note)) + failed_outputs(r);
  }
  return out + notes;
}

}  // namespace inferfoundry
