#pragma once
// Softmax and log-softmax along one axis.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace inferfoundry::foundry::kernels {

// Softmax (or log-softmax) along the middle dimension of [outer, dim, inner], in fp32 internally.
void softmax(const void* in, void* out, int64_t outer, int64_t dim, int64_t inner, bool log, bool half,
             cudaStream_t stream);

}  // namespace inferfoundry::foundry::kernels
