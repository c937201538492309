#pragma once
// One executable step per node of a planned graph. Steps resolve their device pointers and library
// descriptors once; enqueue() only launches work, so the whole sequence can be captured as a CUDA graph.
#include <cuda_runtime_api.h>

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "runtimes/foundry/engine/dnn.h"
#include "runtimes/foundry/ir/graph.h"
#include "runtimes/foundry/plan/kernel_choice.h"

namespace inferfoundry::foundry {

struct StepContext {
  const Graph* graph = nullptr;
  char* arena = nullptr;
  char* weights = nullptr;
  std::function<cudnnHandle_t()> cudnn;  // created on first use
  cublasLtHandle_t lt = nullptr;
  cudaStream_t stream = nullptr;
  void* scratch = nullptr;  // workspace while choosing kernels
  size_t scratch_bytes = 0;
  bool tf32 = false;                 // fp32 convolutions and matmuls may use TF32 tensor cores
  bool choose = true;                // time candidates (else the node's recorded choice is used)
  bool own_depthwise = false;        // depthwise convolutions always on foundry's kernel (testing)
  KernelChooser* chooser = nullptr;  // set while choosing: prefers kernels the plan already uses

  void* ptr(int value) const;  // device address of a value (through aliases)
};

class Step {
 public:
  virtual ~Step() = default;
  virtual void enqueue(cudaStream_t stream, void* workspace) = 0;
  virtual size_t workspace_bytes() const { return 0; }
  // What runs: "cudnn conv algo 1 + fused bias/relu", "cublasLt (bias+relu)", "foundry pool2d", ...
  virtual std::string kernel() const = 0;
  // The library kernel (cuBLASLt or cuDNN) the step launches, empty for foundry's own: each distinct one is
  // loaded by the driver when a plan starts.
  virtual std::string library_kernel() const { return ""; }
};

// Builds the step of `node`; heavy steps time their candidates when ctx.choose is set and record the
// winner in node.attrs (so it lands in the plan). Throws Error(kRuntime) for shapes a kernel cannot run.
std::unique_ptr<Step> make_step(Node& node, const StepContext& ctx);

std::unique_ptr<Step> make_conv_step(Node& node, const StepContext& ctx);
std::unique_ptr<Step> make_gemm_step(Node& node, const StepContext& ctx);

// Median milliseconds of `enqueue` over a few runs (after one warm-up), by CUDA events; nullopt-like
// negative value when it throws or the launch fails.
double time_candidate(cudaStream_t stream, const std::function<void()>& enqueue, int runs = 5);

// A candidate being timed while choosing: what to time, and what adopting it means for the step.
struct TimedCandidate {
  std::string kernel;
  std::function<void()> enqueue;
  std::function<void()> adopt;
};

// Times every candidate and hands them to ctx.chooser, which adopts the fastest now and may switch the step
// to another when it settles the plan's kernels; `record(ms)` runs after every adoption (to write the choice
// into the node). Returns the fastest time, or a negative value when no candidate ran.
double choose_candidate(const StepContext& ctx, std::vector<TimedCandidate> candidates,
                        std::function<void(double ms)> record);

}  // namespace inferfoundry::foundry
