#pragma once
#include <initializer_list>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"
#include "model/graph_builder.h"

namespace inferfoundry::webnn {

// What WebNN operations lower through: writes ONNX nodes and initializers into a GraphBuilder, with fresh
// names for intermediate values and the casts that let an operation run on element types ONNX (or ONNX
// Runtime's kernels) lack, e.g. float16 computed in float32.
class OnnxEmitter {
 public:
  explicit OnnxEmitter(GraphBuilder& graph) : graph_(graph) {}

  onnx::NodeProto& node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs);
  // A node with one fresh output, whose name is returned.
  std::string value(const std::string& op_type, const std::vector<std::string>& inputs);
  std::string value(const std::string& op_type, const std::vector<std::string>& inputs, onnx::NodeProto** node);
  std::string fresh_name(const std::string& hint);

  std::string int64s(const std::vector<int64_t>& values);            // 1-D int64 initializer
  std::string scalar(DType type, double value);                      // rank-0 initializer
  std::string cast(const std::string& value, DType from, DType to);  // no node when from == to
  void cast_into(const std::string& value, DType from, DType to, const std::string& output);

  // Emits `op_type` on `inputs`, the first `cast_count` of which have element type `type`, writing
  // `output` of type `type`. When `type` is not in `native`, those inputs are computed in the widest
  // native type of the same kind (float16 -> float32, small integers -> int64) and the result is cast back.
  onnx::NodeProto& typed(const std::string& op_type, const std::vector<std::string>& inputs, size_t cast_count,
                         const std::string& output, DType type, const std::vector<DType>& native);

  // Names the nodes emitted next "<operation result>/<ONNX op>_<n>" (e.g. "conv2d_0/Conv_3"), so that a
  // runtime's error about a node leads back to the WebNN operation it came from.
  void begin_operation(std::string scope) { scope_ = std::move(scope); }

  GraphBuilder& graph() { return graph_; }

 private:
  GraphBuilder& graph_;
  std::string scope_;
  int counter_ = 0;
  int node_counter_ = 0;
};

// A rank-0 tensor holding `value` converted to `type` (float16 rounded to nearest even).
Tensor scalar_tensor(const std::string& name, DType type, double value);

// The type an operation computes in when `type` is not among `native`.
DType compute_type(DType type, const std::vector<DType>& native);

}  // namespace inferfoundry::webnn
