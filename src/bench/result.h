#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/statistics.h"
#include "core/precision.h"
#include "core/tensor.h"

namespace inferfoundry {

// Status of one runtime in a benchmark: it ran, it is not present on this machine, or it failed.
enum class RunStatus { kOk, kUnavailable, kFailed };
std::string_view status_name(RunStatus status);
std::optional<RunStatus> status_from_name(std::string_view name);

// Per-output comparison against the reference runtime (filled by the accuracy check).
struct OutputComparison {
  std::string name;
  double max_abs_error = 0;
  double max_rel_error = 0;
  int64_t mismatches = 0;
  int64_t elements = 0;
  double cosine_similarity = 1;
  bool passed = true;
  std::string note;  // shape or dtype mismatch, NaN placement...
};

struct AccuracyVerdict {
  std::string reference;  // runtime compared against
  double atol = 0, rtol = 0;
  bool passed = true;
  std::vector<OutputComparison> outputs;
};

// Everything measured for one runtime. `latency` is the host-clock latency per run; `device` is present
// for runtimes that time on the device.
struct RuntimeResult {
  std::string runtime;
  RunStatus status = RunStatus::kOk;
  std::string error;  // reason when unavailable or failed
  std::string version;
  Precision precision = Precision::kFp32;  // what the session reported computing at (ok results)
  double prepare_ms = 0;                   // session creation: cold start
  double first_run_ms = 0;                 // first inference, before warm-up
  Summary latency;
  std::optional<Summary> device;
  std::optional<Summary> h2d;
  std::optional<Summary> d2h;
  double throughput_per_s = 0;  // timed runs per second of wall time
  double wall_s = 0;
  std::optional<double> peak_rss_mib;
  std::vector<double> samples_ms;                      // per-iteration host latencies, kept for charts and comparisons
  nlohmann::json settings = nlohmann::json::object();  // options the runtime ran with
  nlohmann::json details = nlohmann::json::object();   // runtime-specific facts
  std::optional<AccuracyVerdict> accuracy;
  std::vector<Tensor> outputs;  // outputs of the first run; not serialized

  double median_ms() const { return latency.median; }
  bool unstable() const { return status == RunStatus::kOk && latency.cv > kUnstableCv; }
  bool comparable() const { return status == RunStatus::kOk && (!accuracy || accuracy->passed); }
};

// A whole benchmark: what the results file holds.
struct BenchmarkReport {
  static constexpr int kSchemaVersion = 1;
  int schema_version = kSchemaVersion;
  std::string model;                                      // display name of the model
  std::string model_path;                                 // as given on the command line
  nlohmann::json environment = nlohmann::json::object();  // host, OS, CPU, GPU, runtime versions
  nlohmann::json config = nlohmann::json::object();       // the run's configuration
  std::vector<RuntimeResult> results;
};

}  // namespace inferfoundry
