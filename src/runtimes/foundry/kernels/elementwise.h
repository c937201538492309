#pragma once
// The fused element-wise program (ir/elementwise_program.h) over broadcast inputs.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "runtimes/foundry/ir/elementwise_program.h"
#include "runtimes/foundry/kernels/limits.h"

namespace inferfoundry::foundry::kernels {

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

}  // namespace inferfoundry::foundry::kernels
