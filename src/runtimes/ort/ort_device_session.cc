#include "runtimes/ort/ort_device_session.h"

#include <algorithm>
#include <cstring>

#include <onnxruntime_run_options_config_keys.h>

#include "core/error.h"

namespace inferfoundry::ort {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

std::vector<std::string> io_names(const Ort::Session& session, bool inputs) {
  Ort::AllocatorWithDefaultOptions allocator;
  std::vector<std::string> names;
  const size_t count = inputs ? session.GetInputCount() : session.GetOutputCount();
  for (size_t i = 0; i < count; ++i) {
    names.push_back(inputs ? session.GetInputNameAllocated(i, allocator).get()
                           : session.GetOutputNameAllocated(i, allocator).get());
  }
  return names;
}

// Shape and element type of an ORT value as an (empty) host tensor of the same size.
Tensor host_tensor_like(const std::string& name, const Ort::Value& value) {
  const auto info = value.GetTensorTypeAndShapeInfo();
  const auto dtype = dtype_from_onnx(static_cast<int32_t>(info.GetElementType()));
  if (!dtype || dtype_size(*dtype) == 0) fail(ErrorKind::kRuntime, "output '{}' has an unsupported element type", name);
  return Tensor(name, *dtype, info.GetShape());
}

std::vector<Ort::ConstEpDevice> gpu_devices_of(const Ort::Env& env, std::string_view provider_name) {
  std::vector<Ort::ConstEpDevice> devices;
  for (const auto& device : env.GetEpDevices()) {
    if (provider_name == device.EpName() && device.Device().Type() == OrtHardwareDeviceType_GPU)
      devices.push_back(device);
  }
  return devices;
}

}  // namespace

std::string_view provider_api_name(ProviderApi api) {
  switch (api) {
    case ProviderApi::kAuto:
      return "auto";
    case ProviderApi::kBuiltIn:
      return "built-in";
    case ProviderApi::kPlugin:
      return "plugin";
  }
  return "auto";
}

ProviderApi parse_provider_api(std::string_view text, std::string_view runtime) {
  for (ProviderApi api : {ProviderApi::kAuto, ProviderApi::kBuiltIn, ProviderApi::kPlugin}) {
    if (provider_api_name(api) == text) return api;
  }
  fail(ErrorKind::kUsage, "runtime '{}': option provider_api={} must be auto, built-in or plugin", runtime, text);
}

namespace {

// ORT's own way for a core built with CUDA (the official GPU packages): the core loads the provider library
// from its folder through libonnxruntime_providers_shared.so. Throws Ort::Exception on a core without CUDA.
void append_builtin_cuda(Ort::SessionOptions& session_options,
                         const std::unordered_map<std::string, std::string>& options, cudaStream_t stream) {
  Ort::CUDAProviderOptions cuda_options;
  cuda_options.Update(options);
  cuda_options.UpdateWithValue("user_compute_stream", stream);
  session_options.AppendExecutionProvider_CUDA_V2(*cuda_options);
}

}  // namespace

ProviderApi append_cuda_provider(Ort::Env& env, Ort::SessionOptions& session_options, std::string_view library_file,
                                 std::unordered_map<std::string, std::string> options, cudaStream_t stream,
                                 ProviderApi wanted) {
  if (wanted != ProviderApi::kPlugin) {
    try {
      append_builtin_cuda(session_options, options, stream);
      return ProviderApi::kBuiltIn;
    } catch (const Ort::Exception& e) {
      // The CPU-only core answers "not enabled in this build": then the plugin route is the only one.
      if (wanted == ProviderApi::kBuiltIn)
        fail(ErrorKind::kRuntime, "this ONNX Runtime core has no built-in CUDA provider: {}", e.what());
    }
  }
  append_gpu_provider(env, session_options, library_file, "CUDAExecutionProvider", std::move(options), stream);
  return ProviderApi::kPlugin;
}

void append_gpu_provider(Ort::Env& env, Ort::SessionOptions& session_options, std::string_view library_file,
                         std::string_view provider_name, std::unordered_map<std::string, std::string> options,
                         cudaStream_t stream) {
  try {
    auto devices = gpu_devices_of(env, provider_name);
    if (devices.empty()) {
      // Registered once per environment; the registration lives as long as the shared Env.
      const std::string library = (library_folder() / std::string(library_file)).string();
      env.RegisterExecutionProviderLibrary(std::string(provider_name).c_str(), library);
      devices = gpu_devices_of(env, provider_name);
    }
    if (devices.empty()) fail(ErrorKind::kRuntime, "{} found no GPU to run on", provider_name);
    options["has_user_compute_stream"] = "1";
    options["user_compute_stream"] = std::to_string(reinterpret_cast<uintptr_t>(stream));
    session_options.AppendExecutionProvider_V2(env, {devices.front()}, options);
  } catch (const Ort::Exception& e) {
    fail(ErrorKind::kRuntime, "ONNX Runtime could not set up {}: {}", provider_name, e.what());
  }
}

DeviceSession::DeviceSession(std::shared_ptr<Ort::Env> env, std::unique_ptr<cuda::Stream> stream, Ort::Session session,
                             DeviceSessionSetup setup)
    : keep_alive_(std::move(setup.keep_alive)),
      env_(std::move(env)),
      stream_(std::move(stream)),
      session_(std::move(session)),
      setup_(std::move(setup)),
      device_memory_("Cuda", OrtDeviceAllocator, 0, OrtMemTypeDefault),
      binding_(session_),
      input_names_(io_names(session_, true)),
      output_names_(io_names(session_, false)) {
  // Run() returns once the work is queued; the CUDA events below mark its end on the stream.
  run_options_.AddConfigEntry(kOrtRunOptionsConfigDisableSynchronizeExecutionProviders, "1");
  for (const auto& name : output_names_) binding_.BindOutput(name.c_str(), device_memory_);
  note_memory_use();
}

void DeviceSession::set_inputs(const std::vector<Tensor>& inputs) {
  if (inputs.size() != input_names_.size()) {
    fail(ErrorKind::kRuntime, "model expects {} inputs, got {}", input_names_.size(), inputs.size());
  }
  staged_inputs_ = inputs;
  pinned_inputs_.clear();
  device_inputs_.clear();
  input_values_.clear();
  binding_.ClearBoundInputs();
  for (size_t i = 0; i < staged_inputs_.size(); ++i) {
    const Tensor& tensor = staged_inputs_[i];
    // ORT rejects zero-byte buffers; one spare byte keeps empty tensors legal.
    device_inputs_.emplace_back(std::max<size_t>(tensor.byte_size(), 1));
    if (setup_.include_transfers) {
      pinned_inputs_.emplace_back(std::max<size_t>(tensor.byte_size(), 1));
      std::memcpy(pinned_inputs_.back().get(), tensor.bytes().data(), tensor.byte_size());
    }
    const auto& shape = tensor.shape();
    input_values_.push_back(Ort::Value::CreateTensor(device_memory_, device_inputs_.back().get(), tensor.byte_size(),
                                                     shape.data(), shape.size(), to_ort_type(tensor.dtype())));
    binding_.BindInput(input_names_[i].c_str(), input_values_.back());
  }
  // Without include_transfers the inputs go to the device once, here, outside the timed loop.
  for (size_t i = 0; i < staged_inputs_.size(); ++i) {
    cuda::check(cudaMemcpy(device_inputs_[i].get(), staged_inputs_[i].bytes().data(), staged_inputs_[i].byte_size(),
                           cudaMemcpyHostToDevice),
                "copying an input to the GPU");
  }
}

void DeviceSession::copy_inputs_to_device() {
  for (size_t i = 0; i < staged_inputs_.size(); ++i) {
    cuda::check(cudaMemcpyAsync(device_inputs_[i].get(), pinned_inputs_[i].get(), staged_inputs_[i].byte_size(),
                                cudaMemcpyHostToDevice, stream_->get()),
                "copying an input to the GPU");
  }
}

void DeviceSession::copy_outputs_to_host() {
  host_outputs_.clear();
  pinned_outputs_.resize(device_outputs_.size());
  for (size_t i = 0; i < device_outputs_.size(); ++i) {
    host_outputs_.push_back(host_tensor_like(output_names_[i], device_outputs_[i]));
    const size_t bytes = host_outputs_.back().byte_size();
    if (pinned_outputs_[i].size() < bytes) pinned_outputs_[i] = cuda::PinnedBuffer(bytes);
    if (bytes == 0) continue;
    cuda::check(cudaMemcpyAsync(pinned_outputs_[i].get(), device_outputs_[i].GetTensorRawData(), bytes,
                                cudaMemcpyDeviceToHost, stream_->get()),
                "copying an output from the GPU");
  }
}

RunTiming DeviceSession::run() {
  RunTiming timing;
  start_.record(stream_->get());
  if (setup_.include_transfers) copy_inputs_to_device();
  inputs_copied_.record(stream_->get());
  try {
    session_.Run(run_options_, binding_);
  } catch (const Ort::Exception& e) {
    fail(ErrorKind::kRuntime, "ONNX Runtime run failed: {}", e.what());
  }
  computed_.record(stream_->get());
  device_outputs_ = binding_.GetOutputValues();
  if (setup_.include_transfers) {
    copy_outputs_to_host();
    outputs_copied_.record(stream_->get());
    timing.d2h_ms = outputs_copied_.elapsed_since(computed_);
    timing.h2d_ms = inputs_copied_.elapsed_since(start_);
  }
  timing.device_ms = computed_.elapsed_since(inputs_copied_);
  if (!ran_once_) {
    ran_once_ = true;
    note_memory_use();
    if (setup_.after_first_run) setup_.after_first_run();
  }
  return timing;
}

std::vector<Tensor> DeviceSession::outputs() {
  if (!setup_.include_transfers) {
    copy_outputs_to_host();
    stream_->synchronize();
  }
  std::vector<Tensor> tensors = host_outputs_;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].byte_size() > 0)
      std::memcpy(tensors[i].bytes().data(), pinned_outputs_[i].get(), tensors[i].byte_size());
  }
  note_memory_use();
  return tensors;
}

void DeviceSession::note_memory_use() const {
  peak_device_memory_ = std::max(peak_device_memory_, cuda::device_memory_used_bytes());
}

nlohmann::json DeviceSession::details() const {
  note_memory_use();
  nlohmann::json details = setup_.details;
  // ORT's arena keeps what it allocated, so memory in use after the runs is close to the peak. The figure is
  // for the whole device (cudaMemGetInfo): other processes on the GPU would be counted too.
  const double used = static_cast<double>(peak_device_memory_) - static_cast<double>(setup_.device_memory_before);
  details["gpu_memory_mib"] = std::max(0.0, used) / kMiB;
  details["gpu_memory_method"] = "device memory in use (cudaMemGetInfo) after runs minus before session creation";
  details["io_binding"] = "inputs and outputs in GPU memory";
  details["include_transfers"] = setup_.include_transfers;
  return details;
}

}  // namespace inferfoundry::ort
