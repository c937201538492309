#pragma once
// The graph passes between ONNX import and memory planning. All CPU-only, so CI tests them without a GPU.
#include <string>
#include <vector>

#include "runtimes/foundry/ir/elementwise_program.h"
#include "runtimes/foundry/ir/graph.h"

namespace inferfoundry::foundry {

// Removes nodes whose outputs are constants or unused, then drops values nothing refers to.
void remove_dead_nodes(Graph& graph);

// Rewrites ONNX ops into foundry's executable ops (Conv, Gemm, Pool, Elementwise, Softmax, Reduce, Concat,
// Copy, Gather, Pad, Alias). Collects every node it cannot lower and throws one Error(kRuntime) listing
// them all ("unsupported: Foo (node 'x'), ...") — there is no fallback.
void lower_to_foundry_ops(Graph& graph);

struct FusionStats {
  int batchnorm_folded = 0;
  int epilogues_fused = 0;     // bias / residual / activation folded into Conv or Gemm
  int elementwise_merged = 0;  // element-wise nodes merged into a neighbour
};
// BatchNorm into Conv, residual Add and activation into Conv/Gemm, element-wise chains into one node.
FusionStats fuse(Graph& graph);

struct FormatOptions {
  bool fp16 = false;  // activations and heavy weights in half precision; model inputs/outputs keep their types
  bool nhwc = true;   // convolutions and their neighbours in channels-last layout
};
// Chooses each value's dtype and layout, converts weights, and inserts the conversions (Copy nodes) where
// an op needs another layout or dtype than its producer gives.
void assign_formats(Graph& graph, const FormatOptions& options);

// Op names after lowering, for tests and the engine's dispatch.
const std::vector<std::string>& foundry_ops();

}  // namespace inferfoundry::foundry
