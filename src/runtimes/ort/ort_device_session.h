#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "runtimes/cuda/cuda_common.h"
#include "runtimes/ort/ort_session.h"

namespace inferfoundry::ort {

// Appends a GPU execution provider loaded as a plugin library (ORT's RegisterExecutionProviderLibrary, then
// the provider's GPU device from GetEpDevices): the only route on the npm CPU-only core, where
// AppendExecutionProvider_CUDA_V2 answers "not enabled in this build".
// `stream` becomes the provider's compute stream. Failures are Error(kRuntime) with ORT's message.
void append_gpu_provider(Ort::Env& env, Ort::SessionOptions& session_options, std::string_view library_file,
                         std::string_view provider_name, std::unordered_map<std::string, std::string> options,
                         cudaStream_t stream);

// How the CUDA provider is attached to a session. ORT's official GPU packages ship a core built with CUDA,
// which loads the provider library itself (kBuiltIn, AppendExecutionProvider_CUDA_V2); the npm CPU core has
// no CUDA hooks and can only take it as a plugin execution provider library (kPlugin). kAuto tries built-in
// first and falls back to the plugin route on a core without CUDA. docs/gpu.md says which pairing is used.
enum class ProviderApi { kAuto, kBuiltIn, kPlugin };
std::string_view provider_api_name(ProviderApi api);
// "auto", "built-in" or "plugin" (--option provider_api=...); anything else is Error(kUsage).
ProviderApi parse_provider_api(std::string_view text, std::string_view runtime);
// Appends the CUDA provider the way `wanted` says and returns the way it was attached.
ProviderApi append_cuda_provider(Ort::Env& env, Ort::SessionOptions& session_options, std::string_view library_file,
                                 std::unordered_map<std::string, std::string> options, cudaStream_t stream,
                                 ProviderApi wanted);

// Everything a device session needs beyond the ORT session itself.
struct DeviceSessionSetup {
  Precision precision = Precision::kFp32;  // what the session computes at (reported, not applied)
  bool include_transfers = false;
  size_t device_memory_before = 0;  // cuda::device_memory_used_bytes() before the ORT session was created
  nlohmann::json details = nlohmann::json::object();
  std::function<void()> after_first_run;  // e.g. release a cache lock once lazily built engines are written
  // Anything the session's files depend on (the temporary folder of a converted model): released only after
  // the ORT session is destroyed.
  std::shared_ptr<void> keep_alive;
};

// Runs an ORT session whose execution provider computes on `stream`, with inputs and outputs bound in
// device memory (I/O binding), so the timed loop measures compute alone. CUDA events on the stream give the
// device time; with include_transfers every run also copies inputs host->device and outputs device->host
// through pinned buffers, timed apart (like trtexec's H2D / compute / D2H).
class DeviceSession : public Session {
 public:
  // `stream` must be the stream the provider was configured with (user_compute_stream).
  DeviceSession(std::shared_ptr<Ort::Env> env, std::unique_ptr<cuda::Stream> stream, Ort::Session session,
                DeviceSessionSetup setup);

  void set_inputs(const std::vector<Tensor>& inputs) override;
  RunTiming run() override;
  std::vector<Tensor> outputs() override;
  Precision precision() const override { return setup_.precision; }
  nlohmann::json details() const override;

 private:
  void copy_inputs_to_device();
  void copy_outputs_to_host();
  void note_memory_use() const;

  // Declaration order is destruction order in reverse: the session goes before the stream it runs on, and
  // before what it was loaded from.
  std::shared_ptr<void> keep_alive_;
  std::shared_ptr<Ort::Env> env_;
  std::unique_ptr<cuda::Stream> stream_;
  Ort::Session session_;
  DeviceSessionSetup setup_;
  Ort::MemoryInfo device_memory_;
  Ort::IoBinding binding_;
  Ort::RunOptions run_options_;
  std::vector<std::string> input_names_;
  std::vector<std::string> output_names_;
  std::vector<Tensor> staged_inputs_;              // host copies: shapes, types, bytes
  std::vector<cuda::PinnedBuffer> pinned_inputs_;  // only with include_transfers
  std::vector<cuda::DeviceBuffer> device_inputs_;
  std::vector<Ort::Value> input_values_;
  std::vector<Ort::Value> device_outputs_;  // of the last run
  std::vector<Tensor> host_outputs_;        // filled by copy_outputs_to_host
  std::vector<cuda::PinnedBuffer> pinned_outputs_;
  cuda::Event start_, inputs_copied_, computed_, outputs_copied_;
  bool ran_once_ = false;
  mutable size_t peak_device_memory_ = 0;
};

}  // namespace inferfoundry::ort
