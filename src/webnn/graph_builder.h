#pragma once
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "webnn/graph.h"
#include "webnn/operand.h"

namespace inferfoundry::webnn {

class OnnxEmitter;
class MLContext;

// WebNN's MLGraphBuilder: declares inputs and constants, one method per operation, and build().
//
// Every method validates its operands and options as the spec does (data types, ranks, broadcasting, shape
// inference) and throws Error(kUsage) naming the operation, the operand and the rule, so mistakes surface
// where the graph is written, not later inside a runtime. Each operation also records how it lowers to
// ONNX; build() runs those lowerings over the operations reachable from the outputs.
//
// Method names are the spec's in snake_case (leakyRelu -> leaky_relu). Options are the spec's option
// dictionaries with camelCase keys; every method accepts "label", which errors quote.
class MLGraphBuilder {
 public:
  MLGraphBuilder();
  // As the spec's constructor; building needs nothing from the context, and a graph runs on any context.
  explicit MLGraphBuilder(const MLContext& context);
  ~MLGraphBuilder();
  MLGraphBuilder(const MLGraphBuilder&) = delete;
  MLGraphBuilder& operator=(const MLGraphBuilder&) = delete;

  MLOperand input(const std::string& name, const MLOperandDescriptor& descriptor);
  // `data` holds the raw little-endian elements (its size must match the descriptor).
  MLOperand constant(const MLOperandDescriptor& descriptor, const Tensor& data);
  MLOperand constant(DType type, double value);  // a scalar constant
  // Converts the operations reachable from `outputs` to ONNX. A builder builds once.
  MLGraph build(const std::map<std::string, MLOperand>& outputs);

  // Element-wise binary, with bidirectional broadcasting.
  MLOperand add(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand sub(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand mul(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand div(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand max(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand min(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand pow(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  // Comparisons: uint8 results (1 true, 0 false).
  MLOperand equal(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand not_equal(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand greater(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand greater_or_equal(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand lesser(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand lesser_or_equal(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  // Logical operations on uint8 operands (non-zero is true).
  MLOperand logical_and(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand logical_or(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand logical_xor(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand logical_not(const MLOperand& a, const MLOptions& options = {});

  // Element-wise unary.
  MLOperand abs(const MLOperand& x, const MLOptions& options = {});
  MLOperand ceil(const MLOperand& x, const MLOptions& options = {});
  MLOperand cos(const MLOperand& x, const MLOptions& options = {});
  MLOperand erf(const MLOperand& x, const MLOptions& options = {});
  MLOperand exp(const MLOperand& x, const MLOptions& options = {});
  MLOperand floor(const MLOperand& x, const MLOptions& options = {});
  MLOperand identity(const MLOperand& x, const MLOptions& options = {});
  MLOperand log(const MLOperand& x, const MLOptions& options = {});
  MLOperand neg(const MLOperand& x, const MLOptions& options = {});
  MLOperand reciprocal(const MLOperand& x, const MLOptions& options = {});
  MLOperand round_even(const MLOperand& x, const MLOptions& options = {});
  MLOperand sign(const MLOperand& x, const MLOptions& options = {});
  MLOperand sin(const MLOperand& x, const MLOptions& options = {});
  MLOperand sqrt(const MLOperand& x, const MLOptions& options = {});
  MLOperand tan(const MLOperand& x, const MLOptions& options = {});
  MLOperand is_nan(const MLOperand& x, const MLOptions& options = {});
  MLOperand is_infinite(const MLOperand& x, const MLOptions& options = {});

  // Activations.
  MLOperand relu(const MLOperand& x, const MLOptions& options = {});
  MLOperand sigmoid(const MLOperand& x, const MLOptions& options = {});
  MLOperand tanh(const MLOperand& x, const MLOptions& options = {});
  MLOperand softmax(const MLOperand& x, int64_t axis, const MLOptions& options = {});
  MLOperand gelu(const MLOperand& x, const MLOptions& options = {});
  MLOperand elu(const MLOperand& x, const MLOptions& options = {});         // alpha
  MLOperand leaky_relu(const MLOperand& x, const MLOptions& options = {});  // alpha
  MLOperand prelu(const MLOperand& x, const MLOperand& slope, const MLOptions& options = {});
  MLOperand hard_sigmoid(const MLOperand& x, const MLOptions& options = {});  // alpha, beta
  MLOperand hard_swish(const MLOperand& x, const MLOptions& options = {});
  MLOperand softplus(const MLOperand& x, const MLOptions& options = {});
  MLOperand softsign(const MLOperand& x, const MLOptions& options = {});
  MLOperand linear(const MLOperand& x, const MLOptions& options = {});  // alpha, beta
  MLOperand clamp(const MLOperand& x, const MLOptions& options = {});   // minValue, maxValue

  // Linear algebra, convolution, pooling, normalization.
  MLOperand matmul(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand gemm(const MLOperand& a, const MLOperand& b, const MLOptions& options = {});
  MLOperand conv2d(const MLOperand& input, const MLOperand& filter, const MLOptions& options = {});
  MLOperand conv_transpose2d(const MLOperand& input, const MLOperand& filter, const MLOptions& options = {});
  MLOperand average_pool2d(const MLOperand& input, const MLOptions& options = {});
  MLOperand max_pool2d(const MLOperand& input, const MLOptions& options = {});
  MLOperand l2_pool2d(const MLOperand& input, const MLOptions& options = {});
  MLOperand batch_normalization(const MLOperand& input, const MLOperand& mean, const MLOperand& variance,
                                const MLOptions& options = {});
  MLOperand instance_normalization(const MLOperand& input, const MLOptions& options = {});
  MLOperand layer_normalization(const MLOperand& input, const MLOptions& options = {});

  // Reductions (options: axes, keepDimensions).
  MLOperand reduce_l1(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_l2(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_log_sum(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_log_sum_exp(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_max(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_mean(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_min(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_product(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_sum(const MLOperand& x, const MLOptions& options = {});
  MLOperand reduce_sum_square(const MLOperand& x, const MLOptions& options = {});
  MLOperand arg_max(const MLOperand& x, int64_t axis, const MLOptions& options = {});
  MLOperand arg_min(const MLOperand& x, int64_t axis, const MLOptions& options = {});

  // Types, shapes and data movement.
  MLOperand cast(const MLOperand& x, DType type, const MLOptions& options = {});
  MLOperand where(const MLOperand& condition, const MLOperand& true_value, const MLOperand& false_value,
                  const MLOptions& options = {});
  MLOperand reshape(const MLOperand& x, const Shape& new_shape, const MLOptions& options = {});
  MLOperand transpose(const MLOperand& x, const MLOptions& options = {});  // permutation
  MLOperand concat(const std::vector<MLOperand>& inputs, int64_t axis, const MLOptions& options = {});
  // Splits along options["axis"] (default 0) into `parts` equal parts, or into parts of the given sizes.
  std::vector<MLOperand> split(const MLOperand& x, int64_t parts, const MLOptions& options = {});
  std::vector<MLOperand> split(const MLOperand& x, const std::vector<int64_t>& sizes, const MLOptions& options = {});
  MLOperand slice(const MLOperand& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& sizes,
                  const MLOptions& options = {});  // strides
  MLOperand expand(const MLOperand& x, const Shape& new_shape, const MLOptions& options = {});
  MLOperand pad(const MLOperand& x, const std::vector<int64_t>& beginning, const std::vector<int64_t>& ending,
                const MLOptions& options = {});  // mode, value
  MLOperand tile(const MLOperand& x, const std::vector<int64_t>& repetitions, const MLOptions& options = {});
  MLOperand gather(const MLOperand& x, const MLOperand& indices, const MLOptions& options = {});
  MLOperand gather_elements(const MLOperand& x, const MLOperand& indices, const MLOptions& options = {});
  MLOperand gather_nd(const MLOperand& x, const MLOperand& indices, const MLOptions& options = {});
  MLOperand scatter_elements(const MLOperand& x, const MLOperand& indices, const MLOperand& updates,
                             const MLOptions& options = {});
  MLOperand scatter_nd(const MLOperand& x, const MLOperand& indices, const MLOperand& updates,
                       const MLOptions& options = {});
  MLOperand cumulative_sum(const MLOperand& x, int64_t axis, const MLOptions& options = {});
  MLOperand reverse(const MLOperand& x, const MLOptions& options = {});     // axes
  MLOperand triangular(const MLOperand& x, const MLOptions& options = {});  // upper, diagonal
  MLOperand resample2d(const MLOperand& x, const MLOptions& options = {});  // mode, scales, sizes, axes
  MLOperand quantize_linear(const MLOperand& x, const MLOperand& scale, const MLOperand& zero_point,
                            const MLOptions& options = {});
  MLOperand dequantize_linear(const MLOperand& x, const MLOperand& scale, const MLOperand& zero_point,
                              const MLOptions& options = {});

  // Recurrent networks. gru returns [hidden, (sequence)], lstm [hidden, cell, (sequence)],
  // gru_cell the new hidden state, lstm_cell [hidden, cell].
  std::vector<MLOperand> gru(const MLOperand& input, const MLOperand& weight, const MLOperand& recurrent_weight,
                             int64_t steps, int64_t hidden_size, const MLOptions& options = {});
  MLOperand gru_cell(const MLOperand& input, const MLOperand& weight, const MLOperand& recurrent_weight,
                     const MLOperand& hidden_state, int64_t hidden_size, const MLOptions& options = {});
  std::vector<MLOperand> lstm(const MLOperand& input, const MLOperand& weight, const MLOperand& recurrent_weight,
                              int64_t steps, int64_t hidden_size, const MLOptions& options = {});
  std::vector<MLOperand> lstm_cell(const MLOperand& input, const MLOperand& weight, const MLOperand& recurrent_weight,
                                   const MLOperand& hidden_state, const MLOperand& cell_state, int64_t hidden_size,
                                   const MLOptions& options = {});

  // The operation names this builder implements, in the spec's camelCase (for op_support_limits()).
  static std::vector<std::string> operation_names();

 private:
  friend class OpContext;
  using Lowering = std::function<void(OnnxEmitter&)>;
  struct Node {
    std::string scope;  // the name of its first result, which names its ONNX nodes
    std::vector<int> inputs;
    Lowering lower;
  };

  // Checks an operand belongs to this builder and the builder is still open.
  void check_operand(const std::string& op, const std::string& role, const MLOperand& operand) const;
  // Records an operation: its operands, the descriptors of its results, and how it lowers to ONNX (given
  // the names chosen for the results).
  std::vector<MLOperand> add_node(const std::string& op, const std::vector<MLOperand>& inputs,
                                  const std::vector<MLOperandDescriptor>& outputs,
                                  std::function<void(OnnxEmitter&, const std::vector<std::string>&)> lower);
  MLOperand add_node1(const std::string& op, const std::vector<MLOperand>& inputs, const MLOperandDescriptor& output,
                      std::function<void(OnnxEmitter&, const std::string&)> lower);
  MLOperand new_operand(std::string name, MLOperandDescriptor descriptor, int producer);

  MLOperand unary(const std::string& op, const MLOperand& x, const MLOptions& options);
  MLOperand binary(const std::string& op, const MLOperand& a, const MLOperand& b, const MLOptions& options);
  MLOperand parametric(const std::string& op, const MLOperand& x, const MLOptions& options);
  MLOperand reduce(const std::string& op, const MLOperand& x, const MLOptions& options);
  MLOperand arg_reduce(const std::string& op, const MLOperand& x, int64_t axis, const MLOptions& options);
  MLOperand pool2d(const std::string& op, const MLOperand& x, const MLOptions& options);
  std::vector<MLOperand> split_sizes(const MLOperand& x, const std::vector<int64_t>& sizes, int64_t axis);
  std::vector<MLOperand> recurrent(const std::string& op, const std::vector<MLOperand>& operands, int64_t steps,
                                   int64_t hidden_size, const MLOptions& options);

  std::vector<std::shared_ptr<const detail::OperandInfo>> operands_;
  std::vector<int> producers_;  // operand index -> node index, -1 for inputs and constants
  std::vector<Node> nodes_;
  std::vector<int> input_operands_;
  std::map<int, Tensor> constants_;
  std::map<std::string, int> op_counts_;  // per operation, for naming its results
  std::set<std::string> used_names_;
  bool built_ = false;
};

}  // namespace inferfoundry::webnn
