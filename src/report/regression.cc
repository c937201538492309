#include "report/regression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>

#include "core/error.h"

namespace inferfoundry {
namespace {

// Median of values, reordering them; the average of the two middle values for an even count (the same
// value as percentile_of(values, 50)).
double median_in_place(std::vector<double>& values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

// An index in [0, n) from one 64-bit draw. std::uniform_int_distribution differs between standard libraries;
// this mapping (the high half of draw * n) does not, so a seed gives the same interval everywhere.
size_t draw_index(std::mt19937_64& rng, size_t n) {
  const unsigned __int128 product = static_cast<unsigned __int128>(rng()) * n;
  return static_cast<size_t>(product >> 64);
}

double resampled_median(std::span<const double> sample, std::mt19937_64& rng, std::vector<double>& scratch) {
  scratch.resize(sample.size());
  for (double& value : scratch) value = sample[draw_index(rng, sample.size())];
  return median_in_place(scratch);
}

// Percentile of a sorted vector with linear interpolation, as in bench/statistics.
double sorted_percentile(const std::vector<double>& sorted, double fraction) {
  const double rank = fraction * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<size_t>(std::floor(rank));
  const size_t upper = std::min(lower + 1, sorted.size() - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - static_cast<double>(lower));
}

// Ranks of the pooled samples (average ranks for ties) and the sum of t^3 - t over tie groups.
struct PooledRanks {
  double new_rank_sum = 0;
  double tie_term = 0;
};

PooledRanks pooled_ranks(std::span<const double> old_samples, std::span<const double> new_samples) {
  std::vector<std::pair<double, bool>> pooled;  // value, is_new
  pooled.reserve(old_samples.size() + new_samples.size());
  for (double v : old_samples) pooled.emplace_back(v, false);
  for (double v : new_samples) pooled.emplace_back(v, true);
  std::sort(pooled.begin(), pooled.end());
  PooledRanks ranks;
  for (size_t start = 0; start < pooled.size();) {
    size_t end = start + 1;
    while (end < pooled.size() && pooled[end].first == pooled[start].first) ++end;
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    const auto ties = static_cast<double>(end - start);
    ranks.tie_term += ties * ties * ties - ties;
    for (size_t i = start; i < end; ++i) {
      if (pooled[i].second) ranks.new_rank_sum += average_rank;
    }
    start = end;
  }
  return ranks;
}

std::optional<double> relative_change(double old_median, double new_median) {
  if (old_median <= 0 || !std::isfinite(old_median) || !std::isfinite(new_median)) return std::nullopt;
  return new_median / old_median - 1;
}

ChangeVerdict judge(double change, const std::optional<MedianChangeInterval>& interval, double threshold) {
  if (std::abs(change) < threshold) return ChangeVerdict::kUnchanged;
  if (interval && interval->low <= 0 && interval->high >= 0) return ChangeVerdict::kUnchanged;
  return change > 0 ? ChangeVerdict::kSlower : ChangeVerdict::kFaster;
}

bool passed_check(const RuntimeResult& result) { return !result.accuracy || result.accuracy->passed; }

RuntimeChange compare_runtime(const RuntimeResult* old_result, const RuntimeResult* new_result, double threshold,
                              const BootstrapSettings& settings) {
  RuntimeChange change;
  change.runtime = old_result ? old_result->runtime : new_result->runtime;
  if (!old_result) {
    if (new_result->status == RunStatus::kOk) change.new_median_ms = new_result->latency.median;
    change.note = "not in the old run";
    return change;
  }
  if (old_result->status == RunStatus::kOk) change.old_median_ms = old_result->latency.median;
  if (!new_result) {
    change.note = "not in the new run";
    return change;
  }
  if (new_result->status == RunStatus::kOk) change.new_median_ms = new_result->latency.median;
  if (old_result->status != RunStatus::kOk) {
    change.note = fmt::format("{} in the old run", status_name(old_result->status));
    return change;
  }
  if (new_result->status == RunStatus::kFailed) {
    change.verdict = ChangeVerdict::kFailed;
    change.note = "failed in the new run: " + new_result->error;
    return change;
  }
  if (new_result->status == RunStatus::kUnavailable) {
    change.note = "unavailable in the new run: " + new_result->error;
    return change;
  }
  if (passed_check(*old_result) && !passed_check(*new_result)) {
    change.verdict = ChangeVerdict::kFailed;
    change.note = "outputs no longer pass the check against " + new_result->accuracy->reference;
    return change;
  }
  change.point_change = relative_change(old_result->latency.median, new_result->latency.median);
  if (!change.point_change) {
    change.note = "old median is not a positive number";
    return change;
  }
  // Bounded cost: both tests see at most settings.max_samples of each run (docs/reports.md).
  const std::vector<double> old_samples = subsample(old_result->samples_ms, settings.max_samples, settings.seed);
  const std::vector<double> new_samples = subsample(new_result->samples_ms, settings.max_samples, settings.seed + 1);
  change.interval = bootstrap_median_change(old_samples, new_samples, settings);
  change.mann_whitney = mann_whitney_u(old_samples, new_samples);
  if (!change.interval) {
    change.note = "no per-iteration samples in both files: judged on the medians alone";
  } else if (old_samples.size() < old_result->samples_ms.size() || new_samples.size() < new_result->samples_ms.size()) {
    change.note = fmt::format(
        "interval and Mann-Whitney test from a random subsample of at most {} of the {} and {} recorded runs",
        settings.max_samples, old_result->samples_ms.size(), new_result->samples_ms.size());
  }
  change.verdict = judge(*change.point_change, change.interval, threshold);
  return change;
}

const RuntimeResult* find_runtime(const BenchmarkReport& report, const std::string& name) {
  for (const auto& result : report.results) {
    if (result.runtime == name) return &result;
  }
  return nullptr;
}

}  // namespace

std::vector<double> subsample(std::span<const double> samples, size_t max_samples, uint64_t seed) {
  if (samples.size() <= max_samples) return {samples.begin(), samples.end()};
  // Reservoir sampling (algorithm R) over indices, then the picked indices in order: one pass, memory for
  // max_samples only, and the same pick on every standard library (draw_index).
  std::vector<size_t> picked(max_samples);
  for (size_t i = 0; i < max_samples; ++i) picked[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = max_samples; i < samples.size(); ++i) {
    const size_t slot = draw_index(rng, i + 1);
    if (slot < max_samples) picked[slot] = i;
  }
  std::sort(picked.begin(), picked.end());
  std::vector<double> out;
  out.reserve(max_samples);
  for (size_t index : picked) out.push_back(samples[index]);
  return out;
}

std::optional<MedianChangeInterval> bootstrap_median_change(std::span<const double> old_samples,
                                                            std::span<const double> new_samples,
                                                            const BootstrapSettings& settings) {
  if (old_samples.empty() || new_samples.empty() || settings.resamples < 1) return std::nullopt;
  std::vector<double> scratch(old_samples.begin(), old_samples.end());
  const double old_median = median_in_place(scratch);
  scratch.assign(new_samples.begin(), new_samples.end());
  const auto point = relative_change(old_median, median_in_place(scratch));
  if (!point) return std::nullopt;

  std::mt19937_64 rng(settings.seed);
  std::vector<double> changes;
  changes.reserve(static_cast<size_t>(settings.resamples));
  for (int i = 0; i < settings.resamples; ++i) {
    const double old_star = resampled_median(old_samples, rng, scratch);
    const double new_star = resampled_median(new_samples, rng, scratch);
    if (old_star > 0) changes.push_back(new_star / old_star - 1);
  }
  if (changes.empty()) return std::nullopt;
  std::sort(changes.begin(), changes.end());
  const double tail = (1 - settings.confidence) / 2;
  return MedianChangeInterval{*point, sorted_percentile(changes, tail), sorted_percentile(changes, 1 - tail)};
}

std::optional<MannWhitneyResult> mann_whitney_u(std::span<const double> old_samples,
                                                std::span<const double> new_samples) {
  if (old_samples.empty() || new_samples.empty()) return std::nullopt;
  const auto n_old = static_cast<double>(old_samples.size());
  const auto n_new = static_cast<double>(new_samples.size());
  const PooledRanks ranks = pooled_ranks(old_samples, new_samples);
  MannWhitneyResult result;
  result.u = ranks.new_rank_sum - n_new * (n_new + 1) / 2;
  const double mean_u = n_old * n_new / 2;
  const double n = n_old + n_new;
  const double variance = n_old * n_new / 12 * ((n + 1) - ranks.tie_term / (n * (n - 1)));
  if (variance <= 0) return result;  // every value equal: no evidence of a difference, p = 1
  const double distance = std::max(std::abs(result.u - mean_u) - 0.5, 0.0);
  result.z = std::copysign(distance / std::sqrt(variance), result.u - mean_u);
  result.p_value = std::min(1.0, std::erfc(distance / std::sqrt(variance) / std::sqrt(2.0)));
  return result;
}

std::string_view verdict_name(ChangeVerdict verdict) {
  switch (verdict) {
    case ChangeVerdict::kFaster:
      return "faster";
    case ChangeVerdict::kSlower:
      return "slower";
    case ChangeVerdict::kUnchanged:
      return "unchanged";
    case ChangeVerdict::kFailed:
      return "failed";
    case ChangeVerdict::kNotCompared:
      return "not compared";
  }
  return "?";
}

bool RunComparison::has_regression() const {
  return std::any_of(changes.begin(), changes.end(), [](const RuntimeChange& c) { return c.regression(); });
}

RunComparison compare_runs(const BenchmarkReport& old_run, const BenchmarkReport& new_run, double threshold,
                           const BootstrapSettings& settings) {
  RunComparison comparison;
  comparison.threshold = threshold;
  if (old_run.model != new_run.model) {
    comparison.warnings.push_back(
        fmt::format("the runs measured different models ({} and {})", old_run.model, new_run.model));
  }
  if (old_run.config.value("inputs", nlohmann::json()) != new_run.config.value("inputs", nlohmann::json())) {
    comparison.warnings.push_back("the runs used different inputs (shapes or types)");
  }
  for (const auto& old_result : old_run.results) {
    comparison.changes.push_back(
        compare_runtime(&old_result, find_runtime(new_run, old_result.runtime), threshold, settings));
  }
  for (const auto& new_result : new_run.results) {
    if (!find_runtime(old_run, new_result.runtime)) {
      comparison.changes.push_back(compare_runtime(nullptr, &new_result, threshold, settings));
    }
  }
  return comparison;
}

RunHistory compare_history(std::vector<LabeledReport> runs, double threshold, const BootstrapSettings& settings) {
  if (runs.size() < 2) fail(ErrorKind::kUsage, "comparing runs needs at least two results files, got {}", runs.size());
  RunHistory history;
  history.threshold = threshold;
  history.runs = std::move(runs);
  for (size_t i = 1; i < history.runs.size(); ++i) {
    history.against_first.push_back(compare_runs(history.runs[0].report, history.runs[i].report, threshold, settings));
  }
  return history;
}

double parse_threshold(const std::string& text) {
  std::string number = text;
  if (!number.empty() && number.back() == '%') number.pop_back();
  double percent = -1;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), percent);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || !std::isfinite(percent) ||
      percent < 0) {
    fail(ErrorKind::kUsage, "invalid threshold '{}': expected a non-negative percentage, like 5%", text);
  }
  return percent / 100;
}

}  // namespace inferfoundry
