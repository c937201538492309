#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor.h"
#include "model/model.h"
#include "runtimes/registry.h"
#include "webnn/graph.h"

namespace inferfoundry::webnn {

// MLContextOptions: the spec's device hints. device_type ("cpu", "gpu", "npu" or empty) is the older
// spec's hint; "cpu" means not accelerated.
struct MLContextOptions {
  bool accelerated = true;
  std::string power_preference = "default";  // default | high-performance | low-power
  std::string device_type;
  std::filesystem::path cache_dir;  // for runtimes that keep built engines; empty = InferFoundry's default
};

// Which runtime a context runs graphs on, why, and every runtime passed over on the way with its reason.
struct MLBackend {
  std::string runtime;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> skipped;  // runtime, why it was not used
  nlohmann::json to_json() const;
};

// WebNN's MLTensor: a typed buffer that dispatch() reads and writes. Runtimes here stage host memory, so
// the buffer lives in host memory; readable/writable are enforced as the spec's usage flags.
class MLTensor {
 public:
  MLTensor(MLOperandDescriptor descriptor, bool readable, bool writable);
  const MLOperandDescriptor& descriptor() const { return descriptor_; }
  bool readable() const { return readable_; }
  bool writable() const { return writable_; }

 private:
  friend class MLContext;
  MLOperandDescriptor descriptor_;
  bool readable_;
  bool writable_;
  Tensor data_;
};

// WebNN's MLContext: chooses a runtime from the device hints, compiles graphs into sessions (cached by
// the sha256 of the graph's ONNX bytes, weights included) and runs them.
//
// Selection: accelerated with "default" or "high-performance" tries tensorrt, foundry, onnx-cuda, then
// onnx; "low-power", accelerated=false or device_type "cpu" uses onnx. A runtime that is not built in,
// not available, or that rejects a graph is skipped and recorded with the reason.
class MLContext {
 public:
  MLContext(const RuntimeRegistry& registry, MLContextOptions options);
  ~MLContext();

  const MLBackend& backend() const { return backend_; }
  const MLContextOptions& options() const { return options_; }
  // MLOpSupportLimits: the operations, and the data types of graph inputs, constants, outputs and of each
  // operation's main operand.
  nlohmann::json op_support_limits() const;

  // Runs the graph on named inputs (shapes and types must match the graph's inputs) and returns every
  // output by name.
  std::map<std::string, Tensor> compute(const MLGraph& graph, const std::map<std::string, Tensor>& inputs);

  MLTensor create_tensor(const MLOperandDescriptor& descriptor, bool readable = true, bool writable = true) const;
  void write_tensor(MLTensor& tensor, const Tensor& data) const;
  Tensor read_tensor(const MLTensor& tensor) const;
  void dispatch(const MLGraph& graph, const std::map<std::string, const MLTensor*>& inputs,
                const std::map<std::string, MLTensor*>& outputs);

  size_t compiled_graph_count() const { return compiled_.size(); }

 private:
  struct Compiled;
  Compiled& compile(const MLGraph& graph);
  std::vector<Tensor> ordered_inputs(const Compiled& compiled, const MLGraph& graph,
                                     const std::map<std::string, Tensor>& inputs) const;

  const RuntimeRegistry& registry_;
  MLContextOptions options_;
  MLBackend backend_;
  std::vector<const Runtime*> candidates_;  // the chosen runtime first, then its fallbacks
  std::map<std::string, std::unique_ptr<Compiled>> compiled_;
};

}  // namespace inferfoundry::webnn
