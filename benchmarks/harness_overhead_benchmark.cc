// How much does InferFoundry's measuring loop add to each run, compared with calling ONNX Runtime
// directly? Both sides run the same trivial model (y = x + 1 on 16 floats) in the same session options,
// so the difference is the harness: the virtual Session::run, two clock reads and recording a sample.
//
// BM_BareOrtRun and BM_HarnessRun time each side on its own. BM_HarnessOverhead interleaves batches of
// both in one loop (so drift in machine speed hits both alike) and reports the median difference per
// run as `overhead_ns`. Target: under 2000 ns. Run: build/bin/harness_overhead_benchmark
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "bench/runner.h"
#include "bench/statistics.h"
#include "model/graph_builder.h"
#include "runtimes/ort/ort_session.h"
#include "runtimes/registry.h"

namespace inferfoundry {
namespace {

Model trivial_model() {
  GraphBuilder g("add_one", 17);
  g.add_input("x", DType::kFloat32, {fixed_dim(16)});
  Tensor one("one", DType::kFloat32, {1});
  one.data<float>()[0] = 1.0f;
  g.add_initializer(one);
  g.add_node("Add", {"x", "one"}, {"y"});
  g.add_output("y", DType::kFloat32, {fixed_dim(16)});
  return Model::from_proto(g.build(), "add_one");
}

Tensor input_tensor() {
  Tensor x("x", DType::kFloat32, {16});
  for (size_t i = 0; i < 16; ++i) x.data<float>()[i] = 0.25f * static_cast<float>(i) - 1.0f;
  return x;
}

// ONNX Runtime called the way a user would, with nothing of InferFoundry in the loop.
class BareOrt {
 public:
  BareOrt()
      : env_(ort::shared_environment()), session_(ort::create_session(*env_, model_, ort::base_session_options({}))) {
    value_.push_back(ort::value_view(input_));
  }
  void run() {
    auto outputs = session_.Run(run_options_, input_names_, value_.data(), 1, output_names_, 1);
    benchmark::DoNotOptimize(outputs);
  }

 private:
  Model model_ = trivial_model();
  Tensor input_ = input_tensor();
  std::shared_ptr<Ort::Env> env_;
  Ort::Session session_;
  Ort::RunOptions run_options_;
  std::vector<Ort::Value> value_;
  const char* input_names_[1] = {"x"};
  const char* output_names_[1] = {"y"};
};

// InferFoundry's `onnx` runtime driven by the same loop `benchmark` uses.
class Harness {
 public:
  Harness() : registry_(RuntimeRegistry::with_builtin_runtimes()) {
    session_ = registry_.find("onnx")->prepare(model_, {});
    session_->set_inputs({input_tensor()});
  }
  Samples run_batch(int64_t runs) {
    RunPlan plan;
    plan.warmup_runs = 0;
    plan.min_iterations = runs;
    plan.max_iterations = runs;
    plan.min_duration_s = 0;
    return time_runs(*session_, plan);
  }

 private:
  Model model_ = trivial_model();
  RuntimeRegistry registry_;
  std::unique_ptr<Session> session_;
};

constexpr int64_t kBatch = 1000;

void BM_BareOrtRun(benchmark::State& state) {
  BareOrt bare;
  for (auto _ : state) bare.run();
}
BENCHMARK(BM_BareOrtRun);

void BM_HarnessRun(benchmark::State& state) {
  Harness harness;
  for (auto _ : state) benchmark::DoNotOptimize(harness.run_batch(kBatch));
  state.SetItemsProcessed(state.iterations() * kBatch);  // items_per_second = runs per second
}
BENCHMARK(BM_HarnessRun)->Unit(benchmark::kMillisecond);

void BM_HarnessOverhead(benchmark::State& state) {
  BareOrt bare;
  Harness harness;
  using Clock = std::chrono::steady_clock;
  std::vector<double> bare_ns, harness_ns, overhead_ns;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    for (int64_t i = 0; i < kBatch; ++i) bare.run();
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(harness.run_batch(kBatch));
    const auto t2 = Clock::now();
    const double b = std::chrono::duration<double, std::nano>(t1 - t0).count() / kBatch;
    const double h = std::chrono::duration<double, std::nano>(t2 - t1).count() / kBatch;
    bare_ns.push_back(b);
    harness_ns.push_back(h);
    overhead_ns.push_back(h - b);
  }
  state.counters["bare_ns_per_run"] = percentile_of(bare_ns, 50);
  state.counters["harness_ns_per_run"] = percentile_of(harness_ns, 50);
  state.counters["overhead_ns"] = percentile_of(overhead_ns, 50);
  state.counters["overhead_p90_ns"] = percentile_of(overhead_ns, 90);
}
BENCHMARK(BM_HarnessOverhead)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace inferfoundry

BENCHMARK_MAIN();
