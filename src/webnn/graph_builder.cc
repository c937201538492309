// MLGraphBuilder's bookkeeping: inputs, constants, operand ownership, and build() (reachability, naming,
// lowering to ONNX). The operations themselves are in ops_*.cc.
#include "webnn/graph_builder.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "cache/cache.h"
#include "core/error.h"
#include "core/file_io.h"
#include "webnn/onnx_emitter.h"
#include "webnn/validation.h"

namespace inferfoundry::webnn {

DType webnn_dtype_from_name(std::string_view name) {
  const auto type = dtype_from_name(name);
  if (!type || std::find(kAllTypes.begin(), kAllTypes.end(), *type) == kAllTypes.end()) {
    fail(ErrorKind::kUsage, "'{}' is not a WebNN data type; valid: {}", name, format_types(kAllTypes));
  }
  return *type;
}

namespace {
void check_descriptor(const std::string& what, const MLOperandDescriptor& descriptor) {
  if (std::find(kAllTypes.begin(), kAllTypes.end(), descriptor.data_type) == kAllTypes.end()) {
    fail(ErrorKind::kUsage, "{}: data type {} is not a WebNN data type; valid: {}", what,
         dtype_name(descriptor.data_type), format_types(kAllTypes));
  }
  for (int64_t dim : descriptor.shape) {
    if (dim <= 0)
      fail(ErrorKind::kUsage, "{}: shape {} has a dimension that is not positive", what,
           format_shape(descriptor.shape));
  }
}

// The operands an output depends on, back to inputs and constants: the nodes to lower, in creation order
// (which is a topological order, since an operation's operands exist before it).
std::vector<int> reachable_nodes(const std::vector<int>& roots, const std::vector<int>& producers,
                                 const std::function<const std::vector<int>&(int)>& node_inputs) {
  std::set<int> nodes;
  std::vector<int> stack = roots;
  std::set<int> seen_operands(roots.begin(), roots.end());
  while (!stack.empty()) {
    const int operand = stack.back();
    stack.pop_back();
    const int node = producers[operand];
    if (node < 0 || !nodes.insert(node).second) continue;
    for (int input : node_inputs(node)) {
      if (seen_operands.insert(input).second) stack.push_back(input);
    }
  }
  return {nodes.begin(), nodes.end()};
}
}  // namespace

MLGraphBuilder::MLGraphBuilder() = default;
MLGraphBuilder::MLGraphBuilder(const MLContext&) {}
MLGraphBuilder::~MLGraphBuilder() = default;

MLOperand MLGraphBuilder::new_operand(std::string name, MLOperandDescriptor descriptor, int producer) {
  auto info = std::make_shared<detail::OperandInfo>();
  info->builder = this;
  info->index = static_cast<int>(operands_.size());
  info->name = std::move(name);
  info->descriptor = std::move(descriptor);
  operands_.push_back(info);
  producers_.push_back(producer);
  return MLOperand(std::move(info));
}

void MLGraphBuilder::check_operand(const std::string& op, const std::string& role, const MLOperand& operand) const {
  if (built_) fail(ErrorKind::kUsage, "{}: this MLGraphBuilder has already built its graph", op);
  if (!operand.valid()) fail(ErrorKind::kUsage, "{}: {} is an empty operand", op, role);
  if (operand.info().builder != this) {
    fail(ErrorKind::kUsage, "{}: {} '{}' belongs to another MLGraphBuilder", op, role, operand.name());
  }
}

MLOperand MLGraphBuilder::input(const std::string& name, const MLOperandDescriptor& descriptor) {
  if (built_) fail(ErrorKind::kUsage, "input: this MLGraphBuilder has already built its graph");
  if (name.empty()) fail(ErrorKind::kUsage, "input: the name is empty");
  if (name.find("__") != std::string::npos) {
    fail(ErrorKind::kUsage, "input '{}': names containing '__' are reserved for converted values", name);
  }
  if (used_names_.count(name)) fail(ErrorKind::kUsage, "input '{}': the name is already used in this graph", name);
  check_descriptor("input '" + name + "'", descriptor);
  used_names_.insert(name);
  MLOperand operand = new_operand(name, descriptor, -1);
  input_operands_.push_back(operand.info().index);
  return operand;
}

MLOperand MLGraphBuilder::constant(const MLOperandDescriptor& descriptor, const Tensor& data) {
  if (built_) fail(ErrorKind::kUsage, "constant: this MLGraphBuilder has already built its graph");
  check_descriptor("constant", descriptor);
  const auto expected = static_cast<size_t>(element_count(descriptor.shape)) * dtype_size(descriptor.data_type);
  if (data.byte_size() != expected) {
    fail(ErrorKind::kUsage, "constant: {} bytes of data for {} {} (needs {})", data.byte_size(),
         dtype_name(descriptor.data_type), format_shape(descriptor.shape), expected);
  }
  std::string name;
  do {
    name = "constant_" + std::to_string(op_counts_["constant"]++);
  } while (used_names_.count(name));
  used_names_.insert(name);
  Tensor tensor(name, descriptor.data_type, descriptor.shape);
  std::memcpy(tensor.bytes().data(), data.bytes().data(), expected);
  MLOperand operand = new_operand(name, descriptor, -1);
  constants_.emplace(operand.info().index, std::move(tensor));
  return operand;
}

MLOperand MLGraphBuilder::constant(DType type, double value) {
  check_descriptor("constant", {type, {}});
  return constant({type, {}}, scalar_tensor("", type, value));
}

std::vector<MLOperand> MLGraphBuilder::add_node(
    const std::string& op, const std::vector<MLOperand>& inputs, const std::vector<MLOperandDescriptor>& outputs,
    std::function<void(OnnxEmitter&, const std::vector<std::string>&)> lower) {
  const int node_index = static_cast<int>(nodes_.size());
  std::vector<MLOperand> results;
  std::vector<std::string> names;
  for (const auto& descriptor : outputs) {
    std::string name;
    do {
      name = op + "_" + std::to_string(op_counts_[op]++);
    } while (used_names_.count(name));
    used_names_.insert(name);
    names.push_back(name);
    results.push_back(new_operand(name, descriptor, node_index));
  }
  Node node;
  node.scope = names.empty() ? op : names[0];
  for (const auto& input : inputs) node.inputs.push_back(input.info().index);
  node.lower = [lower = std::move(lower), names](OnnxEmitter& emitter) { lower(emitter, names); };
  nodes_.push_back(std::move(node));
  return results;
}

MLOperand MLGraphBuilder::add_node1(const std::string& op, const std::vector<MLOperand>& inputs,
                                    const MLOperandDescriptor& output,
                                    std::function<void(OnnxEmitter&, const std::string&)> lower) {
  return add_node(op, inputs, {output},
                  [lower = std::move(lower)](OnnxEmitter& emitter, const std::vector<std::string>& names) {
                    lower(emitter, names[0]);
                  })[0];
}

MLGraph MLGraphBuilder::build(const std::map<std::string, MLOperand>& outputs) {
  if (outputs.empty()) fail(ErrorKind::kUsage, "build: no outputs given");
  std::vector<int> roots;
  std::map<std::string, MLOperandDescriptor> output_descriptors;
  for (const auto& [name, operand] : outputs) {
    check_operand("build", "output '" + name + "'", operand);
    if (producers_[operand.info().index] < 0) {
      fail(ErrorKind::kUsage, "build: output '{}' is an input or constant operand; outputs must be computed", name);
    }
    if (name.empty() || used_names_.count(name) || name.find("__") != std::string::npos) {
      fail(ErrorKind::kUsage, "build: output name '{}' is empty, reserved, or already names a value in the graph",
           name);
    }
    roots.push_back(operand.info().index);
    output_descriptors[name] = operand.descriptor();
  }
  const auto nodes =
      reachable_nodes(roots, producers_, [this](int node) -> const std::vector<int>& { return nodes_[node].inputs; });
  std::set<int> used;
  for (int node : nodes) used.insert(nodes_[node].inputs.begin(), nodes_[node].inputs.end());

  GraphBuilder graph("webnn_graph", 17);
  std::map<std::string, MLOperandDescriptor> input_descriptors;
  for (int index : input_operands_) {
    if (!used.count(index)) continue;
    const auto& info = *operands_[index];
    std::vector<Dim> dims;
    for (int64_t d : info.descriptor.shape) dims.push_back(fixed_dim(d));
    graph.add_input(info.name, info.descriptor.data_type, dims);
    input_descriptors[info.name] = info.descriptor;
  }
  for (const auto& [index, tensor] : constants_) {
    if (used.count(index)) graph.add_initializer(tensor);
  }
  OnnxEmitter emitter(graph);
  for (int node : nodes) {
    emitter.begin_operation(nodes_[node].scope);
    nodes_[node].lower(emitter);
  }
  emitter.begin_operation("output");
  for (const auto& [name, operand] : outputs) {
    emitter.node("Identity", {operand.name()}, {name});
    std::vector<Dim> dims;
    for (int64_t d : operand.shape()) dims.push_back(fixed_dim(d));
    graph.add_output(name, operand.data_type(), dims);
  }
  built_ = true;
  return MLGraph(graph.build(), std::move(input_descriptors), std::move(output_descriptors));
}

MLGraph::MLGraph(onnx::ModelProto model, std::map<std::string, MLOperandDescriptor> inputs,
                 std::map<std::string, MLOperandDescriptor> outputs)
    : model_(std::move(model)), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {
  model_.set_producer_name("inferfoundry-webnn");
  if (!model_.SerializeToString(&serialized_))
    fail(ErrorKind::kInternal, "could not serialize the converted ONNX model");
  hash_ = sha256_hex(serialized_);
}

void MLGraph::to_onnx(const std::filesystem::path& path) const { write_file_atomically(path, serialized_); }

}  // namespace inferfoundry::webnn
