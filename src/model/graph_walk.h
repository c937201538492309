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

namespace detail {

template <typename Fn>
void visit_stored_tensors(const onnx::GraphProto& graph, Fn& fn);

template <typename Fn>
void visit_sparse(const onnx::SparseTensorProto& sparse, Fn& fn) {
  fn(sparse.values());
  fn(sparse.indices());
}

template <typename Nodes, typename Fn>
void visit_node_tensors(const Nodes& nodes, Fn& fn) {
  for (const auto& node : nodes) {
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_t()) fn(attribute.t());
      for (const auto& tensor : attribute.tensors()) fn(tensor);
      if (attribute.has_sparse_tensor()) visit_sparse(attribute.sparse_tensor(), fn);  // Constant's sparse_value
      for (const auto& sparse : attribute.sparse_tensors()) visit_sparse(sparse, fn);
      if (attribute.has_g()) visit_stored_tensors(attribute.g(), fn);
      for (const auto& subgraph : attribute.graphs()) visit_stored_tensors(subgraph, fn);
    }
  }
}

template <typename Fn>
void visit_stored_tensors(const onnx::GraphProto& graph, Fn& fn) {
  for (const auto& tensor : graph.initializer()) fn(tensor);
  for (const auto& sparse : graph.sparse_initializer()) visit_sparse(sparse, fn);
  visit_node_tensors(graph.node(), fn);
}

}  // namespace detail

// Every TensorProto a model file can hold, wherever it sits: what for_each_tensor visits, plus the values
// and indices of sparse initializers and sparse attributes (Constant's sparse_value), and the tensors in
// the model's local functions. Any of them may point at external data, so checks of external data use this.
template <typename Fn>
void for_each_stored_tensor(const onnx::ModelProto& model, Fn&& fn) {
  detail::visit_stored_tensors(model.graph(), fn);
  for (const auto& function : model.functions()) detail::visit_node_tensors(function.node(), fn);
}

}  // namespace inferfoundry
