#pragma once
// foundry's internal graph: values with concrete shapes, nodes with typed attributes. The same structure
// is what the passes rewrite, what the planner assigns memory to and what a plan file stores, so a loaded
// plan is exactly what was built. Nothing here touches CUDA.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/tensor.h"

namespace inferfoundry::foundry {

// How a rank-4 value is laid out in memory. Shapes are always the ONNX (logical NCHW) shapes; a value in
// kNhwc keeps channels innermost, which is what tensor-core convolutions want.
enum class Layout : int32_t { kPlain = 0, kNhwc = 1 };

using AttrValue = std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>>;

struct Value {
  std::string name;
  DType dtype = DType::kUndefined;
  Shape shape;
  Layout layout = Layout::kPlain;
  std::optional<Tensor> constant;  // weights and folded constants (logical row-major, or as the layout says)
  // A weight of a loaded plan: its bytes stay in the plan's weight image (PlanFile::weight_image, at
  // `offset`) instead of being copied into `constant`.
  bool in_weight_image = false;
  int alias_of = -1;    // shares the memory of this value (reshape-like ops)
  int64_t offset = -1;  // byte offset in the activation arena or the weight block, once planned

  bool is_constant() const { return constant.has_value() || in_weight_image; }
  size_t byte_size() const { return static_cast<size_t>(element_count(shape)) * dtype_size(dtype); }
};

struct Node {
  std::string op;
  std::string name;         // the ONNX node's name (or its first output), kept for messages and profiles
  std::vector<int> inputs;  // value ids; -1 marks an omitted optional input
  std::vector<int> outputs;
  std::map<std::string, AttrValue> attrs;
  std::vector<std::string> fused;  // ONNX ops folded into this node, for the build summary

  int64_t attr_int(const std::string& key, int64_t fallback) const;
  float attr_float(const std::string& key, float fallback) const;
  std::string attr_string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& key, const std::vector<int64_t>& fallback = {}) const;
  std::vector<float> attr_floats(const std::string& key, const std::vector<float>& fallback = {}) const;
  bool has_attr(const std::string& key) const { return attrs.count(key) > 0; }
  int input(size_t index) const { return index < inputs.size() ? inputs[index] : -1; }
};

struct Graph {
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<int> inputs;   // runtime inputs, in the model's order
  std::vector<int> outputs;  // in the model's order
  int64_t opset = 17;

  int add_value(Value value);
  // Index of the node that produces each value (-1 for inputs, constants and unused values).
  std::vector<int> producers() const;
  // How many node inputs and graph outputs read each value.
  std::vector<int> use_counts() const;
  // Follows alias_of to the value that owns the memory.
  int root_of(int value) const;
};

// Logical strides (in elements) of a value given its layout: element (i0, i1, ...) of the ONNX shape
// lives at sum(i_k * strides[k]).
std::vector<int64_t> logical_strides(const Shape& shape, Layout layout);

}  // namespace inferfoundry::foundry
