#pragma once
// One cuBLASLt matrix product in row-major terms: Y[M,N] = epilogue(X[M,K] * W[N,K]^T + R[M,N]), where the
// epilogue adds bias[N] and optionally applies ReLU, and R (a residual) is optional. Column-major cuBLASLt
// computes Y^T = W X^T: W is read transposed, X as it is, and R enters as C with beta = 1.
#include <vector>

#include "runtimes/foundry/dnn.h"

namespace inferfoundry::foundry {

class LtMatmul {
 public:
  LtMatmul(cublasLtHandle_t lt, int64_t m, int64_t n, int64_t k, bool half, bool tf32, const void* bias, bool relu, bool residual);
  // Up to `count` algorithms the heuristic proposes within the workspace limit.
  std::vector<cublasLtMatmulHeuristicResult_t> candidates(size_t max_workspace, int count) const;
  // Whether a recorded algorithm still fits these matrices; sets its workspace size.
  bool usable(const cublasLtMatmulAlgo_t& algo, size_t* workspace) const;
  void run(const cublasLtMatmulAlgo_t& algo, const void* x, const void* w, const void* residual, void* y, void* workspace,
           size_t workspace_bytes, cudaStream_t stream) const;

 private:
  cudaDataType_t type() const { return half_ ? CUDA_R_16F : CUDA_R_32F; }
  cublasLtHandle_t lt_;
  bool half_;
  bool residual_;
  MatmulDesc desc_;
  MatrixLayout a_, b_, c_;
};

// A cuBLASLt handle past the library's start-up for one precision (about 0.1 s on an H100, paid by a
// process's first query of fp16 or fp32 products), made on a helper thread while the CPU hashes the model
// and reads the plan.
LtHandle warm_cublaslt_handle(bool half, bool tf32);

std::vector<int64_t> algo_words(const cublasLtMatmulAlgo_t& algo);
bool algo_from_words(const std::vector<int64_t>& words, cublasLtMatmulAlgo_t& algo);

}  // namespace inferfoundry::foundry
