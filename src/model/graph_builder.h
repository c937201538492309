#pragma once
#include <string>
#include <vector>

#include "core/tensor.h"
#include "model/model.h"
#include "onnx/onnx.pb.h"

namespace inferfoundry {

inline Dim fixed_dim(int64_t value) { return Dim{value, {}}; }
inline Dim symbolic_dim(std::string name) { return Dim{-1, std::move(name)}; }

// Builds ONNX models in code: for the demo model, for tests that make their own models, and for the
// WebNN converter. Thin on purpose: it writes protobuf fields and checks nothing ONNX's checker would.
class GraphBuilder {
 public:
  explicit GraphBuilder(std::string graph_name, int64_t opset = 17);

  void add_input(const std::string& name, DType dtype, const std::vector<Dim>& dims);
  void add_output(const std::string& name, DType dtype, const std::vector<Dim>& dims);
  void add_initializer(const Tensor& tensor);
  onnx::NodeProto& add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs, const std::string& domain = "");
  // Declares an additional opset import (e.g. {"com.microsoft", 1}).
  void add_opset(const std::string& domain, int64_t version);

  onnx::ModelProto build() const { return model_; }

 private:
  onnx::ModelProto model_;
  int node_count_ = 0;
};

void set_attribute(onnx::NodeProto& node, const std::string& name, int64_t value);
void set_attribute(onnx::NodeProto& node, const std::string& name, float value);
void set_attribute(onnx::NodeProto& node, const std::string& name, const std::string& value);
void set_attribute(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values);
void set_attribute(onnx::NodeProto& node, const std::string& name, const std::vector<float>& values);
void set_attribute(onnx::NodeProto& node, const std::string& name, const Tensor& value);

}  // namespace inferfoundry
