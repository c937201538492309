#pragma once
#include <cuda_fp16.h>

#include <cstdint>

namespace inferfoundry::foundry::kernels {

__device__ __forceinline__ float load(const void* base, int64_t index, bool half) {
  return half ? __half2float(static_cast<const __half*>(base)[index]) : static_cast<const float*>(base)[index];
}

__device__ __forceinline__ void store(void* base, int64_t index, float value, bool half) {
  if (half)
    static_cast<__half*>(base)[index] = __float2half(value);
  else
    static_cast<float*>(base)[index] = value;
}

inline unsigned grid_for(int64_t total, int block) {
  const int64_t blocks = (total + block - 1) / block;
  return static_cast<unsigned>(blocks < 65535LL * 32 ? blocks : 65535LL * 32);
}

}  // namespace inferfoundry::foundry::kernels
