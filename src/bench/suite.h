#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/benchmark.h"
#include "bench/inputs.h"
#include "runtimes/registry.h"

namespace inferfoundry {

// Everything one `inferfoundry benchmark` invocation asks for, independent of the command line.
struct BenchmarkRequest {
  std::filesystem::path model;
  std::string runtimes = "onnx";  // comma list or "all"; the first is the baseline
  RuntimeOptions options;
  RunPlan plan;
  InputSpec input_spec;              // synthetic inputs...
  std::filesystem::path inputs_dir;  // ...unless a folder of input_K.pb files is given
};

// Makes a progress callback for a runtime (or an empty one for silence).
using ProgressFactory = std::function<ProgressFn(const std::string& runtime)>;

// Loads the model, makes or loads the inputs once, and puts every requested runtime through the same
// measuring sequence with identical inputs. Usage and input errors throw; a runtime's own failure is a
// result row. The CLI is a thin layer over this, and tests call it with their own registry.
BenchmarkReport run_benchmark(const RuntimeRegistry& registry, const BenchmarkRequest& request,
                              const ProgressFactory& progress = {});

// The exit status a benchmark report maps to (core/error.h exit_code): failed > check failed > unavailable.
int benchmark_exit_status(const BenchmarkReport& report);

}  // namespace inferfoundry
