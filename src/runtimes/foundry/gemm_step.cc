// Matrix products through cuBLASLt with the bias (and ReLU) in its epilogue. Row-major Y[M,N] = X[M,K] W^T
// is computed as column-major Y^T = W X^T: W ([N,K] row-major) is read transposed, X as it is.
#include <cstring>

#include <fmt/format.h>

#include "core/error.h"
#include "runtimes/foundry/steps.h"

namespace inferfoundry::foundry {
namespace {

constexpr size_t kMaxGemmWorkspace = size_t{32} << 20;
constexpr int kHeuristicResults = 8;

class GemmStep : public Step {
 public:
  GemmStep(Node& node, const StepContext& ctx)
      : ctx_(ctx),
        half_(ctx.graph->values[node.outputs[0]].dtype == DType::kFloat16),
        desc_(half_ || !ctx.tf32 ? CUBLAS_COMPUTE_32F : CUBLAS_COMPUTE_32F_FAST_TF32, CUDA_R_32F),
        n_(ctx.graph->values[node.inputs[1]].shape[0]),
        k_(ctx.graph->values[node.inputs[1]].shape[1]),
        m_(element_count(ctx.graph->values[node.outputs[0]].shape) / std::max<int64_t>(n_, 1)),
        a_(type(), k_, n_, k_),
        b_(type(), k_, m_, k_),
        c_(type(), n_, m_, n_) {
    x_ = ctx.ptr(node.inputs[0]);
    w_ = ctx.ptr(node.inputs[1]);
    bias_ = node.input(2) >= 0 ? ctx.ptr(node.inputs[2]) : nullptr;
    y_ = ctx.ptr(node.outputs[0]);
    relu_ = node.attr_string("activation", "none") == "relu";
    desc_.set(CUBLASLT_MATMUL_DESC_TRANSA, cublasOperation_t{CUBLAS_OP_T});
    desc_.set(CUBLASLT_MATMUL_DESC_TRANSB, cublasOperation_t{CUBLAS_OP_N});
    cublasLtEpilogue_t epilogue = bias_ ? (relu_ ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS)
                                        : (relu_ ? CUBLASLT_EPILOGUE_RELU : CUBLASLT_EPILOGUE_DEFAULT);
    desc_.set(CUBLASLT_MATMUL_DESC_EPILOGUE, epilogue);
    if (bias_) desc_.set(CUBLASLT_MATMUL_DESC_BIAS_POINTER, bias_);
    if (!ctx.choose && node.has_attr("lt_algo") && restore(node)) return;
    choose(node);
  }

  void enqueue(cudaStream_t stream, void* workspace) override { run(algo_, stream, workspace, workspace_); }
  size_t workspace_bytes() const override { return workspace_; }
  std::string kernel() const override { return fmt::format("cublasLt {}x{}x{}{}", m_, n_, k_, bias_ ? (relu_ ? " +bias+relu" : " +bias") : ""); }

 private:
  cudaDataType_t type() const { return half_ ? CUDA_R_16F : CUDA_R_32F; }

  void run(const cublasLtMatmulAlgo_t& algo, cudaStream_t stream, void* workspace, size_t bytes) {
    const float one = 1.0f, zero = 0.0f;
    check_cublas(cublasLtMatmul(ctx_.lt, desc_.get(), &one, w_, a_.get(), x_, b_.get(), &zero, y_, c_.get(), y_, c_.get(), &algo,
                                workspace, bytes, stream), "matmul");
  }

  bool restore(Node& node) {
    const auto words = node.attr_ints("lt_algo");
    if (words.size() * sizeof(int64_t) != sizeof(cublasLtMatmulAlgo_t)) return false;
    std::memcpy(&algo_, words.data(), sizeof(algo_));
    cublasLtMatmulHeuristicResult_t check{};
    if (cublasLtMatmulAlgoCheck(ctx_.lt, desc_.get(), a_.get(), b_.get(), c_.get(), c_.get(), &algo_, &check) != CUBLAS_STATUS_SUCCESS) return false;
    workspace_ = check.workspaceSize;
    return true;
  }

  void choose(Node& node) {
    MatmulPreference preference(std::min(kMaxGemmWorkspace, ctx_.scratch_bytes));
    cublasLtMatmulHeuristicResult_t results[kHeuristicResults];
    int returned = 0;
    check_cublas(cublasLtMatmulAlgoGetHeuristic(ctx_.lt, desc_.get(), a_.get(), b_.get(), c_.get(), c_.get(), preference.get(),
                                                kHeuristicResults, results, &returned), "algorithm heuristic");
    double best = -1;
    for (int k = 0; k < returned; ++k) {
      if (results[k].state != CUBLAS_STATUS_SUCCESS) continue;
      const double ms = time_candidate(ctx_.stream, [&] { run(results[k].algo, ctx_.stream, ctx_.scratch, results[k].workspaceSize); });
      if (ms >= 0 && (best < 0 || ms < best)) {
        best = ms;
        algo_ = results[k].algo;
        workspace_ = results[k].workspaceSize;
      }
    }
    if (best < 0) fail(ErrorKind::kRuntime, "gemm '{}': cuBLASLt found no algorithm for {}x{}x{}", node.name, m_, n_, k_);
    std::vector<int64_t> words(sizeof(algo_) / sizeof(int64_t));
    std::memcpy(words.data(), &algo_, sizeof(algo_));
    node.attrs["lt_algo"] = words;
    node.attrs["chosen_ms"] = static_cast<float>(best);
    node.attrs["candidates"] = static_cast<int64_t>(returned);
  }

  const StepContext& ctx_;
  bool half_;
  MatmulDesc desc_;
  int64_t n_, k_, m_;
  MatrixLayout a_, b_, c_;
  const void *x_ = nullptr, *w_ = nullptr, *bias_ = nullptr;
  void* y_ = nullptr;
  bool relu_ = false;
  cublasLtMatmulAlgo_t algo_{};
  size_t workspace_ = 0;
};

}  // namespace

std::unique_ptr<Step> make_gemm_step(Node& node, const StepContext& ctx) { return std::make_unique<GemmStep>(node, ctx); }

}  // namespace inferfoundry::foundry
