#include "model/precision.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "core/error.h"
#include "core/float16.h"
#include "model/tensor_proto.h"

namespace inferfoundry {
namespace {

constexpr int32_t kFloat = onnx::TensorProto::FLOAT;
constexpr int32_t kFloat16 = onnx::TensorProto::FLOAT16;
constexpr float kHalfMax = 65504.0f;
constexpr int64_t kProtobufLimit = std::numeric_limits<int32_t>::max();

// Inputs that ONNX types as float only (or that ORT's kernels read as float), by op type and index.
const std::map<std::string, std::vector<int>>& float_only_inputs() {
  static const std::map<std::string, std::vector<int>> slots = {{"Resize", {1, 2}}, {"Upsample", {1}}};
  return slots;
}

class Converter {
 public:
  Converter(const std::filesystem::path* model_dir, Fp16Report& report) : model_dir_(model_dir), report_(report) {}

  // Subgraphs' own inputs and outputs are internal values, so they change type like the rest.
  void convert_graph(onnx::GraphProto& graph, bool subgraph = false) {
    if (subgraph) {
      for (auto& input : *graph.mutable_input()) retype(input);
      for (auto& output : *graph.mutable_output()) retype(output);
    }
    for (auto& initializer : *graph.mutable_initializer()) {
      if (initializer.data_type() == kFloat) {
        to_half(initializer);
        ++report_.initializers;
      }
    }
    for (auto& info : *graph.mutable_value_info()) retype(info);
    onnx::GraphProto rewritten_nodes;
    for (auto& node : *graph.mutable_node()) {
      convert_node(node);
      add_float_only_casts(node, rewritten_nodes);
      *rewritten_nodes.add_node() = node;
    }
    graph.mutable_node()->Swap(rewritten_nodes.mutable_node());
  }

  // The outermost graph keeps float inputs and outputs: Casts just inside translate.
  void keep_float_interface(onnx::GraphProto& graph) {
    std::set<std::string> initializer_names;
    for (const auto& initializer : graph.initializer()) initializer_names.insert(initializer.name());
    std::set<std::string> input_names;
    onnx::GraphProto input_casts;
    for (auto& input : *graph.mutable_input()) {
      input_names.insert(input.name());
      if (!is_float_tensor(input)) continue;
      // Old models list initializers as inputs too: those were converted, so their declared type follows.
      if (initializer_names.count(input.name())) {
        input.mutable_type()->mutable_tensor_type()->set_elem_type(kFloat16);
        continue;
      }
      const std::string half_name = input.name() + "__fp16";
      rename_uses(graph, input.name(), half_name);
      add_cast(input_casts, input.name(), half_name, kFloat16, report_.io_casts);
    }
    for (const auto& output : graph.output()) {
      if (!is_float_tensor(output) || input_names.count(output.name())) continue;
      const std::string half_name = output.name() + "__fp16";
      rename_everywhere(graph, output.name(), half_name);
      add_cast(graph, half_name, output.name(), kFloat, report_.io_casts);
    }
    // Input casts must precede every node that reads them.
    for (auto& node : *graph.mutable_node()) *input_casts.add_node() = std::move(node);
    graph.mutable_node()->Swap(input_casts.mutable_node());
  }

 private:
  static bool is_float_tensor(const onnx::ValueInfoProto& info) {
    return info.type().has_tensor_type() && info.type().tensor_type().elem_type() == kFloat;
  }

  static void retype(onnx::ValueInfoProto& info) {
    if (is_float_tensor(info)) info.mutable_type()->mutable_tensor_type()->set_elem_type(kFloat16);
  }

  static void add_cast(onnx::GraphProto& graph, const std::string& from, const std::string& to, int32_t type,
                       int64_t& counter) {
    auto* cast = graph.add_node();
    cast->set_op_type("Cast");
    cast->set_name(to + "__cast");
    cast->add_input(from);
    cast->add_output(to);
    auto* attribute = cast->add_attribute();
    attribute->set_name("to");
    attribute->set_type(onnx::AttributeProto::INT);
    attribute->set_i(type);
    ++counter;
  }

  // Replaces `from` by `to` wherever a node reads it, subgraphs included (they may read outer names).
  static void rename_uses(onnx::GraphProto& graph, const std::string& from, const std::string& to) {
    for (auto& node : *graph.mutable_node()) {
      for (auto& input : *node.mutable_input()) {
        if (input == from) input = to;
      }
      for (auto& attribute : *node.mutable_attribute()) {
        if (attribute.has_g()) rename_uses(*attribute.mutable_g(), from, to);
        for (auto& subgraph : *attribute.mutable_graphs()) rename_uses(subgraph, from, to);
      }
    }
  }

  static void rename_everywhere(onnx::GraphProto& graph, const std::string& from, const std::string& to) {
    rename_uses(graph, from, to);
    for (auto& node : *graph.mutable_node()) {
      for (auto& output : *node.mutable_output()) {
        if (output == from) output = to;
      }
    }
    for (auto& initializer : *graph.mutable_initializer()) {
      if (initializer.name() == from) initializer.set_name(to);
    }
    for (auto& info : *graph.mutable_value_info()) {
      if (info.name() == from) info.set_name(to);
    }
  }

  void convert_node(onnx::NodeProto& node) {
    for (auto& attribute : *node.mutable_attribute()) {
      if (attribute.has_g()) convert_graph(*attribute.mutable_g(), true);
      for (auto& subgraph : *attribute.mutable_graphs()) convert_graph(subgraph, true);
      const std::string& name = attribute.name();
      if (attribute.has_t() && attribute.t().data_type() == kFloat && (name == "value" || name == "sparse_value")) {
        to_half(*attribute.mutable_t());
        ++report_.constants;
      } else if (node.op_type() == "Constant" && (name == "value_float" || name == "value_floats")) {
        constant_as_half_tensor(attribute);
      } else if ((name == "to" || name == "dtype") && attribute.type() == onnx::AttributeProto::INT &&
                 attribute.i() == kFloat) {
        attribute.set_i(kFloat16);
        ++report_.casts_retargeted;
      }
    }
  }

  // Constant's value_float / value_floats become a float16 `value` tensor (scalar or 1-D).
  void constant_as_half_tensor(onnx::AttributeProto& attribute) {
    onnx::TensorProto tensor;
    tensor.set_data_type(kFloat);
    if (attribute.name() == "value_float") {
      tensor.add_float_data(attribute.f());
    } else {
      tensor.add_dims(attribute.floats_size());
      for (float value : attribute.floats()) tensor.add_float_data(value);
    }
    to_half(tensor);
    attribute.Clear();
    attribute.set_name("value");
    attribute.set_type(onnx::AttributeProto::TENSOR);
    *attribute.mutable_t() = std::move(tensor);
    ++report_.constants;
  }

  void add_float_only_casts(onnx::NodeProto& node, onnx::GraphProto& nodes) {
    const auto slots = float_only_inputs().find(node.op_type());
    if (slots == float_only_inputs().end() || !node.domain().empty()) return;
    for (int index : slots->second) {
      if (index >= node.input_size() || node.input(index).empty()) continue;
      const std::string float_name = node.input(index) + "__fp32_for_" + node.name() + "_" + std::to_string(index);
      add_cast(nodes, node.input(index), float_name, kFloat, report_.float_only_inputs);
      node.set_input(index, float_name);
    }
  }

  void to_half(onnx::TensorProto& tensor) {
    const Tensor values = tensor_from_proto(tensor, model_dir_);
    std::string bytes(static_cast<size_t>(values.element_count()) * sizeof(uint16_t), '\0');
    auto floats = values.data<float>();
    for (size_t i = 0; i < floats.size(); ++i) {
      float value = floats[i];
      if (std::isfinite(value) && std::fabs(value) > kHalfMax) {
        value = std::copysign(kHalfMax, value);
        ++report_.clamped_values;
      }
      const uint16_t half = float_to_half(value);
      std::memcpy(bytes.data() + i * sizeof(uint16_t), &half, sizeof(half));
    }
    tensor.clear_float_data();
    tensor.clear_external_data();
    tensor.clear_data_location();
    tensor.set_data_type(kFloat16);
    tensor.set_raw_data(std::move(bytes));
  }

  const std::filesystem::path* model_dir_;
  Fp16Report& report_;
};

// Tensors with external data that are not float are read in too: the converted model is loaded from memory.
void inline_external_data(onnx::GraphProto& graph, const std::filesystem::path* model_dir) {
  for (auto& initializer : *graph.mutable_initializer()) {
    if (initializer.data_location() != onnx::TensorProto::EXTERNAL) continue;
    const Tensor values = tensor_from_proto(initializer, model_dir);
    onnx::TensorProto inlined = tensor_to_proto(values);
    inlined.set_name(initializer.name());
    initializer = std::move(inlined);
  }
}

}  // namespace

onnx::ModelProto convert_to_fp16(const Model& model, Fp16Report* report) {
  Fp16Report local;
  Fp16Report& counts = report ? *report : local;
  counts = {};
  onnx::ModelProto converted = model.proto();
  std::filesystem::path model_dir;
  if (model.path()) model_dir = model.path()->parent_path();
  const std::filesystem::path* dir = model.path() ? &model_dir : nullptr;

  Converter converter(dir, counts);
  onnx::GraphProto& graph = *converted.mutable_graph();
  converter.convert_graph(graph);
  converter.keep_float_interface(graph);
  inline_external_data(graph, dir);
  if (static_cast<int64_t>(converted.ByteSizeLong()) > kProtobufLimit) {
    fail(ErrorKind::kRuntime, "{} in float16 is {:.1f} GiB, over protobuf's 2 GiB limit for one model; fp16 conversion "
         "of models this large is not supported", model.display_name(),
         static_cast<double>(converted.ByteSizeLong()) / (1024.0 * 1024.0 * 1024.0));
  }
  return converted;
}

}  // namespace inferfoundry
