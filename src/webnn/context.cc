#include "webnn/context.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cache/cache.h"
#include "core/error.h"
#include "webnn/graph_builder.h"
#include "webnn/validation.h"

namespace inferfoundry::webnn {

namespace {

const std::vector<std::string> kAcceleratedChain = {"tensorrt", "foundry", "onnx-cuda", "onnx"};

void validate_options(const MLContextOptions& options) {
  const std::vector<std::string> preferences = {"default", "high-performance", "low-power"};
  if (std::find(preferences.begin(), preferences.end(), options.power_preference) == preferences.end()) {
    fail(ErrorKind::kUsage, "createContext: power_preference '{}' is not one of {}", options.power_preference,
         fmt::join(preferences, ", "));
  }
  const std::vector<std::string> devices = {"", "cpu", "gpu", "npu"};
  if (std::find(devices.begin(), devices.end(), options.device_type) == devices.end()) {
    fail(ErrorKind::kUsage, "createContext: device_type '{}' is not one of cpu, gpu, npu", options.device_type);
  }
}

// Why the context stays on the CPU, or empty when it may use an accelerator.
std::string cpu_reason(const MLContextOptions& options) {
  if (options.device_type == "cpu") return "device_type 'cpu' was requested";
  if (!options.accelerated) return "accelerated=false was requested";
  if (options.power_preference == "low-power") return "power_preference 'low-power' keeps graphs on the CPU";
  return "";
}

void check_matches(const std::string& what, const std::string& name, const MLOperandDescriptor& expected, DType type,
                   const Shape& shape) {
  if (type != expected.data_type || shape != expected.shape) {
    fail(ErrorKind::kUsage, "{}: '{}' is {} {}, but the graph declares {} {}", what, name, dtype_name(type),
         format_shape(shape), dtype_name(expected.data_type), format_shape(expected.shape));
  }
}

}  // namespace

nlohmann::json MLBackend::to_json() const {
  nlohmann::json skipped_json = nlohmann::json::array();
  for (const auto& [name, why] : skipped) skipped_json.push_back({{"runtime", name}, {"reason", why}});
  return {{"runtime", runtime}, {"reason", reason}, {"skipped", skipped_json}};
}

MLTensor::MLTensor(MLOperandDescriptor descriptor, bool readable, bool writable)
    : descriptor_(std::move(descriptor)),
      readable_(readable),
      writable_(writable),
      data_("", descriptor_.data_type, descriptor_.shape) {}

struct MLContext::Compiled {
  Model model;
  std::unique_ptr<Session> session;
  std::string runtime;
};

MLContext::MLContext(const RuntimeRegistry& registry, MLContextOptions options)
    : registry_(registry), options_(std::move(options)) {
  validate_options(options_);
  const std::string on_cpu = cpu_reason(options_);
  if (on_cpu.empty() && options_.device_type == "npu") {
    backend_.skipped.push_back({"npu", "InferFoundry has no NPU runtime; trying the GPU runtimes"});
  }
  const std::vector<std::string> chain = on_cpu.empty() ? kAcceleratedChain : std::vector<std::string>{"onnx"};
  for (const auto& name : chain) {
    const Runtime* runtime = registry_.find(name);
    if (!runtime) {
      backend_.skipped.push_back({name, "not built into this InferFoundry"});
      continue;
    }
    const Availability availability = runtime->availability();
    if (!availability.available) {
      backend_.skipped.push_back({name, availability.reason.empty() ? "unavailable" : availability.reason});
      continue;
    }
    candidates_.push_back(runtime);
  }
  if (candidates_.empty()) {
    std::vector<std::string> reasons;
    for (const auto& [name, why] : backend_.skipped) reasons.push_back(name + ": " + why);
    fail(ErrorKind::kUnavailable, "createContext: no runtime can run WebNN graphs here ({})", fmt::join(reasons, "; "));
  }
  backend_.runtime = candidates_.front()->name();
  if (!on_cpu.empty()) {
    backend_.reason = fmt::format("{} on the CPU: {}", backend_.runtime, on_cpu);
  } else {
    backend_.reason = fmt::format("{}: the first available of {} for an accelerated context with power_preference '{}'",
                                  backend_.runtime, fmt::join(chain, ", "), options_.power_preference);
  }
}

MLContext::~MLContext() = default;

nlohmann::json MLContext::op_support_limits() const {
  auto names_of = [](const DTypes& types) {
    std::vector<std::string> names;
    for (DType type : types) names.emplace_back(dtype_name(type));
    return names;
  };
  const nlohmann::json operand = {{"dataTypes", names_of(kAllTypes)}};
  nlohmann::json limits = {{"preferredInputLayout", "nchw"},
                           {"input", operand},
                           {"constant", operand},
                           {"output", operand},
                           {"operations", MLGraphBuilder::operation_names()},
                           {"backend", backend_.runtime}};
  // Per operation, the data types of its main operand (the spec names it per operation; "input" here).
  for (const auto& [op, types] : operation_input_types()) limits[op] = {{"input", {{"dataTypes", names_of(types)}}}};
  return limits;
}

MLContext::Compiled& MLContext::compile(const MLGraph& graph) {
  if (auto it = compiled_.find(graph.hash()); it != compiled_.end()) return *it->second;
  RuntimeOptions runtime_options;
  for (const auto& [name, descriptor] : graph.inputs()) runtime_options.shapes[name] = descriptor.shape;
  runtime_options.cache_dir = Cache::default_root(options_.cache_dir);
  const std::string display_name = "webnn-" + graph.hash().substr(0, 12);
  for (size_t i = 0; i < candidates_.size(); ++i) {
    const Runtime& runtime = *candidates_[i];
    try {
      Model model = Model::from_proto(graph.onnx_model(), display_name);
      auto session = runtime.prepare(model, runtime_options);
      auto compiled = std::make_unique<Compiled>(Compiled{std::move(model), std::move(session), runtime.name()});
      return *compiled_.emplace(graph.hash(), std::move(compiled)).first->second;
    } catch (const Error& error) {
      if (i + 1 == candidates_.size()) throw;
      // A runtime that rejects this graph (an operator it lacks, say) hands it to the next one.
      backend_.skipped.push_back({runtime.name(), fmt::format("rejected graph {}: {}; it runs on {}", display_name,
                                                              error.what(), candidates_[i + 1]->name())});
    }
  }
  fail(ErrorKind::kInternal, "compile: no candidate runtime");
}

std::vector<Tensor> MLContext::ordered_inputs(const Compiled& compiled, const MLGraph& graph,
                                              const std::map<std::string, Tensor>& inputs) const {
  for (const auto& [name, tensor] : inputs) {
    if (!graph.inputs().count(name)) {
      std::vector<std::string> names;
      for (const auto& entry : graph.inputs()) names.push_back(entry.first);
      fail(ErrorKind::kUsage, "compute: '{}' is not an input of the graph (inputs: {})", name, fmt::join(names, ", "));
    }
  }
  std::vector<Tensor> ordered;
  for (const auto& spec : compiled.model.inputs()) {
    auto it = inputs.find(spec.name);
    if (it == inputs.end()) fail(ErrorKind::kUsage, "compute: input '{}' is missing", spec.name);
    check_matches("compute: input", spec.name, graph.inputs().at(spec.name), it->second.dtype(), it->second.shape());
    ordered.push_back(it->second);
    ordered.back().set_name(spec.name);
  }
  return ordered;
}

std::map<std::string, Tensor> MLContext::compute(const MLGraph& graph, const std::map<std::string, Tensor>& inputs) {
  Compiled& compiled = compile(graph);
  compiled.session->set_inputs(ordered_inputs(compiled, graph, inputs));
  compiled.session->run();
  std::vector<Tensor> outputs = compiled.session->outputs();
  const auto& specs = compiled.model.outputs();
  if (outputs.size() != specs.size()) {
    fail(ErrorKind::kRuntime, "{} returned {} outputs for a graph with {}", compiled.runtime, outputs.size(),
         specs.size());
  }
  std::map<std::string, Tensor> named;
  for (size_t i = 0; i < specs.size(); ++i) {
    outputs[i].set_name(specs[i].name);
    named.emplace(specs[i].name, std::move(outputs[i]));
  }
  return named;
}

MLTensor MLContext::create_tensor(const MLOperandDescriptor& descriptor, bool readable, bool writable) const {
  if (std::find(kAllTypes.begin(), kAllTypes.end(), descriptor.data_type) == kAllTypes.end()) {
    fail(ErrorKind::kUsage, "createTensor: {} is not a WebNN data type", dtype_name(descriptor.data_type));
  }
  for (int64_t dim : descriptor.shape) {
    if (dim <= 0)
      fail(ErrorKind::kUsage, "createTensor: shape {} has a dimension that is not positive",
           format_shape(descriptor.shape));
  }
  return MLTensor(descriptor, readable, writable);
}

void MLContext::write_tensor(MLTensor& tensor, const Tensor& data) const {
  if (!tensor.writable()) fail(ErrorKind::kUsage, "writeTensor: the tensor was created without writable");
  if (data.byte_size() != tensor.data_.byte_size()) {
    fail(ErrorKind::kUsage, "writeTensor: {} bytes for a {} {} tensor of {} bytes", data.byte_size(),
         dtype_name(tensor.descriptor_.data_type), format_shape(tensor.descriptor_.shape), tensor.data_.byte_size());
  }
  std::memcpy(tensor.data_.bytes().data(), data.bytes().data(), data.byte_size());
}

Tensor MLContext::read_tensor(const MLTensor& tensor) const {
  if (!tensor.readable()) fail(ErrorKind::kUsage, "readTensor: the tensor was created without readable");
  return tensor.data_;
}

void MLContext::dispatch(const MLGraph& graph, const std::map<std::string, const MLTensor*>& inputs,
                         const std::map<std::string, MLTensor*>& outputs) {
  std::map<std::string, Tensor> input_values;
  for (const auto& [name, tensor] : inputs) {
    if (!tensor) fail(ErrorKind::kUsage, "dispatch: input '{}' has no tensor", name);
    input_values.emplace(name, tensor->data_);
  }
  for (const auto& [name, tensor] : outputs) {
    if (!tensor) fail(ErrorKind::kUsage, "dispatch: output '{}' has no tensor", name);
    auto it = graph.outputs().find(name);
    if (it == graph.outputs().end()) fail(ErrorKind::kUsage, "dispatch: '{}' is not an output of the graph", name);
    check_matches("dispatch: output tensor", name, it->second, tensor->descriptor_.data_type,
                  tensor->descriptor_.shape);
  }
  if (outputs.size() != graph.outputs().size()) {
    fail(ErrorKind::kUsage, "dispatch: {} output tensors for a graph with {} outputs", outputs.size(),
         graph.outputs().size());
  }
  auto results = compute(graph, input_values);
  for (const auto& [name, tensor] : outputs) {
    const Tensor& result = results.at(name);
    std::memcpy(tensor->data_.bytes().data(), result.bytes().data(), result.byte_size());
  }
}

}  // namespace inferfoundry::webnn
