#pragma once
// Limits shared by foundry's kernel families. Launchers are host functions declared in one header per
// family (elementwise.h, conv.h, ...); they enqueue on the given stream and return at once (errors surface
// through cudaGetLastError). Tensors are fp32 or fp16 (`half` flags).

namespace inferfoundry::foundry::kernels {

inline constexpr int kMaxRank = 6;

}  // namespace inferfoundry::foundry::kernels
