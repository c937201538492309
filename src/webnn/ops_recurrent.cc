// gru, gruCell, lstm, lstmCell. WebNN's default gate layouts ("zrn", "iofg") are ONNX's, so these lower to
// ONNX GRU/LSTM; the other layouts reorder gate blocks, and the cells are one-step sequences.
#include <algorithm>
#include <map>

#include "webnn/graph_builder.h"
#include "webnn/onnx_emitter.h"
#include "webnn/validation.h"

namespace inferfoundry::webnn {

namespace {

struct RecurrentKind {
  bool lstm = false;
  bool cell = false;
  int64_t gates() const { return lstm ? 4 : 3; }
};

std::string onnx_activation(const OpCheck& check, const std::string& name) {
  static const std::map<std::string, std::string> names = {{"sigmoid", "Sigmoid"}, {"tanh", "Tanh"}, {"relu", "Relu"}};
  auto it = names.find(name);
  if (it == names.end()) check.fail("activation '{}' is not one of relu, sigmoid, tanh", name);
  return it->second;
}

// Reorders gate blocks along axis 1 (after the direction axis) into ONNX's order.
std::string reorder_gates(OnnxEmitter& e, const std::string& value, int64_t gates, const std::vector<int>& order) {
  std::vector<std::string> blocks;
  for (int64_t i = 0; i < gates; ++i) blocks.push_back(e.fresh_name("gate"));
  set_attribute(e.node("Split", {value}, blocks), "axis", int64_t{1});
  std::vector<std::string> ordered;
  for (int index : order) ordered.push_back(blocks[index]);
  onnx::NodeProto* node = nullptr;
  std::string result = e.value("Concat", ordered, &node);
  set_attribute(*node, "axis", int64_t{1});
  return result;
}

}  // namespace

std::vector<MLOperand> MLGraphBuilder::recurrent(const std::string& op, const std::vector<MLOperand>& operands,
                                                 int64_t steps, int64_t hidden_size, const MLOptions& options) {
  const RecurrentKind kind{op.rfind("lstm", 0) == 0, op.find("Cell") != std::string::npos};
  std::vector<std::string_view> keys = {"bias", "recurrentBias", "layout", "activations"};
  if (!kind.lstm) keys.push_back("resetAfter");
  if (kind.lstm) keys.push_back("peepholeWeight");
  if (!kind.cell) {
    keys.insert(keys.end(), {"initialHiddenState", "returnSequence", "direction"});
    if (kind.lstm) keys.push_back("initialCellState");
  }
  OpCheck opts(op, options, keys);
  const char* roles[] = {"input", "weight", "recurrentWeight", "hiddenState", "cellState"};
  for (size_t i = 0; i < operands.size(); ++i) check_operand(opts.where(), roles[i], operands[i]);
  const MLOperand& input = operands[0];
  opts.input_dtype("input", input);
  const DType type = input.data_type();
  if (hidden_size <= 0) opts.fail("hiddenSize must be positive");
  const std::string direction =
      kind.cell ? "forward" : opts.get_enum("direction", "forward", {"forward", "backward", "both"});
  const int64_t dirs = direction == "both" ? 2 : 1;
  const int64_t gate_rows = kind.gates() * hidden_size;
  if (!kind.cell && steps <= 0) opts.fail("steps must be positive");
  opts.rank("input", input, kind.cell ? 2 : 3);
  if (!kind.cell && input.shape()[0] != steps)
    opts.fail("input {} has {} steps, not {}", describe(input), input.shape()[0], steps);
  const int64_t batch = input.shape()[kind.cell ? 0 : 1];
  const int64_t input_size = input.shape().back();
  // Shapes with the direction axis for sequences, without it for cells.
  auto shaped = [&](Shape s) {
    if (!kind.cell) s.insert(s.begin(), dirs);
    return s;
  };
  opts.shape("weight", operands[1], shaped({gate_rows, input_size}));
  opts.shape("recurrentWeight", operands[2], shaped({gate_rows, hidden_size}));
  for (size_t i = 1; i < operands.size(); ++i) opts.same_dtype(roles[i], operands[i], type);
  if (kind.cell) {
    opts.shape("hiddenState", operands[3], {batch, hidden_size});
    if (kind.lstm) opts.shape("cellState", operands[4], {batch, hidden_size});
  }

  std::vector<MLOperand> inputs = operands;
  std::map<std::string, std::string> optional_names;
  auto optional = [&](const std::string& key, const Shape& shape) {
    if (auto operand = opts.get_operand(key)) {
      check_operand(opts.where(), key, *operand);
      opts.same_dtype(key, *operand, type);
      opts.shape(key, *operand, shape);
      optional_names[key] = operand->name();
      inputs.push_back(*operand);
    }
  };
  optional("bias", shaped({gate_rows}));
  optional("recurrentBias", shaped({gate_rows}));
  if (kind.lstm) optional("peepholeWeight", shaped({3 * hidden_size}));
  if (!kind.cell) {
    optional("initialHiddenState", {dirs, batch, hidden_size});
    if (kind.lstm) optional("initialCellState", {dirs, batch, hidden_size});
  }
  const std::string layout =
      kind.lstm ? opts.get_enum("layout", "iofg", {"iofg", "ifgo"}) : opts.get_enum("layout", "zrn", {"zrn", "rzn"});
  const bool reset_after = !kind.lstm && opts.get_bool("resetAfter", true);
  const bool return_sequence = !kind.cell && opts.get_bool("returnSequence", false);
  const auto defaults =
      kind.lstm ? std::vector<std::string>{"sigmoid", "tanh", "tanh"} : std::vector<std::string>{"sigmoid", "tanh"};
  const auto activations = opts.get_strings("activations", defaults);
  if (activations.size() != defaults.size()) opts.fail("activations must have {} entries", defaults.size());
  std::vector<std::string> onnx_activations;
  for (int64_t d = 0; d < dirs; ++d) {
    for (const auto& name : activations) onnx_activations.push_back(onnx_activation(opts, name));
  }
  const std::vector<int> gate_order = kind.lstm ? std::vector<int>{0, 3, 1, 2} : std::vector<int>{1, 0, 2};
  const bool reorder = layout == "ifgo" || layout == "rzn";

  std::vector<MLOperandDescriptor> outputs;
  const Shape state = kind.cell ? Shape{batch, hidden_size} : Shape{dirs, batch, hidden_size};
  outputs.push_back({type, state});
  if (kind.lstm) outputs.push_back({type, state});
  if (return_sequence) outputs.push_back({type, {steps, dirs, batch, hidden_size}});
  std::vector<std::string> names;
  for (const auto& operand : operands) names.push_back(operand.name());
  const int64_t gates = kind.gates();

  return add_node(op, inputs, outputs, [=](OnnxEmitter& e, const std::vector<std::string>& out) {
    auto lift = [&](const std::string& value) {
      const std::string wide = e.cast(value, type, kF32);
      return kind.cell ? e.value("Unsqueeze", {wide, e.int64s({0})}) : wide;
    };
    auto gated = [&](const std::string& value) {
      const std::string lifted = lift(value);
      return reorder ? reorder_gates(e, lifted, gates, gate_order) : lifted;
    };
    auto named = [&](const std::string& key) {
      auto it = optional_names.find(key);
      return it == optional_names.end() ? std::string() : it->second;
    };
    std::string bias;
    if (!named("bias").empty() || !named("recurrentBias").empty()) {
      Tensor zeros(e.fresh_name("zero_bias"), kF32, {dirs, gate_rows});
      e.graph().add_initializer(zeros);
      const std::string b = named("bias").empty() ? zeros.name() : gated(named("bias"));
      const std::string rb = named("recurrentBias").empty() ? zeros.name() : gated(named("recurrentBias"));
      onnx::NodeProto* concat = nullptr;
      bias = e.value("Concat", {b, rb}, &concat);
      set_attribute(*concat, "axis", int64_t{1});
    }
    std::vector<std::string> node_inputs = {lift(names[0]), gated(names[1]), gated(names[2]), bias, ""};
    if (kind.cell) {
      node_inputs.push_back(lift(names[3]));
      if (kind.lstm) node_inputs.push_back(lift(names[4]));
    } else {
      node_inputs.push_back(named("initialHiddenState").empty() ? "" : lift(named("initialHiddenState")));
      if (kind.lstm) node_inputs.push_back(named("initialCellState").empty() ? "" : lift(named("initialCellState")));
    }
    if (kind.lstm) node_inputs.push_back(named("peepholeWeight").empty() ? "" : lift(named("peepholeWeight")));
    while (!node_inputs.empty() && node_inputs.back().empty()) node_inputs.pop_back();
    const std::string sequence = e.fresh_name("sequence"), hidden = e.fresh_name("hidden"), cell = e.fresh_name("cell");
    std::vector<std::string> node_outputs = {return_sequence ? sequence : "", hidden};
    if (kind.lstm) node_outputs.push_back(cell);
    auto& node = e.node(kind.lstm ? "LSTM" : "GRU", node_inputs, node_outputs);
    set_attribute(node, "hidden_size", hidden_size);
    set_attribute(node, "direction",
                  std::string(direction == "both"       ? "bidirectional"
                              : direction == "backward" ? "reverse"
                                                        : "forward"));
    auto* attribute = node.add_attribute();
    attribute->set_name("activations");
    attribute->set_type(onnx::AttributeProto::STRINGS);
    for (const auto& name : onnx_activations) attribute->add_strings(name);
    if (!kind.lstm) set_attribute(node, "linear_before_reset", static_cast<int64_t>(reset_after));
    auto emit_output = [&](const std::string& value, const std::string& output) {
      const std::string dropped = kind.cell ? e.value("Squeeze", {value, e.int64s({0})}) : value;
      e.cast_into(dropped, kF32, type, output);
    };
    size_t next = 0;
    emit_output(hidden, out[next++]);
    if (kind.lstm) emit_output(cell, out[next++]);
    if (return_sequence) e.cast_into(sequence, kF32, type, out[next++]);
  });
}

std::vector<MLOperand> MLGraphBuilder::gru(const MLOperand& input, const MLOperand& weight,
                                           const MLOperand& recurrent_weight, int64_t steps, int64_t hidden_size,
                                           const MLOptions& options) {
  return recurrent("gru", {input, weight, recurrent_weight}, steps, hidden_size, options);
}

MLOperand MLGraphBuilder::gru_cell(const MLOperand& input, const MLOperand& weight, const MLOperand& recurrent_weight,
                                   const MLOperand& hidden_state, int64_t hidden_size, const MLOptions& options) {
  return recurrent("gruCell", {input, weight, recurrent_weight, hidden_state}, 1, hidden_size, options)[0];
}

std::vector<MLOperand> MLGraphBuilder::lstm(const MLOperand& input, const MLOperand& weight,
                                            const MLOperand& recurrent_weight, int64_t steps, int64_t hidden_size,
                                            const MLOptions& options) {
  return recurrent("lstm", {input, weight, recurrent_weight}, steps, hidden_size, options);
}

std::vector<MLOperand> MLGraphBuilder::lstm_cell(const MLOperand& input, const MLOperand& weight,
                                                 const MLOperand& recurrent_weight, const MLOperand& hidden_state,
                                                 const MLOperand& cell_state, int64_t hidden_size,
                                                 const MLOptions& options) {
  return recurrent("lstmCell", {input, weight, recurrent_weight, hidden_state, cell_state}, 1, hidden_size, options);
}

}  // namespace inferfoundry::webnn
