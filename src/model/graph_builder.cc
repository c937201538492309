#include "model/graph_builder.h"

#include "model/tensor_proto.h"

namespace inferfoundry {

namespace {
void fill_value_info(onnx::ValueInfoProto& info, const std::string& name, DType dtype, const std::vector<Dim>& dims) {
  info.set_name(name);
  auto* tensor_type = info.mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(static_cast<int32_t>(dtype));
  auto* shape = tensor_type->mutable_shape();
  for (const auto& dim : dims) {
    auto* d = shape->add_dim();
    if (dim.is_fixed())
      d->set_dim_value(dim.value);
    else if (!dim.symbol.empty())
      d->set_dim_param(dim.symbol);
  }
}

onnx::AttributeProto& new_attribute(onnx::NodeProto& node, const std::string& name,
                                    onnx::AttributeProto::AttributeType type) {
  auto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(type);
  return *attribute;
}
}  // namespace

GraphBuilder::GraphBuilder(std::string graph_name, int64_t opset) {
  model_.set_ir_version(8);
  model_.set_producer_name("inferfoundry");
  auto* import = model_.add_opset_import();
  import->set_domain("");
  import->set_version(opset);
  model_.mutable_graph()->set_name(std::move(graph_name));
}

void GraphBuilder::add_input(const std::string& name, DType dtype, const std::vector<Dim>& dims) {
  fill_value_info(*model_.mutable_graph()->add_input(), name, dtype, dims);
}

void GraphBuilder::add_output(const std::string& name, DType dtype, const std::vector<Dim>& dims) {
  fill_value_info(*model_.mutable_graph()->add_output(), name, dtype, dims);
}

void GraphBuilder::add_initializer(const Tensor& tensor) {
  *model_.mutable_graph()->add_initializer() = tensor_to_proto(tensor);
}

onnx::NodeProto& GraphBuilder::add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs, const std::string& domain) {
  auto* node = model_.mutable_graph()->add_node();
  node->set_op_type(op_type);
  node->set_name(op_type + "_" + std::to_string(node_count_++));
  if (!domain.empty()) node->set_domain(domain);
  for (const auto& input : inputs) node->add_input(input);
  for (const auto& output : outputs) node->add_output(output);
  return *node;
}

void GraphBuilder::add_opset(const std::string& domain, int64_t version) {
  auto* import = model_.add_opset_import();
  import->set_domain(domain);
  import->set_version(version);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, int64_t value) {
  new_attribute(node, name, onnx::AttributeProto::INT).set_i(value);
}
void set_attribute(onnx::NodeProto& node, const std::string& name, float value) {
  new_attribute(node, name, onnx::AttributeProto::FLOAT).set_f(value);
}
void set_attribute(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  new_attribute(node, name, onnx::AttributeProto::STRING).set_s(value);
}
void set_attribute(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
  auto& attribute = new_attribute(node, name, onnx::AttributeProto::INTS);
  for (int64_t v : values) attribute.add_ints(v);
}
void set_attribute(onnx::NodeProto& node, const std::string& name, const std::vector<float>& values) {
  auto& attribute = new_attribute(node, name, onnx::AttributeProto::FLOATS);
  for (float v : values) attribute.add_floats(v);
}
void set_attribute(onnx::NodeProto& node, const std::string& name, const Tensor& value) {
  *new_attribute(node, name, onnx::AttributeProto::TENSOR).mutable_t() = tensor_to_proto(value);
}

}  // namespace inferfoundry
