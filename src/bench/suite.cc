#include "bench/suite.h"

#include "bench/environment.h"
#include "core/error.h"

namespace inferfoundry {
namespace {

nlohmann::json config_json(const BenchmarkRequest& request, const std::vector<const Runtime*>& runtimes,
                           const std::vector<Tensor>& inputs) {
  nlohmann::json names = nlohmann::json::array();
  for (const Runtime* runtime : runtimes) names.push_back(runtime->name());
  nlohmann::json input_list = nlohmann::json::array();
  for (const auto& input : inputs) {
    input_list.push_back({{"name", input.name()}, {"shape", format_shape(input.shape())}, {"dtype", dtype_name(input.dtype())}});
  }
  const bool synthetic = request.inputs_dir.empty();
  return {{"runtimes", names},
          {"baseline", names.empty() ? "" : names[0]},
          {"warmup_runs", request.plan.warmup_runs},
          {"min_iterations", request.plan.min_iterations},
          {"min_duration_s", request.plan.min_duration_s},
          {"input_source", synthetic ? "synthetic" : request.inputs_dir.string()},
          {"seed", request.input_spec.seed},
          {"int_range", {request.input_spec.int_min, request.input_spec.int_max}},
          {"inputs", input_list},
          {"threads", request.options.threads},
          {"precision", request.options.precision},
          {"include_transfers", request.options.include_transfers}};
}

nlohmann::json settings_json(const RuntimeOptions& options) {
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& [name, shape] : options.shapes) shapes[name] = format_shape(shape);
  return {{"threads", options.threads}, {"precision", options.precision}, {"shapes", shapes},
          {"include_transfers", options.include_transfers}, {"options", options.extra}};
}

}  // namespace

BenchmarkReport run_benchmark(const RuntimeRegistry& registry, const BenchmarkRequest& request,
                              const ProgressFactory& progress) {
  const auto runtimes = registry.resolve(request.runtimes);
  if (runtimes.empty()) fail(ErrorKind::kUnavailable, "no runtime is available on this machine");
  const Model model = Model::load(request.model);
  const std::vector<Tensor> inputs =
      request.inputs_dir.empty() ? synthesize_inputs(model, request.input_spec) : load_inputs(model, request.inputs_dir);

  BenchmarkReport report;
  report.model = model.display_name();
  report.model_path = request.model.string();
  report.environment = collect_environment(runtimes);
  report.config = config_json(request, runtimes, inputs);
  for (const Runtime* runtime : runtimes) {
    RuntimeResult result = benchmark_runtime(*runtime, model, inputs, request.options, request.plan,
                                             progress ? progress(runtime->name()) : ProgressFn{});
    result.settings = settings_json(request.options);
    report.results.push_back(std::move(result));
  }
  return report;
}

int benchmark_exit_status(const BenchmarkReport& report) {
  bool failed = false, check_failed = false, unavailable = false;
  for (const auto& r : report.results) {
    failed = failed || r.status == RunStatus::kFailed;
    unavailable = unavailable || r.status == RunStatus::kUnavailable;
    check_failed = check_failed || (r.accuracy && !r.accuracy->passed);
  }
  if (failed) return exit_code::kRuntimeFailed;
  if (check_failed) return exit_code::kCheckFailed;
  if (unavailable) return exit_code::kUnavailable;
  return exit_code::kOk;
}

}  // namespace inferfoundry
