// Strided copies (layout and dtype conversion, Transpose, Slice, Expand, Concat), Gather and Pad.
#include "runtimes/foundry/kernels/common.cuh"
#include "runtimes/foundry/kernels/data_movement.h"

namespace inferfoundry::foundry::kernels {
namespace {

__global__ void strided_copy_kernel(const CopyArgs a) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < a.total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t rest = i, from = a.in_base, to = a.out_base;
    for (int d = a.rank - 1; d >= 0; --d) {
      const int64_t coord = rest % a.dims[d];
      rest /= a.dims[d];
      from += coord * a.in_strides[d];
      to += coord * a.out_strides[d];
    }
    if (a.in_half == a.out_half && a.in_half) {
      static_cast<__half*>(a.out)[to] = static_cast<const __half*>(a.in)[from];
    } else {
      store(a.out, to, load(a.in, from, a.in_half), a.out_half);
    }
  }
}

__global__ void gather_kernel(const void* in, void* out, const int64_t* indices, int64_t outer, int64_t count,
                              int64_t dim, int64_t inner, bool half) {
  const int64_t total = outer * count * inner;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t k = i % inner, j = (i / inner) % count, o = i / (inner * count);
    store(out, i, load(in, (o * dim + indices[j]) * inner + k, half), half);
  }
}

__global__ void pad_kernel(const PadArgs a) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < a.total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t rest = i, from = 0, stride = 1;
    bool inside = true;
    for (int d = a.rank - 1; d >= 0; --d) {
      const int64_t coord = rest % a.out_dims[d] - a.begins[d];
      rest /= a.out_dims[d];
      inside = inside && coord >= 0 && coord < a.in_dims[d];
      from += coord * stride;
      stride *= a.in_dims[d];
    }
    store(a.out, i, inside ? load(a.in, from, a.half) : a.value, a.half);
  }
}

}  // namespace

void strided_copy(const CopyArgs& args, cudaStream_t stream) {
  if (args.total == 0) return;
  strided_copy_kernel<<<grid_for(args.total, 256), 256, 0, stream>>>(args);
}

void gather(const void* in, void* out, const int64_t* indices, int64_t outer, int64_t count, int64_t dim, int64_t inner,
            bool half, cudaStream_t stream) {
  const int64_t total = outer * count * inner;
  if (total == 0) return;
  gather_kernel<<<grid_for(total, 256), 256, 0, stream>>>(in, out, indices, outer, count, dim, inner, half);
}

void pad(const PadArgs& args, cudaStream_t stream) {
  if (args.total == 0) return;
  pad_kernel<<<grid_for(args.total, 256), 256, 0, stream>>>(args);
}

}  // namespace inferfoundry::foundry::kernels
