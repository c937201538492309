#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/model.h"

namespace inferfoundry {

// What `inferfoundry inspect` shows about a model.
struct ModelSummary {
  std::string name;
  int64_t ir_version = 0;
  std::vector<std::pair<std::string, int64_t>> opsets;  // domain ("" = ai.onnx), version
  std::string producer;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  std::map<std::string, int64_t> op_histogram;  // op type -> node count (top-level graph)
  int64_t node_count = 0;
  int64_t parameter_count = 0;  // elements in initializers
  int64_t parameter_bytes = 0;
  bool external_data = false;
};

ModelSummary summarize(const Model& model);

}  // namespace inferfoundry
