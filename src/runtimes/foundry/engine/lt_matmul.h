#pragma once
// One cuBLASLt matrix product in row-major terms: Y[M,N] = epilogue(X[M,K] * W[N,K]^T + R[M,N]), where the
// epilogue adds bias[N] and optionally applies ReLU, and R (a residual) is optional. Column-major cuBLASLt
// computes Y^T = W X^T: W is read transposed, X as it is, and R enters as C with beta = 1.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtimes/foundry/engine/dnn.h"
#include "runtimes/foundry/ir/graph.h"

namespace inferfoundry::foundry {

class LtMatmul {
 public:
  LtMatmul(cublasLtHandle_t lt, int64_t m, int64_t n, int64_t k, bool half, bool tf32, const void* bias, bool relu,
           bool residual);
  // Up to `count` algorithms the heuristic proposes within the workspace limit.
  std::vector<cublasLtMatmulHeuristicResult_t> candidates(size_t max_workspace, int count) const;
  // Whether a recorded algorithm still fits these matrices; sets its workspace size.
  bool usable(const cublasLtMatmulAlgo_t& algo, size_t* workspace) const;
  // The library kernel `algo` launches for these types and this epilogue; layers with the same name share
  // one kernel (split count and CTA swizzle are launch parameters, so they are left out).
  std::string kernel_name(const cublasLtMatmulAlgo_t& algo) const;
  void run(const cublasLtMatmulAlgo_t& algo, const void* x, const void* w, const void* residual, void* y,
           void* workspace, size_t workspace_bytes, cudaStream_t stream) const;

 private:
  cudaDataType_t type() const { return half_ ? CUDA_R_16F : CUDA_R_32F; }
  cublasLtHandle_t lt_;
  bool half_;
  bool residual_;
  cublasLtEpilogue_t epilogue_;
  MatmulDesc desc_;
  MatrixLayout a_, b_, c_;
};

// A cuBLASLt handle past the library's start-up for one precision (0.045-0.13 s on an H100, paid by a
// process's first heuristic query, algorithm check or product of fp16 or fp32 matrices), made on a helper
// thread. `phases_ms` says where the start-up went (create, heuristic, check).
struct WarmLtHandle {
  LtHandle handle;
  nlohmann::json phases_ms;
};
WarmLtHandle warm_cublaslt_handle(bool half, bool tf32);

// A chosen algorithm and its workspace size in a node of the plan, and back. Plans that record the workspace
// are trusted as they are (their fingerprint pins the GPU and cuBLASLt version; a checksum guards the bytes);
// older ones are checked with cuBLASLt. restore_lt_algo returns false when the node holds no usable algorithm.
void record_lt_algo(Node& node, const cublasLtMatmulAlgo_t& algo, size_t workspace);
bool restore_lt_algo(const Node& node, const LtMatmul& matmul, cublasLtMatmulAlgo_t& algo, size_t& workspace);

}  // namespace inferfoundry::foundry
