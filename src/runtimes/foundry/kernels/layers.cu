// Pooling, reductions and softmax. All accumulate in fp32 whatever the storage type.
#include <cfloat>

#include "runtimes/foundry/kernels/common.cuh"
#include "runtimes/foundry/kernels/kernels.h"

namespace inferfoundry::foundry::kernels {
namespace {

__global__ void pool2d_kernel(const PoolArgs a) {
  const int64_t total = a.n * a.c * a.oh * a.ow;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t n, c, y, x;
    if (a.nhwc) {
      c = i % a.c;
      x = (i / a.c) % a.ow;
      y = (i / (a.c * a.ow)) % a.oh;
      n = i / (a.c * a.ow * a.oh);
    } else {
      x = i % a.ow;
      y = (i / a.ow) % a.oh;
      c = (i / (a.ow * a.oh)) % a.c;
      n = i / (a.ow * a.oh * a.c);
    }
    float acc = a.max ? -FLT_MAX : 0.f;
    int counted = 0;
    for (int ky = 0; ky < a.kh; ++ky) {
      const int64_t iy = y * a.sh - a.ph + ky * a.dh;
      for (int kx = 0; kx < a.kw; ++kx) {
        const int64_t ix = x * a.sw - a.pw + kx * a.dw;
        const bool inside = iy >= 0 && iy < a.h && ix >= 0 && ix < a.w;
        if (!inside) {
          // Padding counts for averages only with count_include_pad, and only inside the padded input.
          if (!a.max && a.count_include_pad && iy < a.h + a.pb && ix < a.w + a.pr) ++counted;
          continue;
        }
        const int64_t at = a.nhwc ? ((n * a.h + iy) * a.w + ix) * a.c + c : ((n * a.c + c) * a.h + iy) * a.w + ix;
        const float v = load(a.in, at, a.half);
        acc = a.max ? fmaxf(acc, v) : acc + v;
        ++counted;
      }
    }
    if (!a.max) acc = counted > 0 ? acc / static_cast<float>(counted) : 0.f;
    store(a.out, i, acc, a.half);
  }
}

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

template <typename T>
__global__ void depthwise_kernel(const DepthwiseArgs a) {
  const int64_t total = a.n * a.oh * a.ow * a.c;
  const T* x = static_cast<const T*>(a.x);
  const T* w = static_cast<const T*>(a.w);
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t c = i % a.c, ox = (i / a.c) % a.ow, oy = (i / (a.c * a.ow)) % a.oh, n = i / (a.c * a.ow * a.oh);
    float acc = 0.f;
    for (int r = 0; r < a.r; ++r) {
      const int64_t iy = oy * a.sh - a.ph + r * a.dh;
      if (iy < 0 || iy >= a.h) continue;
      for (int s = 0; s < a.s; ++s) {
        const int64_t ix = ox * a.sw - a.pw + s * a.dw;
        if (ix < 0 || ix >= a.w_in) continue;
        acc += static_cast<float>(x[((n * a.h + iy) * a.w_in + ix) * a.c + c]) *
               static_cast<float>(w[(c * a.r + r) * a.s + s]);
      }
    }
    if (a.bias) acc += static_cast<float>(static_cast<const T*>(a.bias)[c]);
    if (a.residual) acc += static_cast<float>(static_cast<const T*>(a.residual)[i]);
    if (a.act == 1)
      acc = fmaxf(acc, 0.f);
    else if (a.act == 2)
      acc = fminf(fmaxf(acc, a.lo), a.hi);
    static_cast<T*>(a.y)[i] = static_cast<T>(acc);
  }
}

}  // namespace

void depthwise_nhwc(const DepthwiseArgs& args, cudaStream_t stream) {
  const int64_t total = args.n * args.oh * args.ow * args.c;
  if (total == 0) return;
  if (args.half)
    depthwise_kernel<__half><<<grid_for(total, 256), 256, 0, stream>>>(args);
  else
    depthwise_kernel<float><<<grid_for(total, 256), 256, 0, stream>>>(args);
}

void pool2d(const PoolArgs& args, cudaStream_t stream) {
  const int64_t total = args.n * args.c * args.oh * args.ow;
  if (total == 0) return;
  pool2d_kernel<<<grid_for(total, 256), 256, 0, stream>>>(args);
}

void reduce(const void* in, void* out, int64_t outer, int64_t extent, int64_t inner, int mode, bool half,
            cudaStream_t stream) {
  const int64_t total = outer * inner;
  if (total == 0) return;
  reduce_kernel<<<grid_for(total, 128), 128, 0, stream>>>(in, out, outer, extent, inner, mode, half);
}

void softmax(const void* in, void* out, int64_t outer, int64_t dim, int64_t inner, bool log, bool half,
             cudaStream_t stream) {
  const int64_t rows = outer * inner;
  if (rows == 0 || dim == 0) return;
  softmax_kernel<<<grid_for(rows, 8), 256, 0, stream>>>(in, out, outer, dim, inner, log, half);
}

}  // namespace inferfoundry::foundry::kernels
