#include "bench/runner.h"

#include <chrono>

namespace inferfoundry {

namespace {
using Clock = std::chrono::steady_clock;

void record(Samples& samples, const RunTiming& timing) {
  if (timing.device_ms) samples.device_ms.push_back(*timing.device_ms);
  if (timing.h2d_ms) samples.h2d_ms.push_back(*timing.h2d_ms);
  if (timing.d2h_ms) samples.d2h_ms.push_back(*timing.d2h_ms);
}
}  // namespace

Samples time_runs(Session& session, const RunPlan& plan, const ProgressFn& progress) {
  for (int64_t i = 0; i < plan.warmup_runs; ++i) session.run();

  Samples samples;
  const auto expected = static_cast<size_t>(std::min<int64_t>(std::max<int64_t>(plan.min_iterations, 1), 1 << 20));
  samples.latency_ms.reserve(expected);
  const auto loop_start = Clock::now();
  const auto min_duration = std::chrono::duration<double>(plan.min_duration_s);
  auto next_progress = loop_start + std::chrono::milliseconds(250);
  for (int64_t i = 0; i < plan.max_iterations; ++i) {
    const auto start = Clock::now();
    const RunTiming timing = session.run();
    const auto end = Clock::now();
    samples.latency_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    record(samples, timing);
    if (i + 1 >= plan.min_iterations && end - loop_start >= min_duration) break;
    if (progress && end >= next_progress) {
      progress(i + 1, std::chrono::duration<double>(end - loop_start).count());
      next_progress = end + std::chrono::milliseconds(250);
    }
  }
  samples.wall_s = std::chrono::duration<double>(Clock::now() - loop_start).count();
  return samples;
}

}  // namespace inferfoundry
