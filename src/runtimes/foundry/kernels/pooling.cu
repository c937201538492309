// 2-D pooling; accumulates in fp32 whatever the storage type.
#include <cfloat>

#include "runtimes/foundry/kernels/common.cuh"
#include "runtimes/foundry/kernels/pooling.h"

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

}  // namespace

void pool2d(const PoolArgs& args, cudaStream_t stream) {
  const int64_t total = args.n * args.c * args.oh * args.ow;
  if (total == 0) return;
  pool2d_kernel<<<grid_for(total, 256), 256, 0, stream>>>(args);
}

}  // namespace inferfoundry::foundry::kernels
