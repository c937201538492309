#pragma once
// Host-side launchers of foundry's own CUDA kernels. Tensors are fp32 or fp16 (`half` flags); every
// launcher enqueues on `stream` and returns at once (errors surface through cudaGetLastError).
#include <cuda_runtime_api.h>

#include <cstdint>

namespace inferfoundry::foundry::kernels {

inline constexpr int kMaxRank = 6;
inline constexpr int kMaxEwInputs = 8;
inline constexpr int kMaxEwInstructions = 24;

// Element-wise program over broadcast inputs. dims: the output's physical dims (row-major, contiguous
// output); strides: per input, the element stride along each of those dims (0 where it broadcasts).
struct ElementwiseArgs {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t total = 0;
  int inputs = 0;
  const void* in[kMaxEwInputs] = {};
  bool in_half[kMaxEwInputs] = {};
  int64_t strides[kMaxEwInputs][kMaxRank] = {};
  int instructions = 0;
  int code[kMaxEwInstructions * 3] = {};
  float params[kMaxEwInstructions * 2] = {};
  void* out = nullptr;
  bool out_half = false;
};
void elementwise(const ElementwiseArgs& args, cudaStream_t stream);

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

struct PoolArgs {
  const void* in = nullptr;
  void* out = nullptr;
  bool half = false, nhwc = false, max = true, count_include_pad = false;
  int64_t n = 0, c = 0, h = 0, w = 0, oh = 0, ow = 0;
  int kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, pb = 0, pr = 0, dh = 1, dw = 1;  // pads: top, left, bottom, right
};
void pool2d(const PoolArgs& args, cudaStream_t stream);

// out[o, i] = reduce_r in[o, r, i]; mode 0 mean, 1 sum, 2 max, 3 min. Accumulates in fp32.
void reduce(const void* in, void* out, int64_t outer, int64_t extent, int64_t inner, int mode, bool half,
            cudaStream_t stream);

// Softmax (or log-softmax) along the middle dimension of [outer, dim, inner], in fp32 internally.
void softmax(const void* in, void* out, int64_t outer, int64_t dim, int64_t inner, bool log, bool half,
             cudaStream_t stream);

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
