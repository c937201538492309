#pragma once
// Strided copies (layout and dtype conversion, Transpose, Slice, Expand, Concat), Gather and Pad.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "runtimes/foundry/kernels/limits.h"

namespace inferfoundry::foundry::kernels {

// Generic strided copy with conversion: for each index i of dims (row-major),
// out[out_base + sum(i_k * out_strides_k)] = in[in_base + sum(i_k * in_strides_k)].
struct CopyArgs {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t total = 0;
  const void* in = nullptr;
  bool in_half = false;
  int64_t in_base = 0;
  int64_t in_strides[kMaxRank] = {};
  void* out = nullptr;
  bool out_half = false;
  int64_t out_base = 0;
  int64_t out_strides[kMaxRank] = {};
};
void strided_copy(const CopyArgs& args, cudaStream_t stream);

// out[o, j, i] = in[o, indices[j], i] (indices in device memory).
void gather(const void* in, void* out, const int64_t* indices, int64_t outer, int64_t count, int64_t dim, int64_t inner,
            bool half, cudaStream_t stream);

// Constant padding of a plain tensor: out index i reads in[i - begins] when inside, else value.
struct PadArgs {
  int rank = 0;
  int64_t out_dims[kMaxRank] = {}, in_dims[kMaxRank] = {}, begins[kMaxRank] = {};
  int64_t total = 0;
  const void* in = nullptr;
  void* out = nullptr;
  float value = 0;
  bool half = false;
};
void pad(const PadArgs& args, cudaStream_t stream);

}  // namespace inferfoundry::foundry::kernels
