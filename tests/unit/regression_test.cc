// The comparison of runs: bootstrap interval of the median change, Mann-Whitney U, verdicts and the gate.
// Every sample here is synthetic, generated in the test with a fixed seed; none is a measurement.
#include "report/regression.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "core/error.h"

namespace inferfoundry {
namespace {

// Latency-like synthetic samples: a base with multiplicative log-normal noise.
std::vector<double> synthetic_latencies(double median_ms, size_t count, uint64_t seed, double spread = 0.05) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> noise(0.0, spread);
  std::vector<double> samples(count);
  for (double& s : samples) s = median_ms * noise(rng);
  return samples;
}

RuntimeResult ok_result(const std::string& name, std::vector<double> samples) {
  RuntimeResult r;
  r.runtime = name;
  r.samples_ms = std::move(samples);
  r.latency = summarize(r.samples_ms);
  return r;
}

BenchmarkReport report_of(std::vector<RuntimeResult> results) {
  BenchmarkReport report;
  report.model = "synthetic.onnx";
  report.results = std::move(results);
  return report;
}

TEST(Bootstrap, IdenticalSamplesGiveZeroChangeAndAnIntervalAroundIt) {
  const auto samples = synthetic_latencies(2.0, 200, 1);
  const auto interval = bootstrap_median_change(samples, samples);
  ASSERT_TRUE(interval);
  EXPECT_DOUBLE_EQ(interval->change, 0.0);
  EXPECT_LE(interval->low, 0.0);
  EXPECT_GE(interval->high, 0.0);
  EXPECT_LT(interval->high - interval->low, 0.05);  // 200 runs with 5% noise pin the median to about +-1%
}

TEST(Bootstrap, ShiftOfTwentyPercentIsInsideTheIntervalAndZeroIsNot) {
  const auto old_samples = synthetic_latencies(2.0, 300, 2);
  const auto new_samples = synthetic_latencies(2.4, 300, 3);
  const auto interval = bootstrap_median_change(old_samples, new_samples);
  ASSERT_TRUE(interval);
  EXPECT_NEAR(interval->change, 0.20, 0.02);
  EXPECT_GT(interval->low, 0.10);
  EXPECT_LT(interval->low, interval->change);
  EXPECT_GT(interval->high, interval->change);
  EXPECT_LT(interval->high, 0.30);
}

TEST(Bootstrap, FixedSeedGivesTheSameIntervalAndAnotherSeedADifferentOne) {
  const auto a = synthetic_latencies(1.0, 150, 4), b = synthetic_latencies(1.05, 150, 5);
  const auto first = bootstrap_median_change(a, b), second = bootstrap_median_change(a, b);
  BootstrapSettings other;
  other.seed = 7;
  const auto third = bootstrap_median_change(a, b, other);
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->low, second->low);
  EXPECT_EQ(first->high, second->high);
  EXPECT_NE(first->low, third->low);
  EXPECT_NEAR(first->low, third->low, 0.01);
}

// Calibration: when both samples come from the same distribution, a 95% interval should contain 0 in
// about 95% of trials. Percentile bootstrap intervals of a median run a little narrow, hence the margin.
TEST(Bootstrap, IntervalCoversZeroInMostTrialsWithoutARealChange) {
  BootstrapSettings settings;
  settings.resamples = 400;
  int covered = 0;
  const int trials = 100;
  for (int t = 0; t < trials; ++t) {
    const auto a = synthetic_latencies(3.0, 120, 1000 + 2 * t), b = synthetic_latencies(3.0, 120, 1001 + 2 * t);
    const auto interval = bootstrap_median_change(a, b, settings);
    ASSERT_TRUE(interval);
    if (interval->low <= 0 && interval->high >= 0) ++covered;
  }
  EXPECT_GE(covered, 85);
}

TEST(Bootstrap, EmptySampleOrZeroMedianGivesNoInterval) {
  const std::vector<double> empty, zeros(10, 0.0), some{1, 2, 3};
  EXPECT_FALSE(bootstrap_median_change(empty, some));
  EXPECT_FALSE(bootstrap_median_change(some, empty));
  EXPECT_FALSE(bootstrap_median_change(zeros, some));
}

TEST(MannWhitney, SeparatedSamplesMatchTheNormalApproximationByHand) {
  // R: wilcox.test(6:10, 1:5, exact = FALSE) gives W = 25, p = 0.01219.
  const std::vector<double> old_samples{1, 2, 3, 4, 5}, new_samples{6, 7, 8, 9, 10};
  const auto result = mann_whitney_u(old_samples, new_samples);
  ASSERT_TRUE(result);
  EXPECT_DOUBLE_EQ(result->u, 25);
  EXPECT_NEAR(result->z, 2.50672, 1e-5);
  EXPECT_NEAR(result->p_value, 0.012186, 1e-6);
}

TEST(MannWhitney, TiesUseAverageRanksAndTheTieCorrection) {
  // Pooled ranks: 1 -> 1, the three 2s -> 3, the three 3s -> 6, 4 -> 8. New rank sum 3+6+6+8 = 23, U = 23 - 10 = 13.
  // Variance 4*4/12 * (9 - 48/56) = 10.857; z = (13 - 8 - 0.5) / sqrt(10.857) = 1.3657; p = 0.17203.
  const std::vector<double> old_samples{1, 2, 2, 3}, new_samples{2, 3, 3, 4};
  const auto result = mann_whitney_u(old_samples, new_samples);
  ASSERT_TRUE(result);
  EXPECT_DOUBLE_EQ(result->u, 13);
  EXPECT_NEAR(result->p_value, 0.172034, 1e-5);
}

TEST(MannWhitney, AllValuesEqualIsNoEvidence) {
  const std::vector<double> same(8, 1.5);
  const auto result = mann_whitney_u(same, same);
  ASSERT_TRUE(result);
  EXPECT_DOUBLE_EQ(result->p_value, 1.0);
  EXPECT_FALSE(mann_whitney_u({}, same));
}

TEST(CompareRuns, VerdictsFollowTheIntervalAndTheThreshold) {
  const auto old_run = report_of({ok_result("slower", synthetic_latencies(1.0, 200, 10)),
                                  ok_result("faster", synthetic_latencies(1.0, 200, 11)),
                                  ok_result("same", synthetic_latencies(1.0, 200, 12)),
                                  ok_result("small", synthetic_latencies(1.0, 200, 13, 0.01))});
  const auto new_run = report_of({ok_result("slower", synthetic_latencies(1.3, 200, 20)),
                                  ok_result("faster", synthetic_latencies(0.7, 200, 21)),
                                  ok_result("same", synthetic_latencies(1.0, 200, 22)),
                                  ok_result("small", synthetic_latencies(1.02, 200, 23, 0.01))});
  const auto comparison = compare_runs(old_run, new_run, 0.05);
  ASSERT_EQ(comparison.changes.size(), 4u);
  EXPECT_EQ(comparison.changes[0].verdict, ChangeVerdict::kSlower);
  EXPECT_EQ(comparison.changes[1].verdict, ChangeVerdict::kFaster);
  EXPECT_EQ(comparison.changes[2].verdict, ChangeVerdict::kUnchanged);
  // A real 2% change (its interval excludes 0) stays "unchanged" under a 5% threshold...
  ASSERT_TRUE(comparison.changes[3].interval);
  EXPECT_GT(comparison.changes[3].interval->low, 0);
  EXPECT_EQ(comparison.changes[3].verdict, ChangeVerdict::kUnchanged);
  // ...and counts as slower under a 1% one.
  EXPECT_EQ(compare_runs(old_run, new_run, 0.01).changes[3].verdict, ChangeVerdict::kSlower);
  EXPECT_TRUE(comparison.has_regression());
  EXPECT_TRUE(comparison.changes[0].regression());
  EXPECT_FALSE(comparison.changes[1].regression());
}

TEST(CompareRuns, FailedOrNoLongerAccurateIsARegressionButUnavailableIsNot) {
  RuntimeResult failed;
  failed.runtime = "crashes";
  failed.status = RunStatus::kFailed;
  failed.error = "session creation failed";
  RuntimeResult unavailable;
  unavailable.runtime = "gpu";
  unavailable.status = RunStatus::kUnavailable;
  auto wrong = ok_result("wrong", synthetic_latencies(1.0, 50, 30));
  wrong.accuracy = AccuracyVerdict{"onnx", 1e-4, 1e-3, false, {}};

  const auto old_run = report_of({ok_result("crashes", synthetic_latencies(1.0, 50, 31)),
                                  ok_result("gpu", synthetic_latencies(1.0, 50, 32)),
                                  ok_result("wrong", synthetic_latencies(1.0, 50, 33))});
  const auto new_run = report_of({failed, unavailable, wrong, ok_result("added", synthetic_latencies(1.0, 50, 34))});
  const auto comparison = compare_runs(old_run, new_run, 0.05);
  ASSERT_EQ(comparison.changes.size(), 4u);
  EXPECT_EQ(comparison.changes[0].verdict, ChangeVerdict::kFailed);
  EXPECT_NE(comparison.changes[0].note.find("session creation failed"), std::string::npos);
  EXPECT_EQ(comparison.changes[1].verdict, ChangeVerdict::kNotCompared);
  EXPECT_EQ(comparison.changes[2].verdict, ChangeVerdict::kFailed);
  EXPECT_EQ(comparison.changes[3].runtime, "added");
  EXPECT_EQ(comparison.changes[3].verdict, ChangeVerdict::kNotCompared);
  EXPECT_FALSE(comparison.changes[1].regression());
  EXPECT_TRUE(comparison.has_regression());
}

TEST(CompareRuns, WithoutSamplesTheMediansAloneDecideAndSaySo) {
  RuntimeResult old_result, new_result;
  old_result.runtime = new_result.runtime = "onnx";
  old_result.latency.median = 10;
  new_result.latency.median = 12;
  const auto comparison = compare_runs(report_of({old_result}), report_of({new_result}), 0.05);
  const auto& change = comparison.changes.at(0);
  EXPECT_FALSE(change.interval);
  EXPECT_NEAR(*change.point_change, 0.2, 1e-12);
  EXPECT_EQ(change.verdict, ChangeVerdict::kSlower);
  EXPECT_NE(change.note.find("medians alone"), std::string::npos);
}

TEST(CompareRuns, DifferentModelsAreWarnedAbout) {
  auto a = report_of({ok_result("onnx", {1, 2, 3})}), b = report_of({ok_result("onnx", {1, 2, 3})});
  b.model = "other.onnx";
  EXPECT_EQ(compare_runs(a, b, 0.05).warnings.size(), 1u);
  EXPECT_TRUE(compare_runs(a, a, 0.05).warnings.empty());
}

TEST(Subsample, PicksAtMostTheCapUniformlyInOrderAndTheSameEveryTime) {
  std::vector<double> values(100000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  const auto picked = subsample(values, 1000, 42);
  ASSERT_EQ(picked.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(picked.begin(), picked.end()));  // recorded order kept, no repeats
  EXPECT_EQ(std::adjacent_find(picked.begin(), picked.end()), picked.end());
  double sum = 0;
  for (double v : picked) sum += v;
  EXPECT_NEAR(sum / 1000, 50000, 3000);  // uniform: mean of the indices near the middle
  EXPECT_EQ(subsample(values, 1000, 42), picked);
  EXPECT_EQ(subsample(std::vector<double>{1, 2, 3}, 1000, 42), (std::vector<double>{1, 2, 3}));
}

TEST(CompareRuns, MillionsOfSamplesAreSubsampledSoTheCostIsBoundedAndSaidSo) {
  // 1.5 million runs a side: about 6 billion random draws in the bootstrap before the cap (minutes).
  const auto old_samples = synthetic_latencies(2.0, 1500000, 11), new_samples = synthetic_latencies(3.0, 1500000, 12);
  const auto start = std::chrono::steady_clock::now();
  const RunComparison comparison =
      compare_runs(report_of({ok_result("onnx", old_samples)}), report_of({ok_result("onnx", new_samples)}), 0.05);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 30.0);
  ASSERT_EQ(comparison.changes.size(), 1u);
  const RuntimeChange& change = comparison.changes[0];
  EXPECT_EQ(change.verdict, ChangeVerdict::kSlower);
  ASSERT_TRUE(change.interval);
  EXPECT_NEAR(change.interval->change, 0.5, 0.01);  // the point estimate uses every sample
  EXPECT_LT(change.interval->low, 0.5);
  EXPECT_GT(change.interval->high, 0.5);
  EXPECT_NE(change.note.find("subsample of at most 10000 of the 1500000 and 1500000"), std::string::npos)
      << change.note;
}

TEST(CompareHistory, TheGateJudgesTheNewestRunAgainstTheFirst) {
  const auto base = report_of({ok_result("onnx", synthetic_latencies(1.0, 100, 40))});
  const auto slow = report_of({ok_result("onnx", synthetic_latencies(1.5, 100, 41))});
  const auto back = report_of({ok_result("onnx", synthetic_latencies(1.0, 100, 42))});
  const auto recovered = compare_history({{"a", base}, {"b", slow}, {"c", back}}, 0.05);
  ASSERT_EQ(recovered.against_first.size(), 2u);
  EXPECT_TRUE(recovered.against_first[0].has_regression());
  EXPECT_FALSE(recovered.has_regression());
  EXPECT_TRUE(compare_history({{"a", base}, {"c", back}, {"b", slow}}, 0.05).has_regression());
  EXPECT_THROW(compare_history({{"a", base}}, 0.05), Error);
}

TEST(Threshold, ParsesPercentagesAndRejectsTheRest) {
  EXPECT_DOUBLE_EQ(parse_threshold("5%"), 0.05);
  EXPECT_DOUBLE_EQ(parse_threshold("2.5"), 0.025);
  EXPECT_DOUBLE_EQ(parse_threshold("0%"), 0.0);
  for (const char* bad : {"", "%", "abc", "-1%", "5%%", "5 %", "nan"}) {
    try {
      parse_threshold(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << bad;
    }
  }
}

}  // namespace
}  // namespace inferfoundry
