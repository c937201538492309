#include "runtimes/ort/ort_session.h"

#include <dlfcn.h>

#include <cstring>
#include <mutex>

#include <onnxruntime_session_options_config_keys.h>

#include "core/error.h"

namespace inferfoundry::ort {

std::shared_ptr<Ort::Env> shared_environment() {
  // A weak reference: the Env lives exactly as long as some runtime or session uses it.
  static std::mutex mutex;
  static std::weak_ptr<Ort::Env> current;
  std::lock_guard lock(mutex);
  auto env = current.lock();
  if (!env) {
    // FATAL only: every ORT error reaches the user through the exception that carries it, in one line.
    env = std::make_shared<Ort::Env>(ORT_LOGGING_LEVEL_FATAL, "inferfoundry");
    current = env;
  }
  return env;
}

std::string version_string() { return Ort::GetVersionString(); }

ONNXTensorElementDataType to_ort_type(DType dtype) {
  // InferFoundry's DType codes are ONNX's, and so are ORT's element types.
  return static_cast<ONNXTensorElementDataType>(static_cast<int32_t>(dtype));
}

Ort::SessionOptions base_session_options(const RuntimeOptions& options) {
  Ort::SessionOptions session_options;
  session_options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
  if (options.threads > 0) session_options.SetIntraOpNumThreads(options.threads);
  return session_options;
}

Ort::Session create_session(Ort::Env& env, const Model& model, const Ort::SessionOptions& session_options) {
  try {
    if (model.path()) return Ort::Session(env, model.path()->c_str(), session_options);
    const std::string& bytes = model.serialized();
    return Ort::Session(env, bytes.data(), bytes.size(), session_options);
  } catch (const Ort::Exception& e) {
    fail(ErrorKind::kRuntime, "ONNX Runtime rejected {}: {}", model.display_name(), e.what());
  }
}

std::filesystem::path library_folder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&OrtGetApiBase), &info) == 0 || !info.dli_fname) return {};
  // The path as loaded, not its symlink target: ORT searches the folder it was loaded from.
  return std::filesystem::path(info.dli_fname).parent_path();
}

void record_provider_assignment(Ort::SessionOptions& session_options) {
  session_options.AddConfigEntry(kOrtSessionOptionsRecordEpGraphAssignmentInfo, "1");
}

nlohmann::json nodes_by_provider(const Ort::Session& session) {
  try {
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& subgraph : session.GetEpGraphAssignmentInfo()) {
      const std::string provider = subgraph.GetEpName();
      counts[provider] = counts.value(provider, 0) + static_cast<int64_t>(subgraph.GetNodes().size());
    }
    return counts;
  } catch (const Ort::Exception&) {
    return nullptr;  // not recorded for this session
  }
}

Tensor tensor_from_value(const std::string& name, const Ort::Value& value) {
  const auto info = value.GetTensorTypeAndShapeInfo();
  const auto dtype = dtype_from_onnx(static_cast<int32_t>(info.GetElementType()));
  if (!dtype || dtype_size(*dtype) == 0) fail(ErrorKind::kRuntime, "output '{}' has an unsupported element type", name);
  Tensor tensor(name, *dtype, info.GetShape());
  if (tensor.byte_size() > 0) std::memcpy(tensor.bytes().data(), value.GetTensorRawData(), tensor.byte_size());
  return tensor;
}

Ort::Value value_view(Tensor& tensor) {
  static const Ort::MemoryInfo cpu = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  const auto& shape = tensor.shape();
  return Ort::Value::CreateTensor(cpu, tensor.bytes().data(), tensor.byte_size(), shape.data(), shape.size(),
                                  to_ort_type(tensor.dtype()));
}

HostSession::HostSession(std::shared_ptr<Ort::Env> env, Ort::Session session, Precision precision,
                         nlohmann::json details)
    : env_(std::move(env)), session_(std::move(session)), precision_(precision), details_(std::move(details)) {
  Ort::AllocatorWithDefaultOptions allocator;
  for (size_t i = 0; i < session_.GetInputCount(); ++i) {
    input_names_.push_back(session_.GetInputNameAllocated(i, allocator).get());
  }
  for (size_t i = 0; i < session_.GetOutputCount(); ++i) {
    output_names_.push_back(session_.GetOutputNameAllocated(i, allocator).get());
  }
  for (const auto& name : input_names_) input_name_ptrs_.push_back(name.c_str());
  for (const auto& name : output_names_) output_name_ptrs_.push_back(name.c_str());
}

void HostSession::set_inputs(const std::vector<Tensor>& inputs) {
  if (inputs.size() != input_names_.size()) {
    fail(ErrorKind::kRuntime, "model expects {} inputs, got {}", input_names_.size(), inputs.size());
  }
  staged_inputs_ = inputs;
  input_values_.clear();
  for (auto& tensor : staged_inputs_) input_values_.push_back(value_view(tensor));
}

RunTiming HostSession::run() {
  try {
    output_values_ = session_.Run(run_options_, input_name_ptrs_.data(), input_values_.data(), input_values_.size(),
                                  output_name_ptrs_.data(), output_name_ptrs_.size());
  } catch (const Ort::Exception& e) {
    fail(ErrorKind::kRuntime, "ONNX Runtime run failed: {}", e.what());
  }
  return {};
}

std::vector<Tensor> HostSession::outputs() {
  std::vector<Tensor> tensors;
  for (size_t i = 0; i < output_values_.size(); ++i)
    tensors.push_back(tensor_from_value(output_names_[i], output_values_[i]));
  return tensors;
}

}  // namespace inferfoundry::ort
