#pragma once
// 2-D max and average pooling, NCHW or NHWC.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace inferfoundry::foundry::kernels {

struct PoolArgs {
  const void* in = nullptr;
  void* out = nullptr;
  bool half = false, nhwc = false, max = true, count_include_pad = false;
  int64_t n = 0, c = 0, h = 0, w = 0, oh = 0, ow = 0;
  int kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, pb = 0, pr = 0, dh = 1, dw = 1;  // pads: top, left, bottom, right
};
void pool2d(const PoolArgs& args, cudaStream_t stream);

}  // namespace inferfoundry::foundry::kernels
