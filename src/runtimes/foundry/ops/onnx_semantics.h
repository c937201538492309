#pragma once
// Small pieces of ONNX operator semantics shared by shape inference, constant folding and lowering.
#include <cstdint>
#include <vector>

#include "core/shape.h"
#include "runtimes/foundry/ir/graph.h"

namespace inferfoundry::foundry {

// Axis in [-rank, rank) to [0, rank); throws Error(kInput) naming the node when out of range.
int64_t normalize_axis(const Node& node, int64_t axis, int64_t rank);

// Numpy-style broadcast of two shapes; throws Error(kInput) naming the node when they do not broadcast.
Shape broadcast_shapes(const Node& node, const Shape& a, const Shape& b);
// Strides (elements) of an input read as if broadcast to `out`: 0 where it repeats. `strides` are the
// input's own logical strides.
std::vector<int64_t> broadcast_strides(const Shape& in, const std::vector<int64_t>& strides, const Shape& out);

// The integers of a constant value (int32/int64/float); throws Error(kInput) if the value is not constant.
std::vector<int64_t> constant_ints(const Graph& graph, int value, const Node& node);

// Per-axis window of a Slice, resolved and clamped against the input shape.
struct SliceWindow {
  std::vector<int64_t> starts, steps;  // one per input axis
  Shape out_shape;
};
SliceWindow resolve_slice(const Graph& graph, const Node& node, const Shape& in);

// Spatial geometry of Conv/MaxPool/AveragePool after auto_pad: pads as ONNX orders them (begins, then ends).
struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;
  Shape out_spatial;
};
Window resolve_window(const Node& node, const Shape& in, const std::vector<int64_t>& kernel, bool ceil_mode);

}  // namespace inferfoundry::foundry
