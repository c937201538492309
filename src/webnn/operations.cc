// The operations this implementation offers and the data types each accepts for its main operand: the
// table behind op_support_limits() and the data-type check of operations outside the element-wise tables.
#include "webnn/graph_builder.h"
#include "webnn/validation.h"

namespace inferfoundry::webnn {

// Element-wise operations keep their types in their own tables (ops_elementwise.cc).
void add_elementwise_input_types(std::map<std::string, DTypes>& types);

namespace {
std::map<std::string, DTypes> build_input_types() {
  const DTypes quantized = {kI8, kU8, kI32};
  const DTypes summable = {kF32, kF16, kI32, kU32, kI64, kU64};
  std::map<std::string, DTypes> types = {
      {"softmax", kFloats},
      {"gelu", kFloats},
      {"elu", kFloats},
      {"leakyRelu", kFloats},
      {"hardSigmoid", kFloats},
      {"linear", kFloats},
      {"prelu", kSignedNumbers},
      {"clamp", kAllTypes},
      {"matmul", kFloats},
      {"gemm", kFloats},
      {"conv2d", kFloats},
      {"convTranspose2d", kFloats},
      {"averagePool2d", kFloats},
      {"maxPool2d", kFloats},
      {"l2Pool2d", kFloats},
      {"batchNormalization", kFloats},
      {"instanceNormalization", kFloats},
      {"layerNormalization", kFloats},
      {"argMax", kAllTypes},
      {"argMin", kAllTypes},
      {"cast", kAllTypes},
      {"where", kAllTypes},
      {"reshape", kAllTypes},
      {"transpose", kAllTypes},
      {"concat", kAllTypes},
      {"split", kAllTypes},
      {"slice", kAllTypes},
      {"expand", kAllTypes},
      {"pad", kAllTypes},
      {"tile", kAllTypes},
      {"gather", kAllTypes},
      {"gatherElements", kAllTypes},
      {"gatherND", kAllTypes},
      {"scatterElements", kAllTypes},
      {"scatterND", kAllTypes},
      {"cumulativeSum", summable},
      {"reverse", kAllTypes},
      {"triangular", kAllTypes},
      {"resample2d", kFloats},
      {"quantizeLinear", kFloats},
      {"dequantizeLinear", quantized},
      {"gru", kFloats},
      {"gruCell", kFloats},
      {"lstm", kFloats},
      {"lstmCell", kFloats},
  };
  add_elementwise_input_types(types);
  return types;
}
}  // namespace

const std::map<std::string, DTypes>& operation_input_types() {
  static const std::map<std::string, DTypes> types = build_input_types();
  return types;
}

const DTypes& operation_input_types(const std::string& op) {
  auto it = operation_input_types().find(op);
  if (it == operation_input_types().end()) fail(ErrorKind::kInternal, "no data types listed for operation '{}'", op);
  return it->second;
}

std::vector<std::string> MLGraphBuilder::operation_names() {
  std::vector<std::string> names;
  for (const auto& entry : operation_input_types()) names.push_back(entry.first);
  return names;
}

}  // namespace inferfoundry::webnn
