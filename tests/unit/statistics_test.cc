#include "bench/statistics.h"

#include <gtest/gtest.h>

#include <vector>

namespace inferfoundry {
namespace {

TEST(Statistics, EmptySampleIsAllZeros) {
  const Summary s = summarize(std::vector<double>{});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.median, 0);
  EXPECT_EQ(s.cv, 0);
}

TEST(Statistics, OneSampleHasNoSpread) {
  const Summary s = summarize(std::vector<double>{2.5});
  EXPECT_EQ(s.count, 1u);
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.p99, 2.5);
  EXPECT_DOUBLE_EQ(s.stddev, 0);
  EXPECT_DOUBLE_EQ(s.cv, 0);
}

TEST(Statistics, KnownValues) {
  const std::vector<double> v{4, 1, 3, 2, 5};
  const Summary s = summarize(v);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 5);
  EXPECT_NEAR(s.stddev, 1.5811388300841898, 1e-12);  // sample stddev of 1..5
  EXPECT_NEAR(s.cv, 1.5811388300841898 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(s.p90, 4.6);  // linear interpolation: rank 3.6 between 4 and 5
}

TEST(Statistics, MedianOfEvenCountInterpolates) {
  EXPECT_DOUBLE_EQ(percentile_of(std::vector<double>{1, 2, 3, 10}, 50), 2.5);
}

TEST(Statistics, PercentilesAreMonotonic) {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back((i * 7919) % 1000 / 10.0);
  const Summary s = summarize(v);
  EXPECT_LE(s.min, s.median);
  EXPECT_LE(s.median, s.p90);
  EXPECT_LE(s.p90, s.p95);
  EXPECT_LE(s.p95, s.p99);
  EXPECT_LE(s.p99, s.max);
}

TEST(Statistics, ZeroMeanHasZeroCv) { EXPECT_DOUBLE_EQ(summarize(std::vector<double>{-1, 1}).cv, 0); }

}  // namespace
}  // namespace inferfoundry
