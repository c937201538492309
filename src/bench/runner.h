#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "runtimes/runtime.h"

namespace inferfoundry {

// How long to measure. The timed loop stops once both the iteration count and the duration are reached
// (as trtexec does), or at max_iterations.
struct RunPlan {
  int64_t warmup_runs = 10;
  int64_t min_iterations = 100;
  double min_duration_s = 1.0;
  int64_t max_iterations = 1'000'000;
};

// Raw per-run measurements of the timed loop. The host clock brackets each Session::run(); device,
// host-to-device and device-to-host times are present when the runtime measured them.
struct Samples {
  std::vector<double> latency_ms;
  std::vector<double> device_ms;
  std::vector<double> h2d_ms;
  std::vector<double> d2h_ms;
  double wall_s = 0;  // wall time of the whole timed loop
};

// Called now and then during the timed loop with the runs done and the seconds elapsed.
using ProgressFn = std::function<void(int64_t runs_done, double elapsed_s)>;

// Warm-up runs, then the timed loop. Prints nothing; the caller reports.
Samples time_runs(Session& session, const RunPlan& plan, const ProgressFn& progress = {});

}  // namespace inferfoundry
