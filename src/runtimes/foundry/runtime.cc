// `foundry`: InferFoundry's own ahead-of-time ONNX -> CUDA engine builder (docs/foundry.md).
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <future>

#include <fmt/format.h>

#include "core/error.h"
#include "core/file_io.h"
#include "core/stopwatch.h"
#include "runtimes/cuda/cuda_common.h"
#include "runtimes/foundry/engine/engine.h"
#include "runtimes/foundry/engine/lt_matmul.h"
#include "runtimes/foundry/options.h"
#include "runtimes/foundry/plan/fingerprint.h"
#include "runtimes/foundry/plan/plan_store.h"
#include "runtimes/foundry/plan/planner.h"

namespace inferfoundry {
namespace foundry {
namespace {

void warn(const std::string& message) { fmt::print(stderr, "foundry: warning: {}\n", message); }

PlanSettings plan_settings(const FoundryOptions& options) {
  return {.precision = options.precision,
          .tf32 = options.tf32,
          .layout = std::string(layout_name(options.layout)),
          .depthwise = std::string(depthwise_name(options.depthwise)),
          .kernel_reuse_tolerance = options.kernel_reuse_tolerance};
}

class FoundrySession : public Session {
 public:
  FoundrySession(std::unique_ptr<Engine> engine, const Model& model, bool include_transfers, Precision precision,
                 nlohmann::json details)
      : engine_(std::move(engine)),
        include_transfers_(include_transfers),
        precision_(precision),
        details_(std::move(details)) {
    for (const TensorSpec& spec : model.outputs()) output_names_.push_back(spec.name);
    for (size_t k = 0; k < engine_->plan().graph.inputs.size(); ++k)
      host_inputs_.emplace_back(std::max<size_t>(1, engine_->input_value(k).byte_size()));
    for (size_t k = 0; k < engine_->plan().graph.outputs.size(); ++k)
      host_outputs_.emplace_back(std::max<size_t>(1, engine_->output_value(k).byte_size()));
  }

  void set_inputs(const std::vector<Tensor>& inputs) override {
    if (inputs.size() != host_inputs_.size())
      fail(ErrorKind::kInput, "foundry: {} inputs given, the plan has {}", inputs.size(), host_inputs_.size());
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Value& want = engine_->input_value(k);
      if (inputs[k].dtype() != want.dtype || inputs[k].shape() != want.shape) {
        fail(ErrorKind::kInput, "foundry: input '{}' is {} {}, the plan was built for {} {} (rebuild with --shapes)",
             want.name, dtype_name(inputs[k].dtype()), format_shape(inputs[k].shape()), dtype_name(want.dtype),
             format_shape(want.shape));
      }
      std::memcpy(host_inputs_[k].get(), inputs[k].bytes().data(), inputs[k].byte_size());
    }
    if (!include_transfers_) {
      copy_inputs();
      cuda::check(cudaStreamSynchronize(engine_->stream()), "input upload");
    }
  }

  RunTiming run() override {
    const cudaStream_t stream = engine_->stream();
    RunTiming timing;
    if (include_transfers_) {
      h2d_start_.record(stream);
      copy_inputs();
    }
    start_.record(stream);
    engine_->launch();
    stop_.record(stream);
    if (include_transfers_) {
      copy_outputs();
      d2h_stop_.record(stream);
    }
    cuda::check(cudaStreamSynchronize(stream), "foundry run");
    timing.device_ms = stop_.elapsed_since(start_);
    if (include_transfers_) {
      timing.h2d_ms = start_.elapsed_since(h2d_start_);
      timing.d2h_ms = d2h_stop_.elapsed_since(stop_);
    }
    return timing;
  }

  std::vector<Tensor> outputs() override {
    if (!include_transfers_) {
      copy_outputs();
      cuda::check(cudaStreamSynchronize(engine_->stream()), "output download");
    }
    std::vector<Tensor> out;
    for (size_t k = 0; k < host_outputs_.size(); ++k) {
      const Value& value = engine_->output_value(k);
      Tensor tensor(k < output_names_.size() ? output_names_[k] : value.name, value.dtype, value.shape);
      std::memcpy(tensor.bytes().data(), host_outputs_[k].get(), tensor.byte_size());
      out.push_back(std::move(tensor));
    }
    return out;
  }

  Precision precision() const override { return precision_; }
  nlohmann::json details() const override { return details_; }

 private:
  void copy_inputs() {
    for (size_t k = 0; k < host_inputs_.size(); ++k) {
      cuda::check(cudaMemcpyAsync(engine_->input_device(k), host_inputs_[k].get(), engine_->input_value(k).byte_size(),
                                  cudaMemcpyHostToDevice, engine_->stream()),
                  "input copy");
    }
  }
  void copy_outputs() {
    for (size_t k = 0; k < host_outputs_.size(); ++k) {
      cuda::check(cudaMemcpyAsync(host_outputs_[k].get(), engine_->output_device(k),
                                  engine_->output_value(k).byte_size(), cudaMemcpyDeviceToHost, engine_->stream()),
                  "output copy");
    }
  }

  std::unique_ptr<Engine> engine_;
  bool include_transfers_;
  Precision precision_;
  nlohmann::json details_;
  std::vector<std::string> output_names_;
  std::vector<cuda::PinnedBuffer> host_inputs_, host_outputs_;
  cuda::Event h2d_start_, start_, stop_, d2h_stop_;
};

class FoundryRuntime : public Runtime {
 public:
  // `fixed_fp16` makes the `foundry-fp16` variant, which always builds fp16 plans, so that one benchmark
  // run can hold fp32 peers and foundry fp16 side by side.
  explicit FoundryRuntime(bool fixed_fp16) : fixed_fp16_(fixed_fp16) {}
  std::string name() const override { return fixed_fp16_ ? "foundry-fp16" : "foundry"; }
  std::string description() const override {
    return std::string(
               "InferFoundry's own ahead-of-time engine: fused cuDNN/cuBLASLt/own CUDA kernels, static memory plan, "
               "CUDA graph") +
           (fixed_fp16_ ? " (always fp16)" : "");
  }
  Availability availability() const override {
    Availability gpu = cuda::gpu_availability();
    if (!gpu.available) return gpu;
    if (cudnnGetVersion() < 90000) return {false, "cuDNN 9 is needed (libcudnn.so.9 from the CUDA install)"};
    return {true, ""};
  }
  std::string version() const override { return fmt::format("{} ({})", kFoundryVersion, dnn_versions()); }

  std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions& requested) const override {
    const FoundryOptions options = parse_foundry_options(requested, fixed_fp16_);
    const Availability available = availability();
    if (!available.available) fail(ErrorKind::kUnavailable, "runtime 'foundry' is unavailable: {}", available.reason);
    const auto gpu = cuda::query_gpu();
    if (!gpu) fail(ErrorKind::kUnavailable, "runtime 'foundry' is unavailable: GPU properties could not be read");
    const Stopwatch prepare_watch;
    // Creating the CUDA context costs the same whether a plan is built or loaded (about 0.1 s on an H100),
    // so it is timed apart and build_ms / load_ms compare only the work that differs; prepare_ms has it all.
    const Stopwatch init_watch;
    cuda::check(cudaFree(nullptr), "CUDA context");
    const double gpu_init_ms = init_watch.elapsed_ms();
    const Stopwatch watch;
    // cuBLASLt's first use in a process costs 0.045-0.13 s (fp32-fp16, H100), whether a heuristic query, an
    // algorithm check or a product; it waits for the context, then runs on a helper thread while this one
    // hashes the model and reads the plan (or, building, runs the graph passes).
    std::future<WarmLtHandle> warm_lt =
        std::async(std::launch::async, warm_cublaslt_handle, options.precision == Precision::kFp16, options.tf32);
    const nlohmann::json fingerprint = plan_fingerprint(
        model, plan_settings(options), requested.shapes,
        {.gpu = gpu->name,
         .compute_capability = gpu->compute_capability(),
         .library_versions = fmt::format("CUDA runtime {} / {}", gpu->runtime_version, dnn_versions())});
    EngineOptions engine_options{.tf32 = options.tf32,
                                 .own_depthwise = options.depthwise == DepthwiseKernel::kFoundry,
                                 .kernel_reuse_tolerance = options.kernel_reuse_tolerance};
    if (isatty(fileno(stderr)) || options.progress) {
      engine_options.progress = [](const std::string& line) { fmt::print(stderr, "foundry: {}\n", line); };
    }

    nlohmann::json details = {
        {"fingerprint", fingerprint}, {"fingerprint_ms", watch.elapsed_ms()}, {"gpu_init_ms", gpu_init_ms}};
    const Stopwatch read_watch;
    std::optional<PlanFile> plan = existing_plan(options, requested.cache_dir, fingerprint, details);
    std::unique_ptr<Engine> engine;
    if (plan) {
      details["plan_read_ms"] = read_watch.elapsed_ms();
      const Stopwatch engine_watch;
      engine_options.choose_kernels = false;
      engine = std::make_unique<Engine>(std::move(*plan), engine_options, take_warm_handle(warm_lt, details));
      details["engine_start_ms"] = engine_watch.elapsed_ms();
      details["load_ms"] = watch.elapsed_ms();
      save_plan_file(options, serialize_plan(engine->plan()), details);  // --save-plan holds also for loaded plans
    } else {
      engine = build(model, options, requested, fingerprint, engine_options, warm_lt, details);
      details["build_ms"] = watch.elapsed_ms();
    }
    details["prepare_ms"] = prepare_watch.elapsed_ms();
    details["engine_start_phases_ms"] = engine->start_phases_ms();
    details["cuda_graph"] = engine->uses_cuda_graph();
    if (!engine->uses_cuda_graph()) {
      warn("CUDA graph capture failed (" + engine->capture_error() + "); running the layers one by one");
      details["cuda_graph_error"] = engine->capture_error();
    }
    details["summary"] = engine->plan().summary;
    details["kernels"] = engine->kernels();
    details["kernel_summary"] = engine->kernel_summary();
    if (options.profile) details["profile"] = engine->profile(options.profile_iterations);
    return std::make_unique<FoundrySession>(std::move(engine), model, requested.include_transfers, options.precision,
                                            std::move(details));
  }

 private:
  static std::optional<PlanFile> existing_plan(const FoundryOptions& options, const std::filesystem::path& cache_dir,
                                               const nlohmann::json& fingerprint, nlohmann::json& details) {
    PlanRead read;
    if (!options.load_plan.empty()) {
      read = read_plan_file(options.load_plan, fingerprint);
      details["plan_source"] = read.plan ? "plan file " + options.load_plan.string() : "built (plan file unusable)";
    } else if (!cache_dir.empty()) {
      read = read_cached_plan(cache_dir, fingerprint);
      details["plan_source"] = read.plan ? "cache" : "built (cache miss)";
    } else {
      details["plan_source"] = "built (no cache folder given)";
    }
    if (!read.warning.empty()) {
      warn(read.warning);
      details["plan_warning"] = read.warning;
    }
    if (read.plan) details["plan_read_phases_ms"] = {{"bytes", read.bytes_ms}, {"parse", read.parse_ms}};
    return std::move(read.plan);
  }

  static std::unique_ptr<Engine> build(const Model& model, const FoundryOptions& options,
                                       const RuntimeOptions& requested, const nlohmann::json& fingerprint,
                                       const EngineOptions& engine_options, std::future<WarmLtHandle>& warm_lt,
                                       nlohmann::json& details) {
    PipelineOptions pipeline_options;
    pipeline_options.format.fp16 = options.precision == Precision::kFp16;
    pipeline_options.format.nhwc = options.layout == ActivationLayout::kNhwc;
    pipeline_options.shapes = requested.shapes;
    const Stopwatch passes_watch;
    PlanFile plan = plan_model(model, pipeline_options, fingerprint);
    details["passes_ms"] = passes_watch.elapsed_ms();
    LtHandle lt = take_warm_handle(warm_lt, details);
    const Stopwatch choose_watch;
    auto engine = std::make_unique<Engine>(std::move(plan), engine_options, std::move(lt));
    details["kernel_selection_ms"] = choose_watch.elapsed_ms();
    const std::string bytes = serialize_plan(engine->plan());
    details["plan_bytes"] = bytes.size();
    if (!requested.cache_dir.empty()) write_cached_plan(requested.cache_dir, fingerprint, bytes);
    save_plan_file(options, bytes, details);
    return engine;
  }

  // Waits for the helper thread's handle; the wait and where the helper's time went go into the details.
  static LtHandle take_warm_handle(std::future<WarmLtHandle>& warm_lt, nlohmann::json& details) {
    const Stopwatch wait;
    WarmLtHandle warm = warm_lt.get();
    details["cublaslt_wait_ms"] = wait.elapsed_ms();
    details["cublaslt_start_phases_ms"] = std::move(warm.phases_ms);
    return std::move(warm.handle);
  }

  static void save_plan_file(const FoundryOptions& options, const std::string& bytes, nlohmann::json& details) {
    if (!options.save_plan.empty()) {
      write_file_atomically(options.save_plan, bytes);
      details["plan_saved_to"] = options.save_plan.string();
    }
  }

  bool fixed_fp16_;
};

}  // namespace
}  // namespace foundry

std::unique_ptr<Runtime> make_foundry_runtime() { return std::make_unique<foundry::FoundryRuntime>(false); }
std::unique_ptr<Runtime> make_foundry_fp16_runtime() { return std::make_unique<foundry::FoundryRuntime>(true); }

}  // namespace inferfoundry
