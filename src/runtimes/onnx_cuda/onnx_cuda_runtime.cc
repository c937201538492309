// `onnx-cuda`: ONNX Runtime with the CUDA execution provider, inputs and outputs bound in GPU memory.
#include "core/error.h"
#include "runtimes/onnx_cuda/fp16_model.h"
#include "runtimes/ort/ort_device_session.h"
#include "runtimes/ort/provider_availability.h"

namespace inferfoundry {
namespace {

constexpr std::string_view kProviderLibrary = "libonnxruntime_providers_cuda.so";
constexpr std::string_view kHowToGet = "get it with scripts/setup.sh --gpu, or scripts/fetch_onnxruntime.sh DEST --gpu";

// `fixed_fp16` makes the `onnx-cuda-fp16` variant: it always runs the float16-converted model, so fp16 can be
// measured and checked against fp32 runtimes in one benchmark (--precision applies to every runtime).
class OnnxCudaRuntime : public Runtime {
 public:
  explicit OnnxCudaRuntime(bool fixed_fp16) : fixed_fp16_(fixed_fp16) {}
  std::string name() const override { return fixed_fp16_ ? "onnx-cuda-fp16" : "onnx-cuda"; }
  std::string description() const override {
    return fixed_fp16_ ? "onnx-cuda on the model converted to float16 (float I/O kept), whatever --precision says"
                       : "ONNX Runtime, CUDA execution provider, I/O bound in GPU memory, timed with CUDA events";
  }
  Availability availability() const override {
    return ort::combine({ort::provider_library_availability(kProviderLibrary, kHowToGet), cuda::gpu_availability()});
  }
  std::string version() const override { return ort::version_string(); }

  std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions& options) const override {
    reject_unknown_options(options, name(), {"cudnn_conv_algo_search", "use_tf32", "provider_api"});
    const auto api_option = options.extra.find("provider_api");
    const ort::ProviderApi wanted_api = api_option == options.extra.end()
                                            ? ort::ProviderApi::kAuto
                                            : ort::parse_provider_api(api_option->second, name());
    if (options.precision != Precision::kFp32 && options.precision != Precision::kFp16) {
      fail(ErrorKind::kUsage, "runtime '{}' supports --precision fp32 or fp16, not {}", name(),
           precision_name(options.precision));
    }
    const Precision precision = fixed_fp16_ ? Precision::kFp16 : options.precision;
    if (const auto available = availability(); !available.available)
      fail(ErrorKind::kUnavailable, "onnx-cuda: {}", available.reason);

    nlohmann::json details = {{"execution_provider", "CUDAExecutionProvider"},
                              {"use_tf32", options.extra.count("use_tf32") ? options.extra.at("use_tf32") : "0"}};
    // fp16: small models are converted in memory; those whose float16 form nears protobuf's 2 GiB limit are
    // written with external data into the cache folder (reused by later runs) or a temporary folder, and
    // ORT loads them from there (onnx_cuda/fp16_model.h).
    onnx_cuda::Fp16Model converted;
    if (precision == Precision::kFp16) {
      converted = onnx_cuda::prepare_fp16_model(model, options.cache_dir);
      details.update(converted.details);
    }
    const Model& to_run = converted.model ? *converted.model : model;

    const size_t memory_before = cuda::device_memory_used_bytes();
    auto stream = std::make_unique<cuda::Stream>();
    auto env = ort::shared_environment();
    Ort::SessionOptions session_options = ort::base_session_options(options);
    ort::record_provider_assignment(session_options);
    // fp32 means fp32: TF32 tensor-core math (ORT's default) is opt-in with --option use_tf32=1.
    std::unordered_map<std::string, std::string> settings = {{"device_id", "0"}, {"use_tf32", "0"}};
    for (const auto& [key, value] : options.extra) {
      if (key != "provider_api") settings[key] = value;
    }
    // Kernels go to our stream, so CUDA events recorded on it bracket exactly this session's work.
    const ort::ProviderApi api =
        ort::append_cuda_provider(*env, session_options, kProviderLibrary, settings, stream->get(), wanted_api);
    details["provider_api"] = ort::provider_api_name(api);
    Ort::Session session = ort::create_session(*env, to_run, session_options);
    converted.lock.reset();  // ORT has read the converted model's files
    details["nodes_by_provider"] = ort::nodes_by_provider(session);

    ort::DeviceSessionSetup setup;
    setup.precision = precision;
    setup.include_transfers = options.include_transfers;
    setup.device_memory_before = memory_before;
    setup.details = std::move(details);
    setup.keep_alive = converted.temporary;
    return std::make_unique<ort::DeviceSession>(std::move(env), std::move(stream), std::move(session),
                                                std::move(setup));
  }

 private:
  bool fixed_fp16_;
};

}  // namespace

std::unique_ptr<Runtime> make_onnx_cuda_runtime() { return std::make_unique<OnnxCudaRuntime>(false); }
std::unique_ptr<Runtime> make_onnx_cuda_fp16_runtime() { return std::make_unique<OnnxCudaRuntime>(true); }

}  // namespace inferfoundry
