// `onnx-cuda`: ONNX Runtime with the CUDA execution provider, inputs and outputs bound in GPU memory.
#include "core/error.h"
#include "model/precision.h"
#include "runtimes/onnx_cuda/ort_device_session.h"

namespace inferfoundry {
namespace {

constexpr std::string_view kProviderLibrary = "libonnxruntime_providers_cuda.so";
constexpr std::string_view kHowToGet = "get it with scripts/setup.sh --gpu, or scripts/fetch_onnxruntime.sh DEST --gpu";

nlohmann::json fp16_report_json(const Fp16Report& report) {
  return {{"initializers", report.initializers},         {"constants", report.constants},
          {"casts_retargeted", report.casts_retargeted}, {"io_casts", report.io_casts},
          {"float_only_inputs", report.float_only_inputs}, {"clamped_values", report.clamped_values}};
}

class OnnxCudaRuntime : public Runtime {
 public:
  std::string name() const override { return "onnx-cuda"; }
  std::string description() const override {
    return "ONNX Runtime, CUDA execution provider, I/O bound in GPU memory, timed with CUDA events";
  }
  Availability availability() const override {
    // Without a GPU, loading the provider library would tell nothing more: only its presence is checked.
    const Availability gpu = cuda::gpu_availability();
    return ort::combine({ort::provider_library_availability(kProviderLibrary, kHowToGet, gpu.available), gpu});
  }
  std::string version() const override { return ort::version_string(); }

  std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions& options) const override {
    reject_unknown_options(options, name(), {"cudnn_conv_algo_search"});
    if (options.precision != "fp32" && options.precision != "fp16") {
      fail(ErrorKind::kUsage, "runtime 'onnx-cuda' supports --precision fp32 or fp16, not {}", options.precision);
    }
    if (const auto available = availability(); !available.available) fail(ErrorKind::kUnavailable, "onnx-cuda: {}", available.reason);

    nlohmann::json details = {{"execution_provider", "CUDAExecutionProvider"}, {"precision", options.precision}};
    std::optional<Model> converted;
    if (options.precision == "fp16") {
      Fp16Report report;
      converted = Model::from_proto(convert_to_fp16(model, &report), model.display_name() + " (fp16)");
      details["fp16_conversion"] = fp16_report_json(report);
    }
    const Model& to_run = converted ? *converted : model;

    const size_t memory_before = cuda::device_memory_used_bytes();
    auto stream = std::make_unique<cuda::Stream>();
    Ort::SessionOptions session_options = ort::base_session_options(options);
    ort::record_provider_assignment(session_options);
    Ort::CUDAProviderOptions cuda_options;
    std::unordered_map<std::string, std::string> settings = {{"device_id", "0"}};
    if (auto it = options.extra.find("cudnn_conv_algo_search"); it != options.extra.end()) settings[it->first] = it->second;
    try {
      cuda_options.Update(settings);
      // Kernels go to our stream, so CUDA events recorded on it bracket exactly this session's work.
      cuda_options.UpdateWithValue("user_compute_stream", stream->get());
      session_options.AppendExecutionProvider_CUDA_V2(*cuda_options);
    } catch (const Ort::Exception& e) {
      fail(ErrorKind::kRuntime, "ONNX Runtime's CUDA provider rejected its options: {}", e.what());
    }
    auto env = ort::shared_environment();
    Ort::Session session = ort::create_session(*env, to_run, session_options);
    details["nodes_by_provider"] = ort::nodes_by_provider(session);

    ort::DeviceSessionSetup setup;
    setup.include_transfers = options.include_transfers;
    setup.device_memory_before = memory_before;
    setup.details = std::move(details);
    return std::make_unique<ort::DeviceSession>(std::move(env), std::move(stream), std::move(session), std::move(setup));
  }
};

}  // namespace

std::unique_ptr<Runtime> make_onnx_cuda_runtime() { return std::make_unique<OnnxCudaRuntime>(); }

}  // namespace inferfoundry
