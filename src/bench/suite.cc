#include "bench/suite.h"

#include <algorithm>
#include <optional>

#include "bench/environment.h"
#include "core/error.h"
#include "core/file_io.h"
#include "model/tensor_proto.h"

namespace inferfoundry {
namespace {

nlohmann::json check_json(const OutputCheck& check, const std::string& first_runtime) {
  nlohmann::json j = {{"enabled", check.enabled}};
  if (!check.enabled) return j;
  j["reference"] = check.reference.empty() ? first_runtime : check.reference;
  if (check.tolerance.atol) j["atol"] = *check.tolerance.atol;
  if (check.tolerance.rtol) j["rtol"] = *check.tolerance.rtol;
  return j;
}

// The reference must be one of the runtimes that run, or there is nothing to compare against.
std::string resolve_reference(const OutputCheck& check, const std::vector<const Runtime*>& runtimes) {
  if (check.reference.empty()) return runtimes.front()->name();
  const bool listed = std::any_of(runtimes.begin(), runtimes.end(),
                                  [&](const Runtime* runtime) { return runtime->name() == check.reference; });
  if (!listed) fail(ErrorKind::kUsage, "--reference {} is not one of the runtimes benchmarked", check.reference);
  return check.reference;
}

void validate_tolerance(const ToleranceOverride& tolerance) {
  if (tolerance.atol && !(*tolerance.atol >= 0)) fail(ErrorKind::kUsage, "--atol must be a number >= 0");
  if (tolerance.rtol && !(*tolerance.rtol >= 0)) fail(ErrorKind::kUsage, "--rtol must be a number >= 0");
}

// `--option RUNTIME:KEY=VALUE` reaches only that runtime; a scope naming no runtime of the run is a typo.
void check_option_scopes(const RuntimeOptions& options, const std::vector<const Runtime*>& runtimes) {
  for (const auto& [key, value] : options.extra) {
    const auto colon = key.find(':');
    if (colon == std::string::npos) continue;
    const std::string_view scope = std::string_view(key).substr(0, colon);
    const bool runs =
        std::any_of(runtimes.begin(), runtimes.end(), [&](const Runtime* runtime) { return runtime->name() == scope; });
    if (!runs)
      fail(ErrorKind::kUsage, "--option {}={}: '{}' is not one of the runtimes benchmarked", key, value, scope);
  }
}

// DIR/RUNTIME must be a real folder (or not exist yet): a symbolic link there would send the outputs to
// wherever it points, outside the folder the user named. Error(kOutput) names the link.
void refuse_linked_output_folder(const std::filesystem::path& dir, const std::string& runtime) {
  const std::filesystem::path folder = dir / runtime;
  std::error_code ec;
  if (!std::filesystem::is_symlink(folder, ec)) return;
  fail(ErrorKind::kOutput,
       "cannot write outputs to {}: it is a symbolic link (to {}), and --save-outputs writes only inside {}",
       folder.string(), std::filesystem::read_symlink(folder, ec).string(), dir.string());
}

void save_outputs(const BenchmarkReport& report, const std::filesystem::path& dir) {
  for (const auto& result : report.results) {
    if (result.status != RunStatus::kOk) continue;
    refuse_linked_output_folder(dir, result.runtime);
    write_tensor_folder(dir / result.runtime, "output", result.outputs);
  }
}

nlohmann::json config_json(const BenchmarkRequest& request, const std::vector<const Runtime*>& runtimes,
                           const std::vector<Tensor>& inputs) {
  nlohmann::json names = nlohmann::json::array();
  for (const Runtime* runtime : runtimes) names.push_back(runtime->name());
  nlohmann::json input_list = nlohmann::json::array();
  for (const auto& input : inputs) {
    input_list.push_back(
        {{"name", input.name()}, {"shape", format_shape(input.shape())}, {"dtype", dtype_name(input.dtype())}});
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
          {"precision", precision_name(request.options.precision)},
          {"include_transfers", request.options.include_transfers},
          {"check", check_json(request.check, names.empty() ? "" : names[0].get<std::string>())}};
}

nlohmann::json settings_json(const RuntimeOptions& options) {
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& [name, shape] : options.shapes) shapes[name] = format_shape(shape);
  return {{"threads", options.threads},
          {"precision", precision_name(options.precision)},
          {"shapes", shapes},
          {"include_transfers", options.include_transfers},
          {"options", options.extra}};
}

}  // namespace

RuntimeOptions options_for(const RuntimeOptions& options, std::string_view runtime) {
  RuntimeOptions own = options;
  own.extra.clear();
  for (const auto& [key, value] : options.extra) {
    const auto colon = key.find(':');
    if (colon == std::string::npos) {
      own.extra.emplace(key, value);
    } else if (std::string_view(key).substr(0, colon) == runtime) {
      own.extra[key.substr(colon + 1)] = value;  // a scoped value wins over an unscoped one
    }
  }
  return own;
}

BenchmarkReport run_benchmark(const RuntimeRegistry& registry, const BenchmarkRequest& request,
                              const ProgressFactory& progress) {
  const auto runtimes = registry.resolve(request.runtimes);
  if (runtimes.empty()) fail(ErrorKind::kUnavailable, "no runtime is available on this machine");
  check_option_scopes(request.options, runtimes);
  const std::string reference = request.check.enabled ? resolve_reference(request.check, runtimes) : "";
  validate_tolerance(request.check.tolerance);
  // Output folders are made and checked before the long part, so a bad path fails in seconds, not after the
  // runs; a folder made here is removed again when the benchmark then fails.
  std::optional<CreatedFolders> outputs_folder;
  if (!request.save_outputs_dir.empty()) {
    outputs_folder.emplace(request.save_outputs_dir);
    for (const Runtime* runtime : runtimes) refuse_linked_output_folder(request.save_outputs_dir, runtime->name());
  }
  const Model model = Model::load(request.model);
  const std::vector<Tensor> inputs = request.inputs_dir.empty() ? synthesize_inputs(model, request.input_spec)
                                                                : load_inputs(model, request.inputs_dir);
  if (!request.save_inputs_dir.empty()) write_tensor_folder(request.save_inputs_dir, "input", inputs);

  BenchmarkReport report;
  report.model = model.display_name();
  report.model_path = request.model.string();
  report.environment = collect_environment(runtimes);
  report.config = config_json(request, runtimes, inputs);
  for (const Runtime* runtime : runtimes) {
    const RuntimeOptions options = options_for(request.options, runtime->name());
    RuntimeResult result = benchmark_runtime(*runtime, model, inputs, options, request.plan,
                                             progress ? progress(runtime->name()) : ProgressFn{});
    result.settings = settings_json(options);
    report.results.push_back(std::move(result));
  }
  if (request.check.enabled) check_outputs(report, reference, request.check.tolerance);
  if (!request.save_outputs_dir.empty()) save_outputs(report, request.save_outputs_dir);
  if (outputs_folder) outputs_folder->keep();
  return report;
}

void check_outputs(BenchmarkReport& report, const std::string& reference, const ToleranceOverride& tolerance) {
  const auto ref = std::find_if(report.results.begin(), report.results.end(),
                                [&](const RuntimeResult& r) { return r.runtime == reference; });
  if (ref == report.results.end() || ref->status != RunStatus::kOk) return;
  for (auto& result : report.results) {
    if (&result == &*ref || result.status != RunStatus::kOk) continue;
    // A comparison is as loose as the less exact of the two sides.
    const Precision pair_precision = less_exact(result.precision, ref->precision);
    const ToleranceFn tolerance_for = [&](DType dtype) {
      return tolerance.apply(precision_tolerance(pair_precision, dtype));
    };
    AccuracyVerdict verdict = compare_outputs(result.outputs, ref->outputs, tolerance_for);
    verdict.reference = reference;
    result.accuracy = std::move(verdict);
  }
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
