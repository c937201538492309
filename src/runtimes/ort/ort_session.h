#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "runtimes/runtime.h"

namespace inferfoundry::ort {

// The process's ONNX Runtime environment. ORT wants one Env per process; each ORT-based runtime holds a
// shared_ptr obtained from here, and sessions keep it alive.
std::shared_ptr<Ort::Env> shared_environment();

std::string version_string();
ONNXTensorElementDataType to_ort_type(DType dtype);

// Session options every ORT-based runtime starts from: full graph optimisation, thread count.
Ort::SessionOptions base_session_options(const RuntimeOptions& options);
// Creates an ORT session from the model's file (so ORT resolves external data) or its bytes. ORT errors
// become Error(kRuntime) with ORT's message.
Ort::Session create_session(Ort::Env& env, const Model& model, const Ort::SessionOptions& session_options);

// The folder libonnxruntime.so.1 was loaded from: ORT looks for its provider libraries there.
std::filesystem::path library_folder();
// Asks ORT to record which execution provider each node is assigned to (read with nodes_by_provider).
void record_provider_assignment(Ort::SessionOptions& session_options);
// Nodes per execution provider after partitioning, e.g. {"CUDAExecutionProvider": 120, "CPUExecutionProvider": 3};
// null when the session was created without record_provider_assignment.
nlohmann::json nodes_by_provider(const Ort::Session& session);

// Runs an ORT session with inputs and outputs in host memory. The input Ort::Values are created once in
// set_inputs() over buffers this object owns, so run() is only Session::Run.
class HostSession : public Session {
 public:
  HostSession(std::shared_ptr<Ort::Env> env, Ort::Session session, Precision precision, nlohmann::json details);

  void set_inputs(const std::vector<Tensor>& inputs) override;
  RunTiming run() override;
  std::vector<Tensor> outputs() override;
  Precision precision() const override { return precision_; }
  nlohmann::json details() const override { return details_; }

 private:
  std::shared_ptr<Ort::Env> env_;
  Ort::Session session_;
  Precision precision_;
  nlohmann::json details_;
  std::vector<std::string> input_names_;
  std::vector<std::string> output_names_;
  std::vector<const char*> input_name_ptrs_;
  std::vector<const char*> output_name_ptrs_;
  std::vector<Tensor> staged_inputs_;
  std::vector<Ort::Value> input_values_;
  std::vector<Ort::Value> output_values_;
  Ort::RunOptions run_options_;
};

// Converts an ORT output value (in CPU memory) to a Tensor.
Tensor tensor_from_value(const std::string& name, const Ort::Value& value);
// An Ort::Value that views the tensor's bytes (the tensor must outlive it).
Ort::Value value_view(Tensor& tensor);

}  // namespace inferfoundry::ort
