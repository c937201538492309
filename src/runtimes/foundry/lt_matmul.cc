#include "runtimes/foundry/lt_matmul.h"

#include <cstring>

namespace inferfoundry::foundry {

LtMatmul::LtMatmul(cublasLtHandle_t lt, int64_t m, int64_t n, int64_t k, bool half, bool tf32, const void* bias, bool relu, bool residual)
    : lt_(lt),
      half_(half),
      residual_(residual),
      desc_(half || !tf32 ? CUBLAS_COMPUTE_32F : CUBLAS_COMPUTE_32F_FAST_TF32, CUDA_R_32F),
      a_(type(), k, n, k),
      b_(type(), k, m, k),
      c_(type(), n, m, n) {
  desc_.set(CUBLASLT_MATMUL_DESC_TRANSA, cublasOperation_t{CUBLAS_OP_T});
  desc_.set(CUBLASLT_MATMUL_DESC_TRANSB, cublasOperation_t{CUBLAS_OP_N});
  const cublasLtEpilogue_t epilogue = bias ? (relu ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS)
                                           : (relu ? CUBLASLT_EPILOGUE_RELU : CUBLASLT_EPILOGUE_DEFAULT);
  desc_.set(CUBLASLT_MATMUL_DESC_EPILOGUE, epilogue);
  if (bias) desc_.set(CUBLASLT_MATMUL_DESC_BIAS_POINTER, bias);
}

std::vector<cublasLtMatmulHeuristicResult_t> LtMatmul::candidates(size_t max_workspace, int count) const {
  MatmulPreference preference(max_workspace);
  std::vector<cublasLtMatmulHeuristicResult_t> results(count);
  int returned = 0;
  check_cublas(cublasLtMatmulAlgoGetHeuristic(lt_, desc_.get(), a_.get(), b_.get(), c_.get(), c_.get(), preference.get(), count,
                                              results.data(), &returned), "algorithm heuristic");
  results.resize(returned);
  std::erase_if(results, [](const auto& r) { return r.state != CUBLAS_STATUS_SUCCESS; });
  return results;
}

bool LtMatmul::usable(const cublasLtMatmulAlgo_t& algo, size_t* workspace) const {
  cublasLtMatmulHeuristicResult_t check{};
  if (cublasLtMatmulAlgoCheck(lt_, desc_.get(), a_.get(), b_.get(), c_.get(), c_.get(), &algo, &check) != CUBLAS_STATUS_SUCCESS) return false;
  *workspace = check.workspaceSize;
  return true;
}

void LtMatmul::run(const cublasLtMatmulAlgo_t& algo, const void* x, const void* w, const void* residual, void* y, void* workspace,
                   size_t workspace_bytes, cudaStream_t stream) const {
  const float one = 1.0f, zero = 0.0f;
  check_cublas(cublasLtMatmul(lt_, desc_.get(), &one, w, a_.get(), x, b_.get(), residual_ ? &one : &zero, residual_ ? residual : y,
                              c_.get(), y, c_.get(), &algo, workspace, workspace_bytes, stream), "matmul");
}

LtHandle warm_cublaslt_handle(bool half, bool tf32) {
  LtHandle handle;
  // One small product, queried and checked: the calls a plan's first layer makes.
  const LtMatmul probe(handle, 64, 64, 64, half, tf32, /*bias=*/nullptr, /*relu=*/false, /*residual=*/false);
  size_t workspace = 0;
  for (const auto& candidate : probe.candidates(size_t{1} << 20, 1)) probe.usable(candidate.algo, &workspace);
  return handle;
}

std::vector<int64_t> algo_words(const cublasLtMatmulAlgo_t& algo) {
  std::vector<int64_t> words(sizeof(algo) / sizeof(int64_t));
  std::memcpy(words.data(), &algo, sizeof(algo));
  return words;
}

bool algo_from_words(const std::vector<int64_t>& words, cublasLtMatmulAlgo_t& algo) {
  if (words.size() * sizeof(int64_t) != sizeof(algo)) return false;
  std::memcpy(&algo, words.data(), sizeof(algo));
  return true;
}

}  // namespace inferfoundry::foundry
