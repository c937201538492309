#include "runtimes/foundry/import/onnx_import.h"

#include <unordered_map>

#include "core/error.h"
#include "model/tensor_proto.h"

namespace inferfoundry::foundry {
namespace {

Shape resolve_shape(const TensorSpec& spec, const std::map<std::string, Shape>& shapes) {
  if (const auto it = shapes.find(spec.name); it != shapes.end()) {
    if (it->second.size() != spec.dims.size()) {
      fail(ErrorKind::kUsage, "--shapes {}: rank {} given, the model's input has rank {}", spec.name, it->second.size(),
           spec.dims.size());
    }
    for (size_t d = 0; d < spec.dims.size(); ++d) {
      if (spec.dims[d].is_fixed() && spec.dims[d].value != it->second[d]) {
        fail(ErrorKind::kUsage, "--shapes {}: dimension {} is fixed at {} in the model", spec.name, d,
             spec.dims[d].value);
      }
    }
    return it->second;
  }
  Shape shape;
  for (const Dim& dim : spec.dims) {
    int64_t size = dim.is_fixed() ? dim.value : 1;
    if (!dim.symbol.empty()) {
      if (const auto it = shapes.find(dim.symbol); it != shapes.end() && it->second.size() == 1) size = it->second[0];
    }
    shape.push_back(size);
  }
  return shape;
}

AttrValue convert_attribute(const onnx::NodeProto& node, const onnx::AttributeProto& attr) {
  switch (attr.type()) {
    case onnx::AttributeProto::INT:
      return attr.i();
    case onnx::AttributeProto::FLOAT:
      return attr.f();
    case onnx::AttributeProto::STRING:
      return attr.s();
    case onnx::AttributeProto::INTS:
      return std::vector<int64_t>(attr.ints().begin(), attr.ints().end());
    case onnx::AttributeProto::FLOATS:
      return std::vector<float>(attr.floats().begin(), attr.floats().end());
    case onnx::AttributeProto::TENSOR: {
      // ConstantOfShape's value: a one-element tensor, kept as its number and element type.
      const Tensor tensor = tensor_from_proto(attr.t());
      if (tensor.element_count() != 1) {
        fail(ErrorKind::kInput, "node '{}': tensor attribute '{}' must hold one element", node.name(), attr.name());
      }
      return std::vector<float>{static_cast<float>(tensor.value_at(0)),
                                static_cast<float>(static_cast<int>(tensor.dtype()))};
    }
    default:
      // Graph-valued attributes (If, Loop, Scan) are not supported; the op check reports those nodes.
      return std::string("<unsupported attribute>");
  }
}

class Importer {
 public:
  Importer(const Model& model, Graph& graph) : model_(model), graph_(graph) {}

  void run(const std::map<std::string, Shape>& shapes) {
    const onnx::GraphProto& proto = model_.proto().graph();
    for (const auto& opset : model_.proto().opset_import()) {
      if (opset.domain().empty() || opset.domain() == "ai.onnx") graph_.opset = opset.version();
    }
    add_initializers(proto);
    for (const TensorSpec& spec : model_.inputs()) {
      Value value{.name = spec.name, .dtype = spec.dtype, .shape = resolve_shape(spec, shapes)};
      const int id = graph_.add_value(std::move(value));
      by_name_[spec.name] = id;
      graph_.inputs.push_back(id);
    }
    for (const auto& node : proto.node()) add_node(node);
    for (const auto& output : proto.output()) graph_.outputs.push_back(lookup(output.name(), "graph output"));
  }

 private:
  void add_initializers(const onnx::GraphProto& proto) {
    std::filesystem::path dir;
    if (model_.path()) dir = model_.path()->parent_path();
    for (const auto& init : proto.initializer()) {
      Tensor tensor = tensor_from_proto(init, model_.path() ? &dir : nullptr);
      add_constant(init.name(), std::move(tensor));
    }
  }

  int add_constant(const std::string& name, Tensor tensor) {
    Value value{.name = name, .dtype = tensor.dtype(), .shape = tensor.shape()};
    value.constant = std::move(tensor);
    const int id = graph_.add_value(std::move(value));
    by_name_[name] = id;
    return id;
  }

  int lookup(const std::string& name, const char* what) const {
    const auto it = by_name_.find(name);
    if (it == by_name_.end())
      fail(ErrorKind::kInput, "{} '{}' is not produced by any earlier node (graph not in topological order?)", what,
           name);
    return it->second;
  }

  void add_node(const onnx::NodeProto& proto) {
    const std::string display =
        proto.name().empty() ? (proto.output_size() ? proto.output(0) : proto.op_type()) : proto.name();
    if (proto.op_type() == "Constant" && (proto.domain().empty() || proto.domain() == "ai.onnx") &&
        proto.output_size() == 1) {
      add_constant_node(proto, display);
      return;
    }
    Node node;
    node.op = proto.domain().empty() || proto.domain() == "ai.onnx" ? proto.op_type()
                                                                    : proto.domain() + "::" + proto.op_type();
    node.name = display;
    for (const auto& input : proto.input()) node.inputs.push_back(input.empty() ? -1 : lookup(input, "node input"));
    for (const auto& attr : proto.attribute()) node.attrs[attr.name()] = convert_attribute(proto, attr);
    for (const auto& output : proto.output()) {
      if (output.empty()) {
        node.outputs.push_back(-1);
        continue;
      }
      const int id = graph_.add_value(Value{.name = output});
      by_name_[output] = id;
      node.outputs.push_back(id);
    }
    graph_.nodes.push_back(std::move(node));
  }

  void add_constant_node(const onnx::NodeProto& proto, const std::string& display) {
    for (const auto& attr : proto.attribute()) {
      if (attr.name() == "value" && attr.type() == onnx::AttributeProto::TENSOR) {
        add_constant(proto.output(0), tensor_from_proto(attr.t()));
        return;
      }
      Tensor tensor;
      if (attr.name() == "value_float") {
        tensor = Tensor(proto.output(0), DType::kFloat32, {});
        tensor.data<float>()[0] = attr.f();
      } else if (attr.name() == "value_int") {
        tensor = Tensor(proto.output(0), DType::kInt64, {});
        tensor.data<int64_t>()[0] = attr.i();
      } else if (attr.name() == "value_floats") {
        tensor = Tensor(proto.output(0), DType::kFloat32, {attr.floats_size()});
        for (int k = 0; k < attr.floats_size(); ++k) tensor.data<float>()[k] = attr.floats(k);
      } else if (attr.name() == "value_ints") {
        tensor = Tensor(proto.output(0), DType::kInt64, {attr.ints_size()});
        for (int k = 0; k < attr.ints_size(); ++k) tensor.data<int64_t>()[k] = attr.ints(k);
      } else {
        continue;
      }
      add_constant(proto.output(0), std::move(tensor));
      return;
    }
    fail(ErrorKind::kInput, "Constant node '{}' has no value attribute foundry understands", display);
  }

  const Model& model_;
  Graph& graph_;
  std::unordered_map<std::string, int> by_name_;
};

}  // namespace

namespace {
void check_shape_names(const Model& model, const std::map<std::string, Shape>& shapes) {
  for (const auto& [name, shape] : shapes) {
    bool known = false;
    for (const TensorSpec& spec : model.inputs()) {
      known = known || spec.name == name;
      for (const Dim& dim : spec.dims) known = known || dim.symbol == name;
    }
    if (!known)
      fail(ErrorKind::kUsage, "--shapes names '{}', which is neither an input nor a symbolic dimension of the model",
           name);
  }
}
}  // namespace

std::map<std::string, Shape> resolve_input_shapes(const Model& model, const std::map<std::string, Shape>& shapes) {
  check_shape_names(model, shapes);
  std::map<std::string, Shape> resolved;
  for (const TensorSpec& spec : model.inputs()) resolved[spec.name] = resolve_shape(spec, shapes);
  return resolved;
}

Graph import_onnx(const Model& model, const std::map<std::string, Shape>& shapes) {
  check_shape_names(model, shapes);
  Graph graph;
  Importer(model, graph).run(shapes);
  return graph;
}

}  // namespace inferfoundry::foundry
