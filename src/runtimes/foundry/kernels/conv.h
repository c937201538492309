#pragma once
// The convolution's own kernels: im2col for convolutions run as matrix products, a direct depthwise
// convolution, and the bias/residual/activation epilogue after a library convolution.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace inferfoundry::foundry::kernels {

// Unfolds an NHWC input into rows of convolution windows: col[m, (r * S + s) * C + c] with m = (n * OH + oh) * OW + ow,
// zero where the window reads padding. The matrix product of col with [K, R*S*C] filters is the convolution.
struct Im2colArgs {
  const void* x = nullptr;
  void* col = nullptr;
  bool half = false;
  int64_t n = 0, h = 0, w = 0, c = 0, oh = 0, ow = 0;
  int r = 1, s = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
};
void im2col_nhwc(const Im2colArgs& args, cudaStream_t stream);

// Depthwise convolution (one filter per channel) on NHWC data with bias, residual and activation fused:
// w is [C, R, S]; act as in bias_activation.
struct DepthwiseArgs {
  const void *x = nullptr, *w = nullptr, *bias = nullptr, *residual = nullptr;
  void* y = nullptr;
  bool half = false;
  int64_t n = 0, h = 0, w_in = 0, c = 0, oh = 0, ow = 0;
  int r = 1, s = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
  int act = 0;
  float lo = 0, hi = 0;
};
void depthwise_nhwc(const DepthwiseArgs& args, cudaStream_t stream);

// y = act(y + bias[c] + residual) in place (bias and residual may be null) after a convolution; act 0 none, 1 relu, 2
// clip(lo, hi). Channel of element i: NHWC (i % channels), NCHW ((i / spatial) % channels).
void bias_activation(void* y, const void* bias, const void* residual, int64_t total, int64_t channels, int64_t spatial,
                     bool nhwc, int act, float lo, float hi, bool half, cudaStream_t stream);

}  // namespace inferfoundry::foundry::kernels
