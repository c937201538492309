// The tensorrt runtime's CPU-side logic: option checks, the int8 precondition, shape profiles, cache keys
// and the provider options handed to ONNX Runtime. (Nothing here needs TensorRT or a GPU.)
#include "runtimes/tensorrt/tensorrt_settings.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "model/graph_builder.h"
#include "runtimes/model_digest.h"
#include "support/cli_runner.h"

namespace inferfoundry::tensorrt {
namespace {

Model relu_model(std::vector<Dim> dims, bool quantized = false) {
  GraphBuilder builder("net");
  builder.add_input("x", DType::kFloat32, dims);
  builder.add_output("y", DType::kFloat32, dims);
  if (quantized) {
    Tensor scale("scale", DType::kFloat32, {});
    scale.data<float>()[0] = 0.1f;
    builder.add_initializer(scale);
    builder.add_node("QuantizeLinear", {"x", "scale"}, {"q"});
    builder.add_node("DequantizeLinear", {"q", "scale"}, {"dq"});
    builder.add_node("Relu", {"dq"}, {"y"});
  } else {
    builder.add_node("Relu", {"x"}, {"y"});
  }
  return Model::from_proto(builder.build(), "net.onnx");
}

Model static_model() { return relu_model({fixed_dim(1), fixed_dim(3), fixed_dim(8), fixed_dim(8)}); }
Model dynamic_model() { return relu_model({symbolic_dim("batch"), fixed_dim(3), fixed_dim(8), fixed_dim(8)}); }

ErrorKind error_kind_of(const std::function<void()>& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "no error thrown";
  return ErrorKind::kInternal;
}

TEST(TensorRtSettings, DefaultsCacheOnFp32NoGraphs) {
  const auto settings = resolve_settings(static_model(), RuntimeOptions{});
  EXPECT_EQ(settings.precision, Precision::kFp32);
  EXPECT_TRUE(settings.engine_cache);
  EXPECT_FALSE(settings.cuda_graph);
  EXPECT_TRUE(settings.profile.empty());  // a static model needs no profile
}

TEST(TensorRtSettings, Int8WithoutQdqOrCalibrationIsAClearUsageError) {
  RuntimeOptions options;
  options.precision = Precision::kInt8;
  std::string message;
  EXPECT_EQ(error_kind_of([&] { resolve_settings(static_model(), options); }, &message), ErrorKind::kUsage);
  EXPECT_NE(message.find("QuantizeLinear"), std::string::npos) << message;
  EXPECT_NE(message.find("calibration_table"), std::string::npos) << message;
}

TEST(TensorRtSettings, Int8AcceptsQdqModelOrCalibrationTable) {
  RuntimeOptions options;
  options.precision = Precision::kInt8;
  const Model quantized = relu_model({fixed_dim(1), fixed_dim(4)}, true);
  EXPECT_TRUE(has_qdq_nodes(quantized.proto().graph()));
  EXPECT_EQ(resolve_settings(quantized, options).precision, Precision::kInt8);

  testing::TempDir dir;
  testing::write_text(dir / "calib.cache", "TRT-100-EntropyCalibration2\n");
  options.extra["calibration_table"] = (dir / "calib.cache").string();
  const auto settings = resolve_settings(static_model(), options);
  EXPECT_EQ(settings.calibration_table, dir / "calib.cache");
  const auto provider = provider_options(settings, dir / "engines", dir / "timing");
  EXPECT_EQ(provider.at("trt_int8_enable"), "1");
  EXPECT_EQ(provider.at("trt_int8_calibration_table_name"), "calib.cache");
}

TEST(TensorRtSettings, MissingCalibrationTableIsAnInputError) {
  RuntimeOptions options;
  options.precision = Precision::kInt8;
  options.extra["calibration_table"] = "/no/such/table";
  EXPECT_EQ(error_kind_of([&] { resolve_settings(static_model(), options); }), ErrorKind::kInput);
}

TEST(TensorRtSettings, UnknownOptionsAndBadValuesAreUsageErrors) {
  RuntimeOptions options;
  options.extra["engine_cahce"] = "0";
  EXPECT_EQ(error_kind_of([&] { resolve_settings(static_model(), options); }), ErrorKind::kUsage);
  options.extra = {{"cuda_graph", "maybe"}};
  EXPECT_EQ(error_kind_of([&] { resolve_settings(static_model(), options); }), ErrorKind::kUsage);
  options.extra = {};
  options.precision = Precision::kBf16;  // not a TensorRT precision here
  EXPECT_EQ(error_kind_of([&] { resolve_settings(static_model(), options); }), ErrorKind::kUsage);
}

TEST(TensorRtSettings, SwitchesReachProviderOptions) {
  RuntimeOptions options;
  options.precision = Precision::kFp16;
  options.extra = {{"engine_cache", "0"}, {"cuda_graph", "1"}, {"workspace", "2G"}};
  const auto settings = resolve_settings(static_model(), options);
  EXPECT_FALSE(settings.engine_cache);
  const auto provider = provider_options(settings, {}, {});
  EXPECT_EQ(provider.at("trt_fp16_enable"), "1");
  EXPECT_EQ(provider.at("trt_int8_enable"), "0");
  EXPECT_EQ(provider.at("trt_cuda_graph_enable"), "1");
  EXPECT_EQ(provider.at("trt_engine_cache_enable"), "0");
  EXPECT_EQ(provider.at("trt_timing_cache_enable"), "0");
  EXPECT_EQ(provider.at("trt_max_workspace_size"), std::to_string(2ull << 30));
  EXPECT_EQ(provider.count("trt_engine_cache_path"), 0u);
}

TEST(TensorRtProfile, DynamicModelGetsMinOptMaxFromShapesOrSymbols) {
  RuntimeOptions options;
  options.shapes = {{"batch", {8}}};
  options.min_shapes = {{"x", {1, 3, 8, 8}}};
  options.max_shapes = {{"batch", {32}}};
  const auto profile = resolve_profile(dynamic_model(), options);
  EXPECT_EQ(profile.min, "x:1x3x8x8");
  EXPECT_EQ(profile.opt, "x:8x3x8x8");
  EXPECT_EQ(profile.max, "x:32x3x8x8");
  const auto provider = provider_options(TensorRtSettings{.profile = profile}, "/c/e", "/c/t");
  EXPECT_EQ(provider.at("trt_profile_opt_shapes"), "x:8x3x8x8");
  EXPECT_EQ(provider.at("trt_engine_cache_path"), "/c/e");
  EXPECT_EQ(provider.at("trt_timing_cache_path"), "/c/t");
}

TEST(TensorRtProfile, DynamicModelWithoutShapesUsesSizeOneLikeSyntheticInputs) {
  const auto profile = resolve_profile(dynamic_model(), RuntimeOptions{});
  EXPECT_EQ(profile.opt, "x:1x3x8x8");
  EXPECT_EQ(profile.min, profile.opt);
  EXPECT_EQ(profile.max, profile.opt);
}

TEST(TensorRtProfile, InconsistentProfilesAreUsageErrors) {
  RuntimeOptions options;
  options.shapes = {{"batch", {8}}};
  options.max_shapes = {{"batch", {4}}};  // max below opt
  EXPECT_EQ(error_kind_of([&] { resolve_profile(dynamic_model(), options); }), ErrorKind::kUsage);
  options.max_shapes = {{"x", {4, 3}}};  // wrong rank
  EXPECT_EQ(error_kind_of([&] { resolve_profile(dynamic_model(), options); }), ErrorKind::kUsage);
  RuntimeOptions only_min;
  only_min.min_shapes = {{"batch", {1}}};  // min without opt
  EXPECT_EQ(error_kind_of([&] { resolve_profile(dynamic_model(), only_min); }), ErrorKind::kUsage);
  RuntimeOptions unknown;
  unknown.shapes = {{"nonsense", {1}}};
  EXPECT_EQ(error_kind_of([&] { resolve_profile(dynamic_model(), unknown); }), ErrorKind::kUsage);
}

TEST(TensorRtCacheKey, ChangesWithEverythingAnEngineDependsOn) {
  const EngineIdentity base{"model-sha", "NVIDIA H100 sm_9.0", "10.9.0", "1.29.0"};
  TensorRtSettings settings;
  settings.profile = {"x:1x3", "x:8x3", "x:32x3"};
  const std::string key = engine_cache_key(base, settings, "");
  EXPECT_EQ(key, engine_cache_key(base, settings, ""));

  auto changed = [&](auto mutate) {
    EngineIdentity identity = base;
    TensorRtSettings other = settings;
    std::string calibration;
    mutate(identity, other, calibration);
    return engine_cache_key(identity, other, calibration) != key;
  };
  EXPECT_TRUE(changed([](EngineIdentity& i, TensorRtSettings&, std::string&) { i.model_digest = "other"; }));
  EXPECT_TRUE(changed([](EngineIdentity& i, TensorRtSettings&, std::string&) { i.gpu = "NVIDIA H200 sm_9.0"; }));
  EXPECT_TRUE(changed([](EngineIdentity& i, TensorRtSettings&, std::string&) { i.tensorrt_version = "10.10.0"; }));
  EXPECT_TRUE(changed([](EngineIdentity& i, TensorRtSettings&, std::string&) { i.onnxruntime_version = "1.30.0"; }));
  EXPECT_TRUE(changed([](EngineIdentity&, TensorRtSettings& s, std::string&) { s.precision = Precision::kFp16; }));
  EXPECT_TRUE(changed([](EngineIdentity&, TensorRtSettings& s, std::string&) { s.profile.max = "x:64x3"; }));
  EXPECT_TRUE(changed([](EngineIdentity&, TensorRtSettings& s, std::string&) { s.profile.min = "x:2x3"; }));
  EXPECT_TRUE(changed([](EngineIdentity&, TensorRtSettings&, std::string& c) { c = "table-sha"; }));
  // The timing cache is shared across models and precisions, but not across GPUs or TensorRT versions.
  EngineIdentity other_model = base;
  other_model.model_digest = "other";
  EXPECT_EQ(timing_cache_key(base), timing_cache_key(other_model));
  EngineIdentity other_trt = base;
  other_trt.tensorrt_version = "10.10.0";
  EXPECT_NE(timing_cache_key(base), timing_cache_key(other_trt));
}

TEST(TensorRtCacheKey, FingerprintCoversModelBytes) {
  const std::string a = model_content_digest(static_model());
  EXPECT_EQ(a, model_content_digest(static_model()));
  EXPECT_NE(a, model_content_digest(dynamic_model()));
}

}  // namespace
}  // namespace inferfoundry::tensorrt
