#include "runtimes/foundry/engine/dnn.h"

#include <fmt/format.h>

#include "core/error.h"

namespace inferfoundry::foundry {

void check_cudnn(cudnnStatus_t status, const char* what) {
  if (status != CUDNN_STATUS_SUCCESS) fail(ErrorKind::kRuntime, "cuDNN {}: {}", what, cudnnGetErrorString(status));
}

void check_cublas(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    fail(ErrorKind::kRuntime, "cuBLASLt {}: status {}", what, static_cast<int>(status));
}

std::string dnn_versions() {
  const size_t cudnn = cudnnGetVersion();
  const size_t lt = cublasLtGetVersion();
  return fmt::format("cuDNN {}.{}.{} / cuBLASLt {}.{}.{}", cudnn / 10000, cudnn / 100 % 100, cudnn % 100, lt / 10000,
                     lt / 100 % 100, lt % 100);
}

MatmulDesc::MatmulDesc(cublasComputeType_t compute, cudaDataType_t scale) {
  check_cublas(cublasLtMatmulDescCreate(&desc_, compute, scale), "cublasLtMatmulDescCreate");
}
MatmulDesc::~MatmulDesc() {
  if (desc_) cublasLtMatmulDescDestroy(desc_);
}

MatrixLayout::MatrixLayout(cudaDataType_t type, uint64_t rows, uint64_t cols, int64_t ld) {
  check_cublas(cublasLtMatrixLayoutCreate(&layout_, type, rows, cols, ld), "cublasLtMatrixLayoutCreate");
}
MatrixLayout::~MatrixLayout() {
  if (layout_) cublasLtMatrixLayoutDestroy(layout_);
}

MatmulPreference::MatmulPreference(size_t max_workspace) {
  check_cublas(cublasLtMatmulPreferenceCreate(&pref_), "cublasLtMatmulPreferenceCreate");
  check_cublas(cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &max_workspace,
                                                    sizeof(max_workspace)),
               "cublasLtMatmulPreferenceSetAttribute");
}
MatmulPreference::~MatmulPreference() {
  if (pref_) cublasLtMatmulPreferenceDestroy(pref_);
}

}  // namespace inferfoundry::foundry
