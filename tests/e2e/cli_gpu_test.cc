// End-to-end: the GPU runtimes through the CLI. Without a GPU or TensorRT (CI, the build machine) they must
// be reported unavailable with the missing piece named, while the CPU runtime still runs (exit 7). With a
// GPU and ONNX Runtime's CUDA provider (the GPU machine), onnx-cuda must run and agree with onnx.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
using testing::run_cli;
using testing::TempDir;

nlohmann::json runtime_entry(const std::string& name) {
  const auto r = run_cli({"runtimes", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& entry : nlohmann::json::parse(r.out)) {
    if (entry["name"] == name) return entry;
  }
  ADD_FAILURE() << name << " is not listed";
  return {};
}

TEST(CliGpu, RuntimesListsGpuRuntimesAndSaysWhatIsMissing) {
  const auto tensorrt = runtime_entry("tensorrt");
  if (tensorrt["available"].get<bool>()) GTEST_SKIP() << "TensorRT is installed here";
  const std::string reason = tensorrt["reason"];
  EXPECT_NE(reason.find("libnvinfer.so.10"), std::string::npos) << reason;
  EXPECT_NE(reason.find("install TensorRT"), std::string::npos) << reason;

  const auto cuda = runtime_entry("onnx-cuda");
  if (cuda["available"].get<bool>()) return;
  const std::string cuda_reason = cuda["reason"];
  const bool names_provider = cuda_reason.find("libonnxruntime_providers_cuda.so") != std::string::npos &&
                              cuda_reason.find("setup.sh --gpu") != std::string::npos;
  const bool names_gpu = cuda_reason.find("no NVIDIA GPU") != std::string::npos;
  EXPECT_TRUE(names_provider || names_gpu) << cuda_reason;
}

TEST(CliGpu, BenchmarkWithUnavailableTensorRtMeasuresOnnxAndExitsSeven) {
  if (runtime_entry("tensorrt")["available"].get<bool>()) GTEST_SKIP() << "TensorRT is installed here";
  TempDir dir;
  const auto out = dir / "results.json";
  const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--runtimes", "onnx,tensorrt",
                          "--iterations", "10", "--warmup", "1", "--output", out.string()});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.out.find("libnvinfer.so.10"), std::string::npos) << r.out;
  const auto json = nlohmann::json::parse(read_file(out));
  ASSERT_EQ(json["results"].size(), 2u);
  EXPECT_EQ(json["results"][0]["runtime"], "onnx");
  EXPECT_EQ(json["results"][0]["status"], "ok");
  EXPECT_GT(json["results"][0]["latency_ms"].get<double>(), 0);
  EXPECT_EQ(json["results"][1]["runtime"], "tensorrt");
  EXPECT_EQ(json["results"][1]["status"], "unavailable");
  EXPECT_NE(json["results"][1]["error"].get<std::string>().find("libnvinfer.so.10"), std::string::npos);
}

TEST(CliGpu, TensorRtInt8OnAFloatModelIsAUsageErrorOnceAvailable) {
  // Option checks run before any GPU work, so where TensorRT is missing the runtime is simply unavailable.
  if (!runtime_entry("tensorrt")["available"].get<bool>()) GTEST_SKIP() << "TensorRT is not installed here";
  const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--runtimes", "tensorrt", "--precision",
                          "int8", "--iterations", "2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("calibration"), std::string::npos) << r.out;
}

TEST(CliGpu, EnvironmentHasGpuFactsExactlyWhenAGpuIsThere) {
  TempDir dir;
  const auto out = dir / "results.json";
  const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--iterations", "5", "--warmup", "1",
                          "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto environment = nlohmann::json::parse(read_file(out))["environment"];
  ASSERT_TRUE(environment.contains("gpu"));
  const bool gpu_here =
      runtime_entry("onnx-cuda")["reason"].get<std::string>().find("no NVIDIA GPU") == std::string::npos;
  if (!gpu_here) {
    EXPECT_TRUE(environment["gpu"].is_null());
    return;
  }
  for (const char* key : {"name", "compute_capability", "memory_gib", "driver_version", "runtime_cuda_version"}) {
    EXPECT_TRUE(environment["gpu"].contains(key)) << key;
  }
}

TEST(CliGpu, OnnxCudaRunsOnDeviceMemoryAndAgreesWithOnnx) {
  const auto cuda = runtime_entry("onnx-cuda");
  if (!cuda["available"].get<bool>()) GTEST_SKIP() << "onnx-cuda unavailable: " << cuda["reason"].get<std::string>();
  TempDir dir;
  const auto out = dir / "results.json";
  const auto r = run_cli({"benchmark", "--model", INFERFOUNDRY_DEMO_MODEL, "--runtimes",
                          "onnx,onnx-cuda,onnx-cuda-fp16", "--iterations", "20", "--warmup", "2", "--atol", "1e-2",
                          "--rtol", "1e-2", "--include-transfers", "--output", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto results = nlohmann::json::parse(read_file(out))["results"];
  ASSERT_EQ(results.size(), 3u);
  for (size_t i = 1; i < 3; ++i) {
    const auto& gpu = results[i];
    EXPECT_EQ(gpu["status"], "ok") << gpu.dump();
    EXPECT_TRUE(gpu.contains("device_latency")) << gpu.dump();
    EXPECT_TRUE(gpu.contains("h2d_latency")) << gpu.dump();
    EXPECT_GT(gpu["details"]["nodes_by_provider"].value("CUDAExecutionProvider", 0), 0) << gpu["details"].dump();
  }
  EXPECT_EQ(results[2]["precision"], "fp16");
}

}  // namespace
}  // namespace inferfoundry
