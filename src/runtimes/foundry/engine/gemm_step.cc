// Matrix products (Gemm, MatMul with constant weights) through cuBLASLt, bias and ReLU in its epilogue; the
// heuristic's candidates are measured and the plan-wide choice (plan/kernel_choice.h) keeps one.
#include <fmt/format.h>

#include "core/error.h"
#include "runtimes/foundry/engine/lt_matmul.h"
#include "runtimes/foundry/engine/steps.h"

namespace inferfoundry::foundry {
namespace {

constexpr size_t kMaxGemmWorkspace = size_t{32} << 20;
constexpr int kHeuristicResults = 8;

class GemmStep : public Step {
 public:
  GemmStep(Node& node, const StepContext& ctx)
      : n_(ctx.graph->values[node.inputs[1]].shape[0]),
        k_(ctx.graph->values[node.inputs[1]].shape[1]),
        m_(element_count(ctx.graph->values[node.outputs[0]].shape) / std::max<int64_t>(n_, 1)),
        x_(ctx.ptr(node.inputs[0])),
        w_(ctx.ptr(node.inputs[1])),
        bias_(node.input(2) >= 0 ? ctx.ptr(node.inputs[2]) : nullptr),
        y_(ctx.ptr(node.outputs[0])),
        relu_(node.attr_string("activation", "none") == "relu"),
        matmul_(ctx.lt, m_, n_, k_, ctx.graph->values[node.outputs[0]].dtype == DType::kFloat16, ctx.tf32, bias_, relu_,
                false) {
    if (!ctx.choose && restore_lt_algo(node, matmul_, algo_, workspace_)) return;
    choose(node, ctx);
  }

  void enqueue(cudaStream_t stream, void* workspace) override {
    matmul_.run(algo_, x_, w_, nullptr, y_, workspace, workspace_, stream);
  }
  size_t workspace_bytes() const override { return workspace_; }
  std::string kernel() const override { return fmt::format("{} ({}x{}x{})", matmul_.kernel_name(algo_), m_, n_, k_); }
  std::string library_kernel() const override { return matmul_.kernel_name(algo_); }

 private:
  void choose(Node& node, const StepContext& ctx) {
    const auto found = matmul_.candidates(std::min(kMaxGemmWorkspace, ctx.scratch_bytes), kHeuristicResults);
    std::vector<TimedCandidate> candidates;
    for (const auto& c : found) {
      candidates.push_back(
          {matmul_.kernel_name(c.algo),
           [=, this, &ctx] { matmul_.run(c.algo, x_, w_, nullptr, y_, ctx.scratch, c.workspaceSize, ctx.stream); },
           [=, this] {
             algo_ = c.algo;
             workspace_ = c.workspaceSize;
           }});
    }
    node.attrs["candidates"] = static_cast<int64_t>(candidates.size());
    const auto record = [this, &node](double ms) {
      record_lt_algo(node, algo_, workspace_);
      node.attrs["chosen_ms"] = static_cast<float>(ms);
    };
    if (choose_candidate(ctx, std::move(candidates), record) < 0) {
      fail(ErrorKind::kRuntime, "gemm '{}': cuBLASLt found no algorithm for {}x{}x{}", node.name, m_, n_, k_);
    }
  }

  int64_t n_, k_, m_;
  const void *x_, *w_, *bias_;
  void* y_;
  bool relu_;
  LtMatmul matmul_;
  cublasLtMatmulAlgo_t algo_{};
  size_t workspace_ = 0;
};

}  // namespace

std::unique_ptr<Step> make_gemm_step(Node& node, const StepContext& ctx) {
  return std::make_unique<GemmStep>(node, ctx);
}

}  // namespace inferfoundry::foundry
