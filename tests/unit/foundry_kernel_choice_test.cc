// Kernel choice while building a foundry plan: the fewest kernels that keep every layer within the reuse
// tolerance of its fastest candidate.
#include <gtest/gtest.h>

#include "core/error.h"
#include "runtimes/foundry/plan/kernel_choice.h"

namespace inferfoundry::foundry {
namespace {

// A layer under test: which candidate it runs now, and how often it was switched.
struct FakeLayer {
  int running = -1;
  double running_ms = -1;
  int adoptions = 0;
  KernelChooser::Adopt adopt() {
    return [this](int index, double ms) {
      running = index;
      running_ms = ms;
      ++adoptions;
    };
  }
};

TEST(KernelChooser, AdoptsTheFastestAtOnce) {
  KernelChooser chooser(0.05);
  FakeLayer layer;
  EXPECT_EQ(chooser.add({{"a", 1.2}, {"b", 1.0}, {"c", 1.1}}, layer.adopt()), 1);
  EXPECT_EQ(layer.running, 1);
  EXPECT_DOUBLE_EQ(layer.running_ms, 1.0);
  EXPECT_EQ(chooser.settle(), 0);
  EXPECT_EQ(layer.running, 1);
  EXPECT_EQ(layer.adoptions, 1);
}

TEST(KernelChooser, SharesOneKernelWhenEachLayerStaysWithinTheTolerance) {
  KernelChooser chooser(0.05);
  FakeLayer first, second, third;
  chooser.add({{"a", 1.00}, {"shared", 1.04}}, first.adopt());
  chooser.add({{"b", 2.00}, {"shared", 2.02}}, second.adopt());
  chooser.add({{"shared", 3.00}, {"c", 3.01}}, third.adopt());
  // One kernel serves all three layers, each at most 4% slower than its fastest.
  EXPECT_EQ(chooser.settle(), 2);
  EXPECT_EQ(first.running, 1);
  EXPECT_DOUBLE_EQ(first.running_ms, 1.04);
  EXPECT_EQ(second.running, 1);
  EXPECT_EQ(third.running, 0);
  EXPECT_EQ(third.adoptions, 1);  // already on the shared kernel: not adopted again
}

TEST(KernelChooser, KeepsTheFastestBeyondTheTolerance) {
  KernelChooser chooser(0.05);
  FakeLayer first, second;
  chooser.add({{"a", 1.0}}, first.adopt());
  chooser.add({{"b", 1.00}, {"a", 1.06}}, second.adopt());
  EXPECT_EQ(chooser.settle(), 0);
  EXPECT_EQ(second.running, 0);
}

TEST(KernelChooser, AmongKeptKernelsALayerRunsItsFastest) {
  KernelChooser chooser(0.10);
  FakeLayer only_a, only_b, both;
  chooser.add({{"a", 1.0}}, only_a.adopt());
  chooser.add({{"b", 1.0}}, only_b.adopt());
  chooser.add({{"new", 1.00}, {"a", 1.09}, {"b", 1.05}}, both.adopt());
  EXPECT_EQ(chooser.settle(), 1);
  EXPECT_EQ(both.running, 2);
}

TEST(KernelChooser, ZeroToleranceKeepsEveryLayersFastest) {
  KernelChooser chooser(0.0);
  FakeLayer first, second;
  chooser.add({{"a", 1.0}}, first.adopt());
  chooser.add({{"a", 1.0001}, {"b", 1.0}}, second.adopt());
  EXPECT_EQ(chooser.settle(), 0);
  EXPECT_EQ(second.running, 1);
}

TEST(KernelChooser, FailedCandidatesAreNeverKept) {
  KernelChooser chooser(0.5);
  FakeLayer first, second, none;
  chooser.add({{"a", 1.0}}, first.adopt());
  // "a" failed on this layer (negative time): it cannot serve it, however popular.
  chooser.add({{"a", -1}, {"b", 2.0}}, second.adopt());
  EXPECT_EQ(chooser.add({{"a", -1}, {"c", -1}}, none.adopt()), -1);
  EXPECT_EQ(chooser.add({}, none.adopt()), -1);
  EXPECT_EQ(none.adoptions, 0);
  EXPECT_EQ(chooser.settle(), 0);
  EXPECT_EQ(second.running, 1);
}

TEST(KernelChooser, FewerKernelsThanChoosingLayerByLayer) {
  // Choosing in order would keep "x" for the first layer and then need "y" for the second; the settled
  // choice sees that "y" serves both.
  KernelChooser chooser(0.05);
  FakeLayer first, second;
  chooser.add({{"x", 1.00}, {"y", 1.03}}, first.adopt());
  chooser.add({{"y", 1.00}, {"x", 1.20}}, second.adopt());
  EXPECT_EQ(chooser.settle(), 1);
  EXPECT_EQ(first.running, 1);
  EXPECT_EQ(second.running, 0);
}

TEST(DistinctKernels, CountsNamesOnceAndIgnoresOwnKernels) {
  EXPECT_EQ(distinct_kernels({"a", "b", "a", "", ""}), 2u);
  EXPECT_EQ(distinct_kernels({}), 0u);
}

}  // namespace
}  // namespace inferfoundry::foundry
