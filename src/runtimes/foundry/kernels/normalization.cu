// Softmax and log-softmax, one warp per row, in fp32 whatever the storage type.
#include <cfloat>

#include "runtimes/foundry/kernels/common.cuh"
#include "runtimes/foundry/kernels/normalization.h"

namespace inferfoundry::foundry::kernels {
namespace {

__device__ float warp_max(float v) {
  for (int s = 16; s > 0; s >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, s));
  return v;
}

__device__ float warp_sum(float v) {
  for (int s = 16; s > 0; s >>= 1) v += __shfl_xor_sync(0xffffffffu, v, s);
  return v;
}

// One warp per row (o, i): elements at (o * dim + d) * inner + i.
__global__ void softmax_kernel(const void* in, void* out, int64_t outer, int64_t dim, int64_t inner, bool log,
                               bool half) {
  const int64_t rows = outer * inner;
  const int lane = threadIdx.x % 32;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (blockDim.x / 32);
  for (int64_t row = blockIdx.x * static_cast<int64_t>(blockDim.x / 32) + threadIdx.x / 32; row < rows; row += warps) {
    const int64_t base = (row / inner) * dim * inner + row % inner;
    float m = -FLT_MAX;
    for (int64_t d = lane; d < dim; d += 32) m = fmaxf(m, load(in, base + d * inner, half));
    m = warp_max(m);
    float sum = 0.f;
    for (int64_t d = lane; d < dim; d += 32) sum += expf(load(in, base + d * inner, half) - m);
    sum = warp_sum(sum);
    const float log_sum = logf(sum);
    for (int64_t d = lane; d < dim; d += 32) {
      const float x = load(in, base + d * inner, half) - m;
      store(out, base + d * inner, log ? x - log_sum : expf(x) / sum, half);
    }
  }
}

}  // namespace

void softmax(const void* in, void* out, int64_t outer, int64_t dim, int64_t inner, bool log, bool half,
             cudaStream_t stream) {
  const int64_t rows = outer * inner;
  if (rows == 0 || dim == 0) return;
  softmax_kernel<<<grid_for(rows, 8), 256, 0, stream>>>(in, out, outer, dim, inner, log, half);
}

}  // namespace inferfoundry::foundry::kernels
