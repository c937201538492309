// How much faster is starting a foundry engine from a cached plan than building it, once the process has
// its GPU libraries up? This is the cost the plan cache removes, the figure trtexec reports as engine
// deserialization next to its build time. (The first start in a fresh process also pays for the CUDA
// context, cuBLASLt's start-up and lazy kernel loading, whichever path it takes; `inferfoundry build`'s JSON
// details and scripts/gpu/foundry_device_run.sh's cache stage measure that case.)
//
// BM_BuildVersusCachedLoad interleaves one build (no cache) and one load (from a cache filled beforehand) per
// iteration, so drift in machine speed hits both alike, and reports the medians of the runtime's own
// build_ms and load_ms and their ratio. Skips without a GPU.
//
// Run: foundry_plan_load_benchmark --model resnet50.onnx [--precision fp16] [--shapes batch:1] [gbench flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/inputs.h"
#include "core/error.h"
#include "core/file_io.h"
#include "model/model.h"
#include "runtimes/registry.h"

namespace inferfoundry {
namespace {

struct Settings {
  std::string model;
  std::string precision = "fp16";
  std::string shapes;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0.0 : values[values.size() / 2];
}

void build_versus_cached_load(benchmark::State& state, const Settings& settings) {
  const RuntimeRegistry registry = RuntimeRegistry::with_builtin_runtimes();
  const Runtime* foundry = registry.find("foundry");
  if (!foundry || !foundry->availability().available) {
    state.SkipWithError("foundry is unavailable here (no CUDA build or no GPU)");
    return;
  }
  const Model model = Model::load(settings.model);
  const TemporaryFolder cache("foundry-plan-bench");
  RuntimeOptions options;
  options.precision = parse_precision(settings.precision);
  if (!settings.shapes.empty()) options.shapes = parse_shape_list(settings.shapes);
  RuntimeOptions cached = options;
  cached.cache_dir = cache.path();
  foundry->prepare(model, cached);  // fills the cache and brings the GPU libraries up
  std::vector<double> build_ms, load_ms;
  for (auto _ : state) {
    build_ms.push_back(foundry->prepare(model, options)->details().at("build_ms").get<double>());
    const auto loaded = foundry->prepare(model, cached);
    if (loaded->details().at("plan_source") != "cache") {
      state.SkipWithError("the plan did not come from the cache");
      return;
    }
    load_ms.push_back(loaded->details().at("load_ms").get<double>());
  }
  state.counters["build_ms"] = median(build_ms);
  state.counters["load_ms"] = median(load_ms);
  state.counters["build_over_load"] = median(build_ms) / std::max(1e-9, median(load_ms));
}

// Takes --model, --precision and --shapes out of argv, leaving Google Benchmark's own flags.
Settings take_settings(int& argc, char** argv) {
  Settings settings;
  int kept = 1;
  for (int k = 1; k < argc; ++k) {
    const auto value = [&](const char* flag) -> const char* {
      return std::strcmp(argv[k], flag) == 0 && k + 1 < argc ? argv[++k] : nullptr;
    };
    if (const char* v = value("--model"))
      settings.model = v;
    else if (const char* v = value("--precision"))
      settings.precision = v;
    else if (const char* v = value("--shapes"))
      settings.shapes = v;
    else
      argv[kept++] = argv[k];
  }
  argc = kept;
  return settings;
}

}  // namespace
}  // namespace inferfoundry

int main(int argc, char** argv) {
  using namespace inferfoundry;
  Settings settings = take_settings(argc, argv);
  if (settings.model.empty()) settings.model = INFERFOUNDRY_DEMO_MODEL;
  benchmark::RegisterBenchmark(fmt::format("BM_BuildVersusCachedLoad/{}/{}",
                                           std::filesystem::path(settings.model).stem().string(), settings.precision)
                                   .c_str(),
                               [settings](benchmark::State& state) { build_versus_cached_load(state, settings); })
      ->Iterations(5)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  try {
    benchmark::RunSpecifiedBenchmarks();
  } catch (const Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return exit_code_for(e.kind());
  }
  benchmark::Shutdown();
  return 0;
}
