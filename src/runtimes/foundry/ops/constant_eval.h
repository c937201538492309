#pragma once
#include <optional>
#include <vector>

#include "core/tensor.h"
#include "runtimes/foundry/ir/graph.h"

namespace inferfoundry::foundry {

// Computes a node's outputs on the CPU when every input is a constant. The output dtypes and shapes come
// from shape inference (`out`, filled but zeroed). Returns false when the op cannot be evaluated here (the
// node then stays in the graph).
bool evaluate_constant(const Graph& graph, const Node& node, std::vector<Tensor>& out);

// Elements of a tensor as doubles, and back (integer types round toward zero as ONNX casts do).
std::vector<double> to_doubles(const Tensor& tensor);
void from_doubles(Tensor& tensor, const std::vector<double>& values);

}  // namespace inferfoundry::foundry
