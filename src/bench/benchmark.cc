#include "bench/benchmark.h"

#include "bench/memory.h"
#include "core/error.h"
#include "core/stopwatch.h"

namespace inferfoundry {

std::string_view status_name(RunStatus status) {
  switch (status) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kUnavailable:
      return "unavailable";
    case RunStatus::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<RunStatus> status_from_name(std::string_view name) {
  for (auto status : {RunStatus::kOk, RunStatus::kUnavailable, RunStatus::kFailed}) {
    if (status_name(status) == name) return status;
  }
  return std::nullopt;
}

namespace {

template <typename Fn>
double time_ms(Fn&& fn) {
  const Stopwatch watch;
  fn();
  return watch.elapsed_ms();
}

std::optional<Summary> summary_if_any(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  return summarize(values);
}

void measure(RuntimeResult& result, const Runtime& runtime, const Model& model, const std::vector<Tensor>& inputs,
             const RuntimeOptions& options, const RunPlan& plan, const ProgressFn& progress) {
  std::unique_ptr<Session> session;
  result.prepare_ms = time_ms([&] { session = runtime.prepare(model, options); });
  session->set_inputs(inputs);
  result.first_run_ms = time_ms([&] { session->run(); });
  result.outputs = session->outputs();

  Samples samples = time_runs(*session, plan, progress);
  result.latency = summarize(samples.latency_ms);
  result.device = summary_if_any(samples.device_ms);
  result.h2d = summary_if_any(samples.h2d_ms);
  result.d2h = summary_if_any(samples.d2h_ms);
  result.wall_s = samples.wall_s;
  result.throughput_per_s = samples.wall_s > 0 ? static_cast<double>(samples.latency_ms.size()) / samples.wall_s : 0;
  result.samples_ms = std::move(samples.latency_ms);
  result.precision = session->precision();
  result.details = session->details();
}

}  // namespace

RuntimeResult benchmark_runtime(const Runtime& runtime, const Model& model, const std::vector<Tensor>& inputs,
                                const RuntimeOptions& options, const RunPlan& plan, const ProgressFn& progress) {
  RuntimeResult result;
  result.runtime = runtime.name();
  const Availability availability = runtime.availability();
  if (!availability.available) {
    result.status = RunStatus::kUnavailable;
    result.error = availability.reason;
    return result;
  }
  result.version = runtime.version();
  const bool peak_resettable = reset_peak_rss();
  try {
    measure(result, runtime, model, inputs, options, plan, progress);
  } catch (const Error& e) {
    result.status = e.kind() == ErrorKind::kUnavailable ? RunStatus::kUnavailable : RunStatus::kFailed;
    result.error = e.what();
  } catch (const std::exception& e) {
    result.status = RunStatus::kFailed;
    result.error = e.what();
  }
  // The peak is per runtime only if the kernel let us reset it; otherwise it is the process's peak.
  if (peak_resettable) result.peak_rss_mib = peak_rss_mib();
  return result;
}

}  // namespace inferfoundry
