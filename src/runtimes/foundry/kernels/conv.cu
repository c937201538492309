// The convolution's own kernels: im2col (NHWC), direct depthwise (NHWC, epilogue fused) and the
// bias/residual/activation epilogue after a library convolution.
#include "runtimes/foundry/kernels/common.cuh"
#include "runtimes/foundry/kernels/conv.h"

namespace inferfoundry::foundry::kernels {
namespace {

template <typename T>
__global__ void im2col_kernel(const Im2colArgs a) {
  const int64_t cols = static_cast<int64_t>(a.r) * a.s * a.c;
  const int64_t total = a.n * a.oh * a.ow * cols;
  const T* x = static_cast<const T*>(a.x);
  T* col = static_cast<T*>(a.col);
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t k = i % cols, m = i / cols;
    const int64_t c = k % a.c, s = (k / a.c) % a.s, r = k / (a.c * a.s);
    const int64_t ox = m % a.ow, oy = (m / a.ow) % a.oh, n = m / (a.ow * a.oh);
    const int64_t iy = oy * a.sh - a.ph + r * a.dh, ix = ox * a.sw - a.pw + s * a.dw;
    const bool inside = iy >= 0 && iy < a.h && ix >= 0 && ix < a.w;
    col[i] = inside ? x[((n * a.h + iy) * a.w + ix) * a.c + c] : T(0.0f);
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

template <typename T>
__global__ void bias_activation_kernel(T* y, const T* bias, const T* residual, int64_t total, int64_t channels,
                                       int64_t spatial, bool nhwc, int act, float lo, float hi) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t c = nhwc ? i % channels : (i / spatial) % channels;
    float v = static_cast<float>(y[i]);
    if (bias) v += static_cast<float>(bias[c]);
    if (residual) v += static_cast<float>(residual[i]);
    if (act == 1)
      v = fmaxf(v, 0.f);
    else if (act == 2)
      v = fminf(fmaxf(v, lo), hi);
    y[i] = static_cast<T>(v);
  }
}

}  // namespace

void im2col_nhwc(const Im2colArgs& args, cudaStream_t stream) {
  const int64_t total = args.n * args.oh * args.ow * args.r * args.s * args.c;
  if (total == 0) return;
  if (args.half)
    im2col_kernel<__half><<<grid_for(total, 256), 256, 0, stream>>>(args);
  else
    im2col_kernel<float><<<grid_for(total, 256), 256, 0, stream>>>(args);
}

void depthwise_nhwc(const DepthwiseArgs& args, cudaStream_t stream) {
  const int64_t total = args.n * args.oh * args.ow * args.c;
  if (total == 0) return;
  if (args.half)
    depthwise_kernel<__half><<<grid_for(total, 256), 256, 0, stream>>>(args);
  else
    depthwise_kernel<float><<<grid_for(total, 256), 256, 0, stream>>>(args);
}

void bias_activation(void* y, const void* bias, const void* residual, int64_t total, int64_t channels, int64_t spatial,
                     bool nhwc, int act, float lo, float hi, bool half, cudaStream_t stream) {
  if (total == 0) return;
  const unsigned grid = grid_for(total, 256);
  if (half) {
    bias_activation_kernel<<<grid, 256, 0, stream>>>(static_cast<__half*>(y), static_cast<const __half*>(bias),
                                                     static_cast<const __half*>(residual), total, channels, spatial,
                                                     nhwc, act, lo, hi);
  } else {
    bias_activation_kernel<<<grid, 256, 0, stream>>>(static_cast<float*>(y), static_cast<const float*>(bias),
                                                     static_cast<const float*>(residual), total, channels, spatial,
                                                     nhwc, act, lo, hi);
  }
}

}  // namespace inferfoundry::foundry::kernels
