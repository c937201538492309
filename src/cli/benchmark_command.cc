// `inferfoundry benchmark`: the same model on several runtimes, one measuring loop, one table.
#include <unistd.h>

#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "bench/suite.h"
#include "cache/cache.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/option_values.h"
#include "report/json_format.h"
#include "report/reporters.h"

namespace inferfoundry::cli {
namespace {

struct BenchmarkOptions {
  std::string model;
  std::string runtimes = "onnx";
  std::string shapes, min_shapes, max_shapes;
  int64_t warmup = 10;
  int64_t iterations = 100;
  std::string duration;
  uint64_t seed = 42;
  std::string int_range;
  std::string inputs_dir;
  std::string output;
  int threads = 0;
  std::string precision = "fp32";
  std::string cache_dir;
  bool include_transfers = false;
  std::vector<std::string> runtime_options;
  bool quiet = false;
  std::string reference;
  std::optional<double> atol, rtol;
  bool no_check = false;
  std::string save_inputs, save_outputs;
  std::string max_input_bytes = "4G";  // InputSpec::kDefaultMaxInputBytes
};

class BenchmarkCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand("benchmark", "Benchmark a model on one or more runtimes and compare them");
    cmd->add_option("--model,-m", o_.model, "ONNX model file")->required()->check(non_empty_path());
    cmd->add_option("--runtimes,-r", o_.runtimes, "Comma list of runtimes, or 'all'; the first is the baseline")
        ->capture_default_str();
    cmd->add_option("--shapes", o_.shapes,
                    "Input shapes: NAME:1x3x224x224,... (NAME may be a symbolic dimension: batch:8)");
    cmd->add_option("--min-shapes", o_.min_shapes,
                    "Smallest shapes of a dynamic-shape profile (runtimes that build engines)");
    cmd->add_option("--max-shapes", o_.max_shapes, "Largest shapes of a dynamic-shape profile");
    cmd->add_option("--warmup", o_.warmup, "Untimed runs before timing")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--iterations,-n", o_.iterations, "Least number of timed runs")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--duration", o_.duration,
                    "Least time to spend in timed runs, like 10s (default 1s unless --iterations is given)");
    cmd->add_option("--seed", o_.seed, "Seed of the synthetic inputs")->capture_default_str();
    cmd->add_option("--int-range", o_.int_range, "Range of synthetic integer inputs, MIN:MAX (default 0:1000)");
    cmd->add_option("--max-input-bytes", o_.max_input_bytes,
                    "Largest total size of the synthetic inputs, like 4G or 500M; larger shapes are refused")
        ->capture_default_str();
    cmd->add_option("--inputs", o_.inputs_dir, "Folder of input_K.pb TensorProto files instead of synthetic inputs")
        ->check(non_empty_path());
    cmd->add_option("--output,-o", o_.output, "Write the results as JSON to this file")->check(non_empty_path());
    cmd->add_option("--threads", o_.threads, "CPU threads per runtime (0 = runtime default)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--precision", o_.precision, "fp32, fp16, bf16 or int8 (runtimes that convert models)")
        ->check(CLI::IsMember({"fp32", "fp16", "bf16", "int8"}))
        ->capture_default_str();
    cmd->add_option("--cache-dir", o_.cache_dir,
                    "Cache folder for engines and plans (default: $INFERFOUNDRY_CACHE_DIR or XDG cache)")
        ->check(non_empty_path());
    cmd->add_flag("--include-transfers", o_.include_transfers, "GPU runtimes: time host<->device copies in every run");
    cmd->add_option("--option", o_.runtime_options,
                    "Runtime-specific option KEY=VALUE for every runtime, or RUNTIME:KEY=VALUE for one (repeatable)");
    cmd->add_option("--reference", o_.reference,
                    "Runtime whose outputs the others are checked against (default: the first listed)");
    cmd->add_option("--atol", o_.atol,
                    "Absolute tolerance of the output check (default by --precision: fp32 1e-4, fp16 1e-2, int8 1e-1)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--rtol", o_.rtol,
                    "Relative tolerance of the output check (default by --precision: fp32 1e-3, fp16 1e-2, int8 1e-1)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--no-check", o_.no_check, "Do not compare outputs across runtimes");
    cmd->add_option("--save-inputs", o_.save_inputs,
                    "Write the inputs used to this folder as input_K.pb (ONNX test-data layout)")
        ->check(non_empty_path());
    cmd->add_option("--save-outputs", o_.save_outputs, "Write each runtime's outputs to FOLDER/RUNTIME/output_K.pb")
        ->check(non_empty_path());
    cmd->add_flag("--quiet,-q", o_.quiet, "Print only the table");
    cmd_ = cmd;
    return cmd;
  }

  int run(const RuntimeRegistry& registry) override;

 private:
  RunPlan run_plan() const;
  RuntimeOptions runtime_options() const;
  InputSpec input_spec() const;

  BenchmarkOptions o_;
  CLI::App* cmd_ = nullptr;
};

RunPlan BenchmarkCommand::run_plan() const {
  RunPlan plan;
  plan.warmup_runs = o_.warmup;
  const bool iterations_given = cmd_->count("--iterations") > 0;
  const bool duration_given = !o_.duration.empty();
  plan.min_iterations = iterations_given ? o_.iterations : (duration_given ? 10 : 100);
  plan.min_duration_s = duration_given ? parse_duration_s(o_.duration) : (iterations_given ? 0.0 : 1.0);
  return plan;
}

RuntimeOptions BenchmarkCommand::runtime_options() const {
  RuntimeOptions options;
  options.threads = o_.threads;
  options.precision = parse_precision(o_.precision);
  if (!o_.shapes.empty()) options.shapes = parse_shape_list(o_.shapes);
  if (!o_.min_shapes.empty()) options.min_shapes = parse_shape_list(o_.min_shapes);
  if (!o_.max_shapes.empty()) options.max_shapes = parse_shape_list(o_.max_shapes);
  options.cache_dir = o_.cache_dir;
  options.include_transfers = o_.include_transfers;
  options.extra = parse_key_values(o_.runtime_options);
  return options;
}

InputSpec BenchmarkCommand::input_spec() const {
  InputSpec spec;
  spec.seed = o_.seed;
  if (!o_.shapes.empty()) spec.shapes = parse_shape_list(o_.shapes);
  spec.max_input_bytes = parse_byte_size(o_.max_input_bytes);
  if (!o_.int_range.empty()) {
    const auto colon = o_.int_range.find(':', 1);
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      spec.int_min = std::stoll(o_.int_range.substr(0, colon));
      spec.int_max = std::stoll(o_.int_range.substr(colon + 1));
    } catch (const std::exception&) {
      fail(ErrorKind::kUsage, "invalid --int-range '{}': expected MIN:MAX like 0:32000", o_.int_range);
    }
  }
  return spec;
}

ProgressFn progress_printer(const std::string& runtime) {
  if (!isatty(fileno(stderr))) return {};
  return [runtime](int64_t runs, double elapsed_s) {
    if (elapsed_s < 1.0) return;  // short runs stay quiet
    fmt::print(stderr, "\r  {}: {} runs, {:.1f} s   \033[K", runtime, runs, elapsed_s);
    std::fflush(stderr);
  };
}

int BenchmarkCommand::run(const RuntimeRegistry& registry) {
  BenchmarkRequest request;
  request.model = o_.model;
  request.runtimes = o_.runtimes;
  request.options = runtime_options();
  request.plan = run_plan();
  request.input_spec = input_spec();
  request.inputs_dir = o_.inputs_dir;
  request.check.enabled = !o_.no_check;
  request.check.reference = o_.reference;
  request.check.tolerance = {o_.atol, o_.rtol};
  request.save_inputs_dir = o_.save_inputs;
  request.save_outputs_dir = o_.save_outputs;
  if (o_.no_check && (!o_.reference.empty() || o_.atol || o_.rtol)) {
    fail(ErrorKind::kUsage, "--no-check cannot be combined with --reference, --atol or --rtol");
  }
  registry.resolve(request.runtimes);  // unknown runtime names fail before anything else
  if (!o_.output.empty()) check_writable(o_.output);

  const BenchmarkReport report = run_benchmark(registry, request, progress_printer);
  if (isatty(fileno(stderr))) fmt::print(stderr, "\r\033[K");
  fmt::print("{}", render_text(report));
  if (!o_.output.empty()) {
    save_report(o_.output, report);
    if (!o_.quiet) fmt::print("results written to {}\n", o_.output);
  }
  return benchmark_exit_status(report);
}

}  // namespace

std::unique_ptr<Command> make_benchmark_command() { return std::make_unique<BenchmarkCommand>(); }

}  // namespace inferfoundry::cli
