#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "onnx/onnx.pb.h"
#include "webnn/operand.h"

namespace inferfoundry::webnn {

// A built WebNN graph: its named inputs and outputs and the ONNX model it converts to (opset 17, IR 8,
// constants as initializers, WebNN's input and output names kept). Immutable once built.
class MLGraph {
 public:
  MLGraph(onnx::ModelProto model, std::map<std::string, MLOperandDescriptor> inputs,
          std::map<std::string, MLOperandDescriptor> outputs);

  const std::map<std::string, MLOperandDescriptor>& inputs() const { return inputs_; }
  const std::map<std::string, MLOperandDescriptor>& outputs() const { return outputs_; }
  const onnx::ModelProto& onnx_model() const { return model_; }
  // Serialized ONNX bytes and their sha256: the key of compiled sessions.
  const std::string& serialized() const { return serialized_; }
  const std::string& hash() const { return hash_; }
  // Writes the ONNX model atomically, so `inferfoundry benchmark --model` can measure the graph.
  void to_onnx(const std::filesystem::path& path) const;

 private:
  onnx::ModelProto model_;
  std::map<std::string, MLOperandDescriptor> inputs_;
  std::map<std::string, MLOperandDescriptor> outputs_;
  std::string serialized_;
  std::string hash_;
};

}  // namespace inferfoundry::webnn
