#pragma once
// Reductions over adjacent axes.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace inferfoundry::foundry::kernels {

// out[o, i] = reduce_r in[o, r, i]; mode 0 mean, 1 sum, 2 max, 3 min. Accumulates in fp32.
void reduce(const void* in, void* out, int64_t outer, int64_t extent, int64_t inner, int mode, bool half,
            cudaStream_t stream);

}  // namespace inferfoundry::foundry::kernels
