// `tensorrt`: ONNX Runtime with the TensorRT execution provider (CUDA provider, else CPU, for the nodes TensorRT
// does not take). Engines and TensorRT's timing cache live in InferFoundry's cache folder under keys that
// cover everything an engine depends on. Written from ORT's documented provider options; no machine here has
// TensorRT, so everything past availability and option checking is untested against a real TensorRT.
#include <dlfcn.h>

#include <cstdio>

#include <fmt/format.h>

#include "cache/cache.h"
#include "core/error.h"
#include "core/stopwatch.h"
#include "runtimes/model_digest.h"
#include "runtimes/ort/ort_device_session.h"
#include "runtimes/ort/provider_availability.h"
#include "runtimes/tensorrt/tensorrt_settings.h"

namespace inferfoundry {
namespace {

constexpr const char* kTensorRtLibrary = "libnvinfer.so.10";
constexpr std::string_view kProviderLibrary = "libonnxruntime_providers_tensorrt.so";
constexpr std::string_view kHowToGetProvider =
    "get it with scripts/setup.sh --gpu, or scripts/fetch_onnxruntime.sh DEST --gpu";

// TensorRT's library loaded for as long as this object lives.
class TensorRtLibrary {
 public:
  TensorRtLibrary() : handle_(dlopen(kTensorRtLibrary, RTLD_LAZY | RTLD_LOCAL)) {
    if (!handle_) error_ = dlerror();
  }
  ~TensorRtLibrary() {
    if (handle_) dlclose(handle_);
  }
  TensorRtLibrary(const TensorRtLibrary&) = delete;
  TensorRtLibrary& operator=(const TensorRtLibrary&) = delete;

  Availability availability() const {
    if (handle_) return {true, ""};
    return {false,
            fmt::format("TensorRT 10 is not installed: {} cannot be loaded ({}); install TensorRT 10 for CUDA 13 "
                        "(NVIDIA's CUDA apt repository: apt-get install libnvinfer10 libnvinfer-plugin10 "
                        "libnvonnxparsers10; or unpack NVIDIA's TensorRT archive and add its lib/ folder to "
                        "LD_LIBRARY_PATH)",
                        kTensorRtLibrary, error_)};
  }
  // "10.9.0" from getInferLibVersion() (major * 10000 + minor * 100 + patch).
  std::string version() const {
    if (!handle_) return "";
    using VersionFn = int32_t (*)();
    auto fn = reinterpret_cast<VersionFn>(dlsym(handle_, "getInferLibVersion"));
    if (!fn) return "unknown";
    const int32_t v = fn();
    return fmt::format("{}.{}.{}", v / 10000, (v / 100) % 100, v % 100);
  }

 private:
  void* handle_ = nullptr;
  std::string error_;
};

bool has_engine_files(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".engine") return true;
  }
  return false;
}

void remove_engine_files(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".engine" || entry.path().extension() == ".profile")
      std::filesystem::remove(entry.path(), ec);
  }
}

int64_t count_other_nodes(const nlohmann::json& nodes, const std::string& provider) {
  int64_t total = 0;
  if (!nodes.is_object()) return total;
  for (const auto& [name, count] : nodes.items()) {
    if (name != provider) total += count.get<int64_t>();
  }
  return total;
}

struct CacheFolders {
  std::filesystem::path engine_dir, timing_dir;
  std::shared_ptr<CacheLock> lock;  // held until the first run has written lazily built engines
};

class TensorRtRuntime : public Runtime {
 public:
  std::string name() const override { return "tensorrt"; }
  std::string description() const override {
    return "ONNX Runtime, TensorRT execution provider, engines cached, I/O bound in GPU memory";
  }
  Availability availability() const override {
    const TensorRtLibrary library;
    const Availability tensorrt = library.availability();
    const Availability gpu = cuda::gpu_availability();
    const Availability provider = ort::provider_library_availability(kProviderLibrary, kHowToGetProvider);
    return ort::combine({provider, tensorrt, gpu});
  }
  std::string version() const override {
    return fmt::format("ORT {} / TensorRT {}", ort::version_string(), TensorRtLibrary().version());
  }

  std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions& options) const override {
    const tensorrt::TensorRtSettings settings = tensorrt::resolve_settings(model, options);
    if (const auto available = availability(); !available.available)
      fail(ErrorKind::kUnavailable, "tensorrt: {}", available.reason);

    const CacheFolders folders = cache_folders(model, options, settings);
    const bool cache_hit = !folders.engine_dir.empty() && has_engine_files(folders.engine_dir);
    const size_t memory_before = cuda::device_memory_used_bytes();
    auto stream = std::make_unique<cuda::Stream>();
    auto env = ort::shared_environment();

    const Stopwatch watch;
    Ort::Session session = create_session(*env, model, options, settings, folders, stream->get(), cache_hit);
    const double create_ms = watch.elapsed_ms();

    nlohmann::json nodes = ort::nodes_by_provider(session);
    nlohmann::json details = {
        {"execution_provider", "TensorrtExecutionProvider"},
        {"cuda_graph", settings.cuda_graph},
        {"shape_profile", settings.profile.empty() ? nlohmann::json(nullptr)
                                                   : nlohmann::json{{"min", settings.profile.min},
                                                                    {"opt", settings.profile.opt},
                                                                    {"max", settings.profile.max}}},
        {"nodes_by_provider", nodes},
        {"nodes_in_tensorrt", nodes.is_object() ? nodes.value("TensorrtExecutionProvider", 0) : 0},
        {"nodes_fallback", count_other_nodes(nodes, "TensorrtExecutionProvider")},
        {"engine_cache", folders.engine_dir.empty() ? "off" : (cache_hit ? "hit" : "miss")},
        {cache_hit ? "engine_load_ms" : "engine_build_ms", create_ms},
    };
    if (!folders.engine_dir.empty()) details["engine_cache_folder"] = folders.engine_dir.string();

    ort::DeviceSessionSetup setup;
    setup.precision = settings.precision;
    setup.include_transfers = options.include_transfers;
    setup.device_memory_before = memory_before;
    setup.details = std::move(details);
    setup.after_first_run = [lock = folders.lock]() mutable { lock.reset(); };
    return std::make_unique<ort::DeviceSession>(std::move(env), std::move(stream), std::move(session),
                                                std::move(setup));
  }

 private:
  static CacheFolders cache_folders(const Model& model, const RuntimeOptions& options,
                                    const tensorrt::TensorRtSettings& settings) {
    if (!settings.engine_cache) return {};
    const auto gpu = cuda::query_gpu();
    const tensorrt::EngineIdentity identity{model_content_digest(model),
                                            gpu ? gpu->name + " sm_" + gpu->compute_capability() : "unknown GPU",
                                            TensorRtLibrary().version(), ort::version_string()};
    const std::string calibration = settings.calibration_table.empty() ? "" : sha256_file(settings.calibration_table);
    const Cache cache(Cache::default_root(options.cache_dir));
    const std::string key = tensorrt::engine_cache_key(identity, settings, calibration);
    CacheFolders folders;
    folders.lock = cache.lock("tensorrt", key);  // a concurrent builder of the same engine finishes first
    folders.engine_dir = cache.folder("tensorrt", key);
    folders.timing_dir = cache.folder("tensorrt-timing", tensorrt::timing_cache_key(identity));
    if (!settings.calibration_table.empty()) {
      std::filesystem::copy_file(settings.calibration_table, folders.engine_dir / settings.calibration_table.filename(),
                                 std::filesystem::copy_options::overwrite_existing);
    }
    return folders;
  }

  static Ort::Session create_session(Ort::Env& env, const Model& model, const RuntimeOptions& options,
                                     const tensorrt::TensorRtSettings& settings, const CacheFolders& folders,
                                     cudaStream_t stream, bool cache_hit) {
    try {
      return ort::create_session(env, model, session_options(env, options, settings, folders, stream));
    } catch (const Error& e) {
      if (!cache_hit) throw;
      // A cached engine that TensorRT cannot load (damaged, or written by an interrupted build) is rebuilt.
      fmt::print(stderr, "warning: cached TensorRT engine in {} could not be used ({}); rebuilding it\n",
                 folders.engine_dir.string(), e.what());
      remove_engine_files(folders.engine_dir);
      return ort::create_session(env, model, session_options(env, options, settings, folders, stream));
    }
  }

  static Ort::SessionOptions session_options(Ort::Env& env, const RuntimeOptions& options,
                                             const tensorrt::TensorRtSettings& settings, const CacheFolders& folders,
                                             cudaStream_t stream) {
    Ort::SessionOptions session_options = ort::base_session_options(options);
    ort::record_provider_assignment(session_options);
    ort::append_gpu_provider(env, session_options, kProviderLibrary, "TensorrtExecutionProvider",
                             tensorrt::provider_options(settings, folders.engine_dir, folders.timing_dir), stream);
    // Nodes TensorRT does not take run on the CUDA provider when it is there, else on the CPU.
    if (ort::provider_library_availability("libonnxruntime_providers_cuda.so", "").available) {
      ort::append_gpu_provider(env, session_options, "libonnxruntime_providers_cuda.so", "CUDAExecutionProvider",
                               {{"device_id", "0"}}, stream);
    }
    return session_options;
  }
};

}  // namespace

std::unique_ptr<Runtime> make_tensorrt_runtime() { return std::make_unique<TensorRtRuntime>(); }

}  // namespace inferfoundry
