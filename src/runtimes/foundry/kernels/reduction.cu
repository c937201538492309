// Reductions; accumulate in fp32 whatever the storage type.
#include <cfloat>

#include "runtimes/foundry/kernels/common.cuh"
#include "runtimes/foundry/kernels/reduction.h"

namespace inferfoundry::foundry::kernels {
namespace {

__global__ void reduce_kernel(const void* in, void* out, int64_t outer, int64_t extent, int64_t inner, int mode,
                              bool half) {
  const int64_t total = outer * inner;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t o = i / inner, k = i % inner;
    float acc = mode == 2 ? -FLT_MAX : mode == 3 ? FLT_MAX : 0.f;
    for (int64_t r = 0; r < extent; ++r) {
      const float v = load(in, (o * extent + r) * inner + k, half);
      acc = mode == 2 ? fmaxf(acc, v) : mode == 3 ? fminf(acc, v) : acc + v;
    }
    if (mode == 0) acc /= static_cast<float>(extent);
    store(out, i, acc, half);
  }
}

}  // namespace

void reduce(const void* in, void* out, int64_t outer, int64_t extent, int64_t inner, int mode, bool half,
            cudaStream_t stream) {
  const int64_t total = outer * inner;
  if (total == 0) return;
  reduce_kernel<<<grid_for(total, 128), 128, 0, stream>>>(in, out, outer, extent, inner, mode, half);
}

}  // namespace inferfoundry::foundry::kernels
