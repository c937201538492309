#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/result.h"

namespace inferfoundry {

// Comparing runs: did a runtime's median latency change between two results files, and by how much?
// Pure statistics over the recorded per-iteration latencies (samples_ms); docs/reports.md explains the method.

// Relative change of the median, new / old - 1, with a percentile-bootstrap confidence interval.
struct MedianChangeInterval {
  double change = 0;  // point estimate: median(new) / median(old) - 1
  double low = 0;     // lower bound of the interval, same unit as change
  double high = 0;
};

struct BootstrapSettings {
  int resamples = 2000;
  uint64_t seed = 20261121;  // fixed, so the same two files always give the same interval
  double confidence = 0.95;
  // compare_runs bounds its cost: a run with more recorded latencies than this is represented in the interval
  // and the Mann-Whitney test by a random subsample of this many (fixed seed). docs/reports.md gives the
  // statistical effect. 9 million samples a side took 499 s before; 10,000 take well under a second.
  size_t max_samples = 10000;
};

// At most `max_samples` of `samples`, picked uniformly without replacement (reservoir sampling with a
// generator seeded by `seed`), in their recorded order; all of them when there are no more than that.
std::vector<double> subsample(std::span<const double> samples, size_t max_samples, uint64_t seed);

// Resamples each sample with replacement (independently), takes the median of each resample and returns
// the percentile interval of median(new*) / median(old*) - 1. nullopt when a sample is empty or a median is 0.
std::optional<MedianChangeInterval> bootstrap_median_change(std::span<const double> old_samples,
                                                            std::span<const double> new_samples,
                                                            const BootstrapSettings& settings = {});

// Two-sided Mann-Whitney U test (normal approximation with tie correction and continuity correction).
struct MannWhitneyResult {
  double u = 0;  // U statistic of the new sample: how often a new value exceeds an old one (ties count 1/2)
  double z = 0;
  double p_value = 1;  // two-sided
};
// nullopt when either sample is empty.
std::optional<MannWhitneyResult> mann_whitney_u(std::span<const double> old_samples,
                                                std::span<const double> new_samples);

// What happened to one runtime between two runs.
enum class ChangeVerdict {
  kFaster,       // the interval excludes 0 and the median dropped by at least the threshold
  kSlower,       // the interval excludes 0 and the median rose by at least the threshold: a regression
  kUnchanged,    // the interval contains 0, or the change is below the threshold
  kFailed,       // ran cleanly before, now failed or its outputs no longer pass the check: a regression
  kNotCompared,  // missing or unavailable in one of the runs, or nothing to compare
};
std::string_view verdict_name(ChangeVerdict verdict);

struct RuntimeChange {
  std::string runtime;
  ChangeVerdict verdict = ChangeVerdict::kNotCompared;
  std::optional<double> old_median_ms, new_median_ms;
  std::optional<MedianChangeInterval> interval;  // absent without per-iteration samples in both files
  std::optional<MannWhitneyResult> mann_whitney;
  std::optional<double> point_change;  // median(new) / median(old) - 1, also when there is no interval
  std::string note;                    // why not compared, or what failed
  bool regression() const { return verdict == ChangeVerdict::kSlower || verdict == ChangeVerdict::kFailed; }
};

struct RunComparison {
  double threshold = 0.05;             // relative change below which a difference is "unchanged"
  std::vector<RuntimeChange> changes;  // runtimes of the old file in order, then runtimes new in the new file
  std::vector<std::string> warnings;   // different models or inputs, no samples...
  bool has_regression() const;
};

// Compares every runtime of the new run against the same runtime in the old run.
RunComparison compare_runs(const BenchmarkReport& old_run, const BenchmarkReport& new_run, double threshold,
                           const BootstrapSettings& settings = {});

// Several runs in order, oldest first: the first is the baseline every later run is compared against.
struct LabeledReport {
  std::string label;  // what tables call the run (its file name)
  BenchmarkReport report;
};
struct RunHistory {
  double threshold = 0.05;
  std::vector<LabeledReport> runs;
  std::vector<RunComparison> against_first;  // against_first[i]: runs[0] -> runs[i + 1]
  // The gate: whether the newest run regressed against the baseline.
  bool has_regression() const { return !against_first.empty() && against_first.back().has_regression(); }
};
// Needs at least two runs.
RunHistory compare_history(std::vector<LabeledReport> runs, double threshold, const BootstrapSettings& settings = {});

// Parses a threshold given as a percentage: "5%", "5" or "2.5%" (of the old median). Throws Error(kUsage).
double parse_threshold(const std::string& text);

}  // namespace inferfoundry
