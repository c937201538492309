#pragma once
#include <vector>

#include "bench/result.h"
#include "bench/runner.h"
#include "runtimes/runtime.h"

namespace inferfoundry {

// The one measuring sequence every runtime goes through: availability, session creation (cold start),
// staging inputs, first run, warm-up, timed runs, statistics, peak memory. Failures become a result
// with status and reason; nothing here throws for a runtime's failure.
RuntimeResult benchmark_runtime(const Runtime& runtime, const Model& model, const std::vector<Tensor>& inputs,
                                const RuntimeOptions& options, const RunPlan& plan, const ProgressFn& progress = {});

}  // namespace inferfoundry
