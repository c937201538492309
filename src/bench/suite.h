#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/accuracy.h"
#include "bench/benchmark.h"
#include "bench/inputs.h"
#include "runtimes/registry.h"

namespace inferfoundry {

// The output check that follows the timed runs: every runtime's first-run outputs against the reference's.
struct OutputCheck {
  bool enabled = true;
  std::string reference;        // runtime compared against; empty = the first runtime listed
  ToleranceOverride tolerance;  // --atol / --rtol over the defaults for the precision
};

// Everything one `inferfoundry benchmark` invocation asks for, independent of the command line.
struct BenchmarkRequest {
  std::filesystem::path model;
  std::string runtimes = "onnx";  // comma list or "all"; the first is the baseline
  RuntimeOptions options;
  RunPlan plan;
  InputSpec input_spec;              // synthetic inputs...
  std::filesystem::path inputs_dir;  // ...unless a folder of input_K.pb files is given
  OutputCheck check;
  std::filesystem::path save_inputs_dir;   // when set: the inputs used, as input_K.pb
  std::filesystem::path save_outputs_dir;  // when set: <dir>/<runtime>/output_K.pb for each runtime that ran
};

// The options one runtime gets: every unscoped `--option KEY=VALUE`, and `RUNTIME:KEY=VALUE` for this runtime
// with the scope removed (it wins over the same key unscoped).
RuntimeOptions options_for(const RuntimeOptions& options, std::string_view runtime);

// Makes a progress callback for a runtime (or an empty one for silence).
using ProgressFactory = std::function<ProgressFn(const std::string& runtime)>;

// Loads the model, makes or loads the inputs once, and puts every requested runtime through the same
// measuring sequence with identical inputs. Usage and input errors throw; a runtime's own failure is a
// result row. The CLI is a thin layer over this, and tests call it with their own registry.
BenchmarkReport run_benchmark(const RuntimeRegistry& registry, const BenchmarkRequest& request,
                              const ProgressFactory& progress = {});

// Compares the outputs of every runtime that ran with the reference's and stores the verdict in each
// result (the reference itself gets none). Runtimes are left unchecked when the reference did not run.
// Default tolerances follow the less exact of the two precisions the pair's sessions reported running at
// (a runtime fixed to fp16 reports fp16 whatever --precision asked).
void check_outputs(BenchmarkReport& report, const std::string& reference, const ToleranceOverride& tolerance);

// The exit status a benchmark report maps to (core/error.h exit_code): failed > check failed > unavailable.
int benchmark_exit_status(const BenchmarkReport& report);

}  // namespace inferfoundry
