// The fused element-wise program: one thread per output element runs every instruction.
#include "runtimes/foundry/kernels/common.cuh"
#include "runtimes/foundry/kernels/elementwise.h"

namespace inferfoundry::foundry::kernels {
namespace {

__device__ float apply(int op, float a, float b, float alpha, float beta) {
  switch (static_cast<EwOp>(op)) {
    case EwOp::kAdd:
      return a + b;
    case EwOp::kSub:
      return a - b;
    case EwOp::kMul:
      return a * b;
    case EwOp::kDiv:
      return a / b;
    case EwOp::kPow:
      return powf(a, b);
    case EwOp::kMax:
      return fmaxf(a, b);
    case EwOp::kMin:
      return fminf(a, b);
    case EwOp::kRelu:
      return a > 0.f ? a : 0.f;
    case EwOp::kSigmoid:
      return 1.f / (1.f + expf(-a));
    case EwOp::kTanh:
      return tanhf(a);
    case EwOp::kExp:
      return expf(a);
    case EwOp::kLog:
      return logf(a);
    case EwOp::kSqrt:
      return sqrtf(a);
    case EwOp::kNeg:
      return -a;
    case EwOp::kAbs:
      return fabsf(a);
    case EwOp::kErf:
      return erff(a);
    case EwOp::kClip:
      return fminf(fmaxf(a, alpha), beta);
    case EwOp::kLeakyRelu:
      return a >= 0.f ? a : a * alpha;
    case EwOp::kHardSigmoid:
      return fminf(fmaxf(alpha * a + beta, 0.f), 1.f);
    case EwOp::kHardSwish:
      return a * fminf(fmaxf(a / 6.f + 0.5f, 0.f), 1.f);
    case EwOp::kReciprocal:
      return 1.f / a;
    case EwOp::kSoftplus:
      return a > 20.f ? a : log1pf(expf(a));
    case EwOp::kElu:
      return a >= 0.f ? a : alpha * (expf(a) - 1.f);
    case EwOp::kCopy:
      return a;
    case EwOp::kSin:
      return sinf(a);
    case EwOp::kCos:
      return cosf(a);
    case EwOp::kGelu:
      return 0.5f * a * (1.f + erff(a * 0.70710678118654752f));
    case EwOp::kPRelu:
      return a >= 0.f ? a : a * b;
    case EwOp::kAffine:
      return a * alpha + beta;
  }
  return 0.f;
}

__global__ void elementwise_kernel(const ElementwiseArgs args) {
  float regs[kMaxEwInstructions];
  float values[kMaxEwInputs];
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < args.total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t offsets[kMaxEwInputs] = {};
    int64_t rest = i;
    for (int d = args.rank - 1; d >= 0; --d) {
      const int64_t coord = rest % args.dims[d];
      rest /= args.dims[d];
      for (int k = 0; k < args.inputs; ++k) offsets[k] += coord * args.strides[k][d];
    }
    for (int k = 0; k < args.inputs; ++k) values[k] = load(args.in[k], offsets[k], args.in_half[k]);
    for (int s = 0; s < args.instructions; ++s) {
      const int a = args.code[3 * s + 1], b = args.code[3 * s + 2];
      const float va = a >= 0 ? values[a] : regs[-1 - a];
      const float vb = b >= 0 ? values[b] : regs[-1 - b];
      regs[s] = apply(args.code[3 * s], va, vb, args.params[2 * s], args.params[2 * s + 1]);
    }
    store(args.out, i, regs[args.instructions - 1], args.out_half);
  }
}

}  // namespace

void elementwise(const ElementwiseArgs& args, cudaStream_t stream) {
  if (args.total == 0) return;
  elementwise_kernel<<<grid_for(args.total, 256), 256, 0, stream>>>(args);
}

}  // namespace inferfoundry::foundry::kernels
