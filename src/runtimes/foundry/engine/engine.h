#pragma once
// Executes a planned graph on one CUDA stream: weights in one allocation, activations in one arena laid out
// by the memory plan, every step enqueued once into a CUDA graph that run() replays.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor.h"
#include "runtimes/cuda/cuda_common.h"
#include "runtimes/foundry/engine/dnn.h"
#include "runtimes/foundry/engine/steps.h"
#include "runtimes/foundry/plan/plan_format.h"

namespace inferfoundry::foundry {

struct EngineOptions {
  bool tf32 = false;
  bool own_depthwise = false;  // depthwise convolutions on foundry's own kernel without timing the others
  bool choose_kernels = true;  // time candidates now (building); false: use the plan's recorded choices
  // While choosing: each layer may run up to this fraction slower than its fastest candidate so that the
  // plan launches fewer distinct kernels (plan/kernel_choice.h); 0 keeps every layer's fastest.
  double kernel_reuse_tolerance = 0.05;
  std::function<void(const std::string&)> progress;  // one line per heavy layer while choosing
};

class Engine {
 public:
  // Takes the plan (kernel choices are written into it when choosing) and the cuBLASLt handle to use;
  // throws Error(kRuntime).
  Engine(PlanFile plan, const EngineOptions& options, LtHandle lt = LtHandle());
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const PlanFile& plan() const { return plan_; }
  cudaStream_t stream() const { return stream_.get(); }
  void* input_device(size_t k) const;
  void* output_device(size_t k) const;
  const Value& input_value(size_t k) const { return plan_.graph.values[plan_.graph.inputs[k]]; }
  const Value& output_value(size_t k) const { return plan_.graph.values[plan_.graph.outputs[k]]; }

  // Enqueues one run: a replay of the captured graph (or, when capture failed, every step in order).
  void launch() const;
  bool uses_cuda_graph() const { return static_cast<bool>(graph_); }
  const std::string& capture_error() const { return capture_error_; }
  // Runs every step on its own between CUDA events, `iterations` times; per layer median milliseconds.
  nlohmann::json profile(int iterations);
  // Which kernel each executed layer uses, for the build summary.
  nlohmann::json kernels() const;
  // How many distinct library kernels the plan launches and, when it was just built, how many layers run a
  // slower candidate than their fastest so that they share a kernel.
  nlohmann::json kernel_summary() const;
  // Milliseconds spent in each phase of construction (allocate, upload_weights, create_steps, cudnn_handle,
  // capture, first_replay).
  const nlohmann::json& start_phases_ms() const { return start_phases_ms_; }

 private:
  void upload_weights();
  void create_steps(const EngineOptions& options);
  void enqueue_steps() const;
  void capture();

  PlanFile plan_;
  cuda::Stream stream_;
  std::optional<CudnnHandle> cudnn_;
  LtHandle lt_;
  cuda::DeviceBuffer weights_, arena_, workspace_;
  StepContext ctx_;
  std::vector<std::unique_ptr<Step>> steps_;
  std::vector<int> step_nodes_;  // node index of each step
  cuda::GraphExec graph_;
  std::string capture_error_;
  int reused_over_faster_ = -1;  // layers on a slower candidate than their fastest; -1: not chosen here
  nlohmann::json start_phases_ms_ = nlohmann::json::object();
};

}  // namespace inferfoundry::foundry
