#pragma once
// Shared by the passes (C++20) and the element-wise kernel (CUDA C++17): keep this header plain.
#include <cstdint>

namespace inferfoundry::foundry {

// Opcodes of the fused element-wise programs run by the element-wise kernel (kernels/elementwise.cu).
// Each instruction is (opcode, a, b): operands >= 0 name the node's inputs, < 0 name the result of an
// earlier instruction (-1 - index). Parameters alpha/beta travel beside it.
enum class EwOp : int64_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kMax,
  kMin,
  kRelu,
  kSigmoid,
  kTanh,
  kExp,
  kLog,
  kSqrt,
  kNeg,
  kAbs,
  kErf,
  kClip,
  kLeakyRelu,
  kHardSigmoid,
  kHardSwish,
  kReciprocal,
  kSoftplus,
  kElu,
  kCopy,
  kSin,
  kCos,
  kGelu,
  kPRelu,
  kAffine,  // a * alpha + beta (Mean's division, folded scalar constants)
};
inline constexpr int kMaxEwInputs = 8;
inline constexpr int kMaxEwInstructions = 24;

}  // namespace inferfoundry::foundry
