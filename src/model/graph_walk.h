#pragma once
// Walks every TensorProto a graph stores: initializers and tensor attributes, subgraphs (If, Loop, Scan)
// included. Model loading, fp16 conversion and model digests all need every tensor, external data or not.
#include "onnx/onnx.pb.h"

namespace inferfoundry {

template <typename Fn>
void for_each_tensor(const onnx::GraphProto& graph, Fn&& fn) {
  for (const auto& tensor : graph.initializer()) fn(tensor);
  for (const auto& node : graph.node()) {
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_t()) fn(attribute.t());
      for (const auto& tensor : attribute.tensors()) fn(tensor);
      if (attribute.has_g()) for_each_tensor(attribute.g(), fn);
      for (const auto& subgraph : attribute.graphs()) for_each_tensor(subgraph, fn);
    }
  }
}

}  // namespace inferfoundry
