#include "runtimes/foundry/engine/lt_matmul.h"

#include <cstring>

#include <fmt/format.h>

#include "core/stopwatch.h"

namespace inferfoundry::foundry {

LtMatmul::LtMatmul(cublasLtHandle_t lt, int64_t m, int64_t n, int64_t k, bool half, bool tf32, const void* bias,
                   bool relu, bool residual)
    : lt_(lt),
      half_(half),
      residual_(residual),
      epilogue_(bias ? (relu ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS)
                     : (relu ? CUBLASLT_EPILOGUE_RELU : CUBLASLT_EPILOGUE_DEFAULT)),
      desc_(half || !tf32 ? CUBLAS_COMPUTE_32F : CUBLAS_COMPUTE_32F_FAST_TF32, CUDA_R_32F),
      a_(type(), k, n, k),
      b_(type(), k, m, k),
      c_(type(), n, m, n) {
  desc_.set(CUBLASLT_MATMUL_DESC_TRANSA, cublasOperation_t{CUBLAS_OP_T});
  desc_.set(CUBLASLT_MATMUL_DESC_TRANSB, cublasOperation_t{CUBLAS_OP_N});
  desc_.set(CUBLASLT_MATMUL_DESC_EPILOGUE, epilogue_);
  if (bias) desc_.set(CUBLASLT_MATMUL_DESC_BIAS_POINTER, bias);
}

std::vector<cublasLtMatmulHeuristicResult_t> LtMatmul::candidates(size_t max_workspace, int count) const {
  MatmulPreference preference(max_workspace);
  std::vector<cublasLtMatmulHeuristicResult_t> results(count);
  int returned = 0;
  check_cublas(cublasLtMatmulAlgoGetHeuristic(lt_, desc_.get(), a_.get(), b_.get(), c_.get(), c_.get(),
                                              preference.get(), count, results.data(), &returned),
               "algorithm heuristic");
  results.resize(returned);
  std::erase_if(results, [](const auto& r) { return r.state != CUBLAS_STATUS_SUCCESS; });
  return results;
}

bool LtMatmul::usable(const cublasLtMatmulAlgo_t& algo, size_t* workspace) const {
  cublasLtMatmulHeuristicResult_t check{};
  if (cublasLtMatmulAlgoCheck(lt_, desc_.get(), a_.get(), b_.get(), c_.get(), c_.get(), &algo, &check) !=
      CUBLAS_STATUS_SUCCESS)
    return false;
  *workspace = check.workspaceSize;
  return true;
}

namespace {
template <typename T>
T algo_config(const cublasLtMatmulAlgo_t& algo, cublasLtMatmulAlgoConfigAttributes_t attribute) {
  T value{};
  size_t written = 0;
  cublasLtMatmulAlgoConfigGetAttribute(&algo, attribute, &value, sizeof(value), &written);
  return value;
}

const char* epilogue_name(cublasLtEpilogue_t epilogue) {
  switch (epilogue) {
    case CUBLASLT_EPILOGUE_RELU_BIAS:
      return "bias+relu";
    case CUBLASLT_EPILOGUE_BIAS:
      return "bias";
    case CUBLASLT_EPILOGUE_RELU:
      return "relu";
    default:
      return "plain";
  }
}
}  // namespace

std::string LtMatmul::kernel_name(const cublasLtMatmulAlgo_t& algo) const {
  return fmt::format("cublasLt {} {}: algo {} tile {} stages {} inner {} cluster {} custom {} reduction {}",
                     half_ ? "fp16" : "fp32", epilogue_name(epilogue_),
                     algo_config<int32_t>(algo, CUBLASLT_ALGO_CONFIG_ID),
                     algo_config<uint32_t>(algo, CUBLASLT_ALGO_CONFIG_TILE_ID),
                     algo_config<uint32_t>(algo, CUBLASLT_ALGO_CONFIG_STAGES_ID),
                     algo_config<uint16_t>(algo, CUBLASLT_ALGO_CONFIG_INNER_SHAPE_ID),
                     algo_config<uint16_t>(algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID),
                     algo_config<uint32_t>(algo, CUBLASLT_ALGO_CONFIG_CUSTOM_OPTION),
                     algo_config<uint32_t>(algo, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME));
}

void LtMatmul::run(const cublasLtMatmulAlgo_t& algo, const void* x, const void* w, const void* residual, void* y,
                   void* workspace, size_t workspace_bytes, cudaStream_t stream) const {
  const float one = 1.0f, zero = 0.0f;
  check_cublas(
      cublasLtMatmul(lt_, desc_.get(), &one, w, a_.get(), x, b_.get(), residual_ ? &one : &zero,
                     residual_ ? residual : y, c_.get(), y, c_.get(), &algo, workspace, workspace_bytes, stream),
      "matmul");
}

WarmLtHandle warm_cublaslt_handle(bool half, bool tf32) {
  Stopwatch phase;
  WarmLtHandle warm;  // creates the handle
  warm.phases_ms["create"] = phase.lap_ms();
  // One small product, queried and checked: the calls a plan's first layer makes.
  const LtMatmul probe(warm.handle, 64, 64, 64, half, tf32, /*bias=*/nullptr, /*relu=*/false, /*residual=*/false);
  const auto candidates = probe.candidates(size_t{1} << 20, 1);
  warm.phases_ms["heuristic"] = phase.lap_ms();
  size_t workspace = 0;
  for (const auto& candidate : candidates) probe.usable(candidate.algo, &workspace);
  warm.phases_ms["check"] = phase.lap_ms();
  return warm;
}

void record_lt_algo(Node& node, const cublasLtMatmulAlgo_t& algo, size_t workspace) {
  std::vector<int64_t> words(sizeof(algo) / sizeof(int64_t));
  std::memcpy(words.data(), &algo, sizeof(algo));
  node.attrs["lt_algo"] = std::move(words);
  node.attrs["lt_workspace"] = static_cast<int64_t>(workspace);
}

bool restore_lt_algo(const Node& node, const LtMatmul& matmul, cublasLtMatmulAlgo_t& algo, size_t& workspace) {
  const std::vector<int64_t> words = node.attr_ints("lt_algo");
  if (words.size() * sizeof(int64_t) != sizeof(algo)) return false;
  std::memcpy(&algo, words.data(), sizeof(algo));
  const int64_t recorded = node.attr_int("lt_workspace", -1);
  if (recorded < 0) return matmul.usable(algo, &workspace);
  workspace = static_cast<size_t>(recorded);
  return true;
}

}  // namespace inferfoundry::foundry
