// Fusions. A fused node takes the position of the last node it absorbs, so every input it reads (a residual
// branch computed after the convolution, say) is ready when it runs.
#include <cmath>

#include "core/error.h"
#include "runtimes/foundry/passes/passes.h"

namespace inferfoundry::foundry {
namespace {

struct Program {
  std::vector<int64_t> code;
  std::vector<float> params;
  size_t size() const { return code.size() / 3; }
  EwOp op(size_t i) const { return static_cast<EwOp>(code[3 * i]); }
};

Program program_of(const Node& node) { return {node.attr_ints("code"), node.attr_floats("params")}; }

int add_constant(Graph& graph, Tensor tensor) {
  Value value{.name = tensor.name(), .dtype = tensor.dtype(), .shape = tensor.shape()};
  value.constant = std::move(tensor);
  return graph.add_value(std::move(value));
}

class Fuser {
 public:
  explicit Fuser(Graph& graph) : graph_(graph) {}

  FusionStats run() {
    fold_batchnorms();
    fuse_epilogues();
    merge_elementwise_chains();
    return stats_;
  }

 private:
  // The only node that reads `value`, or -1 when several do, it is a graph output, or none does.
  int sole_consumer(int value) const {
    for (int out : graph_.outputs)
      if (out == value) return -1;
    int consumer = -1;
    for (size_t n = 0; n < graph_.nodes.size(); ++n) {
      const Node& node = graph_.nodes[n];
      if (node.op.empty()) continue;
      for (int in : node.inputs) {
        if (in != value) continue;
        if (consumer >= 0 && consumer != static_cast<int>(n)) return -1;
        consumer = static_cast<int>(n);
      }
    }
    return consumer;
  }

  int producer(int value) const {
    for (size_t n = 0; n < graph_.nodes.size(); ++n) {
      for (int out : graph_.nodes[n].outputs)
        if (out == value && !graph_.nodes[n].op.empty()) return static_cast<int>(n);
    }
    return -1;
  }

  // Moves `from` into the slot of `into` (which is dropped) and clears the old slot.
  void absorb(int from, int into, const std::string& fused_op) {
    Node moved = std::move(graph_.nodes[from]);
    moved.outputs = graph_.nodes[into].outputs;
    moved.fused.push_back(fused_op);
    graph_.nodes[into] = std::move(moved);
    graph_.nodes[from] = Node{};
  }

  void compact_nodes() {
    std::vector<Node> kept;
    for (Node& node : graph_.nodes)
      if (!node.op.empty()) kept.push_back(std::move(node));
    graph_.nodes = std::move(kept);
  }

  std::vector<double> doubles(int value) const {
    const Tensor& t = *graph_.values[value].constant;
    std::vector<double> out(t.element_count());
    for (size_t k = 0; k < out.size(); ++k) out[k] = t.value_at(static_cast<int64_t>(k));
    return out;
  }

  void fold_batchnorms() {
    for (size_t n = 0; n < graph_.nodes.size(); ++n) {
      Node& bn = graph_.nodes[n];
      if (bn.op != "BatchNormalization") continue;
      const auto gamma = doubles(bn.input(1)), beta = doubles(bn.input(2)), mean = doubles(bn.input(3)),
                 var = doubles(bn.input(4));
      const double eps = bn.attr_float("epsilon", 1e-5f);
      std::vector<double> scale(gamma.size()), shift(gamma.size());
      for (size_t c = 0; c < gamma.size(); ++c) {
        scale[c] = gamma[c] / std::sqrt(var[c] + eps);
        shift[c] = beta[c] - mean[c] * scale[c];
      }
      const int conv = producer(bn.input(0));
      if (conv >= 0 && graph_.nodes[conv].op == "Conv" && sole_consumer(bn.input(0)) == static_cast<int>(n) &&
          graph_.nodes[conv].attr_string("activation", "none") == "none" && graph_.nodes[conv].inputs.size() == 3) {
        fold_into_conv(graph_.nodes[conv], scale, shift);
        absorb(conv, static_cast<int>(n), "BatchNormalization");
        ++stats_.batchnorm_folded;
        continue;
      }
      to_affine(bn, scale, shift);
    }
    compact_nodes();
  }

  void fold_into_conv(Node& conv, const std::vector<double>& scale, const std::vector<double>& shift) {
    const Value& w = graph_.values[conv.inputs[1]];
    const Value& b = graph_.values[conv.inputs[2]];
    Tensor nw(w.name + ".bn", DType::kFloat32, w.shape);
    Tensor nb(b.name + ".bn", DType::kFloat32, b.shape);
    const int64_t per_out = element_count(w.shape) / w.shape[0];
    for (int64_t k = 0; k < w.shape[0]; ++k) {
      for (int64_t i = 0; i < per_out; ++i) {
        nw.data<float>()[k * per_out + i] = static_cast<float>(w.constant->value_at(k * per_out + i) * scale[k]);
      }
      nb.data<float>()[k] = static_cast<float>(b.constant->value_at(k) * scale[k] + shift[k]);
    }
    conv.inputs[1] = add_constant(graph_, std::move(nw));
    conv.inputs[2] = add_constant(graph_, std::move(nb));
  }

  void to_affine(Node& bn, const std::vector<double>& scale, const std::vector<double>& shift) {
    const Shape& x = graph_.values[bn.inputs[0]].shape;
    Shape per_channel(x.size() - 1, 1);
    per_channel[0] = x[1];
    Tensor s(bn.name + ".scale", DType::kFloat32, per_channel), t(bn.name + ".shift", DType::kFloat32, per_channel);
    for (size_t c = 0; c < scale.size(); ++c) {
      s.data<float>()[c] = static_cast<float>(scale[c]);
      t.data<float>()[c] = static_cast<float>(shift[c]);
    }
    bn.inputs = {bn.inputs[0], add_constant(graph_, std::move(s)), add_constant(graph_, std::move(t))};
    bn.op = "Elementwise";
    bn.attrs.clear();
    bn.attrs["code"] =
        std::vector<int64_t>{static_cast<int64_t>(EwOp::kMul), 0, 1, static_cast<int64_t>(EwOp::kAdd), -1, 2};
    bn.attrs["params"] = std::vector<float>{0, 0, 0, 0};
    bn.fused.push_back("BatchNormalization");
  }

  // Activation of a one-instruction element-wise node, as the Conv/Gemm "activation" attribute.
  static std::string activation_of(const Node& node, float& lo, float& hi) {
    if (node.op != "Elementwise" || node.inputs.size() != 1) return "";
    const Program p = program_of(node);
    if (p.size() != 1) return "";
    if (p.op(0) == EwOp::kRelu) return "relu";
    if (p.op(0) == EwOp::kClip) {
      lo = p.params[0];
      hi = p.params[1];
      return "clip";
    }
    return "";
  }

  // The other operand of a one-instruction Add that reads `value`, or -1.
  int add_partner(const Node& node, int value) const {
    if (node.op != "Elementwise" || node.inputs.size() != 2) return -1;
    const Program p = program_of(node);
    if (p.size() != 1 || p.op(0) != EwOp::kAdd) return -1;
    return node.inputs[0] == value ? node.inputs[1] : node.inputs[1] == value ? node.inputs[0] : -1;
  }

  bool try_epilogue(int n) {
    Node& node = graph_.nodes[n];
    const bool conv = node.op == "Conv", gemm = node.op == "Gemm";
    if (!conv && !gemm) return false;
    const int out = node.outputs[0];
    const int consumer = sole_consumer(out);
    if (consumer < 0) return false;
    Node& next = graph_.nodes[consumer];
    if (node.attr_string("activation", "none") != "none") return false;
    float lo = 0, hi = 0;
    const std::string act = activation_of(next, lo, hi);
    if (!act.empty() && (conv || act == "relu")) {
      node.attrs["activation"] = act;
      node.attrs["clip_min"] = lo;
      node.attrs["clip_max"] = hi;
      absorb(n, consumer, act == "relu" ? "Relu" : "Clip");
      return true;
    }
    const int partner = add_partner(next, out);
    if (partner < 0 || partner == out) return false;
    const Value& other = graph_.values[partner];
    if (conv && !other.is_constant() && other.shape == graph_.values[out].shape && node.inputs.size() == 3) {
      node.inputs.push_back(partner);  // residual
      absorb(n, consumer, "Add");
      return true;
    }
    if (gemm && other.is_constant() && node.inputs.size() == 2) {
      const int64_t n_out = graph_.values[out].shape.back();
      if (element_count(other.shape) != n_out || other.shape.back() != n_out) return false;
      Tensor bias(other.name + ".bias", DType::kFloat32, {n_out});
      for (int64_t j = 0; j < n_out; ++j) bias.data<float>()[j] = static_cast<float>(other.constant->value_at(j));
      node.inputs.push_back(add_constant(graph_, std::move(bias)));
      absorb(n, consumer, "Add");
      return true;
    }
    return false;
  }

  void fuse_epilogues() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t n = 0; n < graph_.nodes.size(); ++n) {
        if (graph_.nodes[n].op.empty()) continue;
        if (try_epilogue(static_cast<int>(n))) {
          ++stats_.epilogues_fused;
          changed = true;
        }
      }
      compact_nodes();
    }
  }

  // Appends `first`'s program to `second`'s: `second` reads `first`'s result through input `slot`.
  static bool merge_programs(const Node& first, Node& second, int slot) {
    Program a = program_of(first), b = program_of(second);
    if (a.size() + b.size() > static_cast<size_t>(kMaxEwInstructions)) return false;
    const int first_out = second.inputs[slot];
    std::vector<int> inputs;
    for (int in : second.inputs)
      if (in != first_out) inputs.push_back(in);
    auto index_of = [&](int value) -> int64_t {
      for (size_t k = 0; k < inputs.size(); ++k)
        if (inputs[k] == value) return static_cast<int64_t>(k);
      inputs.push_back(value);
      return static_cast<int64_t>(inputs.size()) - 1;
    };
    Program merged;
    for (size_t i = 0; i < a.size(); ++i) {
      int64_t ops[2] = {a.code[3 * i + 1], a.code[3 * i + 2]};
      for (int64_t& o : ops)
        if (o >= 0) o = index_of(first.inputs[o]);
      merged.code.insert(merged.code.end(), {a.code[3 * i], ops[0], ops[1]});
      merged.params.insert(merged.params.end(), {a.params[2 * i], a.params[2 * i + 1]});
    }
    const int64_t first_result = -static_cast<int64_t>(a.size());
    for (size_t i = 0; i < b.size(); ++i) {
      int64_t ops[2] = {b.code[3 * i + 1], b.code[3 * i + 2]};
      for (int64_t& o : ops) {
        if (o >= 0 && second.inputs[o] == first_out)
          o = first_result;
        else if (o >= 0)
          o = index_of(second.inputs[o]);
        else
          o -= static_cast<int64_t>(a.size());
      }
      merged.code.insert(merged.code.end(), {b.code[3 * i], ops[0], ops[1]});
      merged.params.insert(merged.params.end(), {b.params[2 * i], b.params[2 * i + 1]});
    }
    if (inputs.size() > static_cast<size_t>(kMaxEwInputs)) return false;
    second.inputs = inputs;
    second.attrs["code"] = merged.code;
    second.attrs["params"] = merged.params;
    second.fused.insert(second.fused.begin(), first.fused.begin(), first.fused.end());
    return true;
  }

  void merge_elementwise_chains() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t n = 0; n < graph_.nodes.size(); ++n) {
        Node& second = graph_.nodes[n];
        if (second.op != "Elementwise") continue;
        for (size_t slot = 0; slot < second.inputs.size(); ++slot) {
          const int value = second.inputs[slot];
          const int p = producer(value);
          if (p < 0 || graph_.nodes[p].op != "Elementwise" || sole_consumer(value) != static_cast<int>(n)) continue;
          if (graph_.values[value].shape != graph_.values[second.outputs[0]].shape) continue;
          if (!merge_programs(graph_.nodes[p], second, static_cast<int>(slot))) continue;
          second.fused.push_back("Elementwise");
          graph_.nodes[p] = Node{};
          ++stats_.elementwise_merged;
          changed = true;
          break;
        }
      }
      compact_nodes();
    }
  }

  Graph& graph_;
  FusionStats stats_;
};

}  // namespace

FusionStats fuse(Graph& graph) { return Fuser(graph).run(); }

}  // namespace inferfoundry::foundry
