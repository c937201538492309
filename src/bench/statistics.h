#pragma once
#include <cstddef>
#include <span>

namespace inferfoundry {

// Summary statistics of a sample of latencies. Pure functions; edge cases are defined on purpose:
// an empty sample gives all zeros, one sample has stddev 0, and a zero mean has cv 0.
struct Summary {
  size_t count = 0;
  double mean = 0, median = 0, p90 = 0, p95 = 0, p99 = 0, min = 0, max = 0, stddev = 0;
  double cv = 0;  // coefficient of variation: stddev / mean
};

double mean_of(std::span<const double> values);
// Sample standard deviation (n - 1 in the denominator).
double stddev_of(std::span<const double> values);
// Percentile q in [0, 100] with linear interpolation between closest ranks (numpy's default).
double percentile_of(std::span<const double> values, double q);
Summary summarize(std::span<const double> values);

// trtexec warns when the spread of a measurement is too wide to trust; so do we, above this cv.
inline constexpr double kUnstableCv = 0.05;

}  // namespace inferfoundry
