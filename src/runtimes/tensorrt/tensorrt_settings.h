#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtimes/runtime.h"

namespace inferfoundry::tensorrt {

// A min/opt/max shape profile in the form ORT's TensorRT provider reads: "input:1x3x224x224,mask:1x128".
struct ShapeProfile {
  std::string min, opt, max;
  bool empty() const { return opt.empty(); }
};

// The tensorrt runtime's settings, checked and resolved from RuntimeOptions before any GPU work: this
// is the part of the runtime that runs (and is tested) on machines without TensorRT.
struct TensorRtSettings {
  Precision precision = Precision::kFp32;   // fp32 | fp16 | int8
  bool engine_cache = true;                 // --option engine_cache=0 turns the engine and timing caches off
  bool cuda_graph = false;                  // --option cuda_graph=1
  std::filesystem::path calibration_table;  // int8 without Q/DQ nodes needs one
  uint64_t workspace_bytes = 0;             // 0 = TensorRT's default
  ShapeProfile profile;                     // empty when no shapes were given and the model's inputs are dynamic
};

// Validates and resolves options (--option keys: engine_cache, cuda_graph, calibration_table, workspace): unknown keys
// and bad values are Error(kUsage); --precision int8 on a model with no QuantizeLinear/DequantizeLinear nodes and no
// calibration table is Error(kUsage) that says what to provide; a calibration table that does not exist is
// Error(kInput).
TensorRtSettings resolve_settings(const Model& model, const RuntimeOptions& options);

// Whether the model carries its own quantization (QuantizeLinear / DequantizeLinear nodes, any depth).
bool has_qdq_nodes(const onnx::GraphProto& graph);

// Full shapes for every model input from --shapes / --min-shapes / --max-shapes. A shape list entry may
// name an input (input:1x3x224x224) or a symbolic dimension (batch:8). min and max default to opt. The
// profile is empty when some input has a dimension nothing fixes.
ShapeProfile resolve_profile(const Model& model, const RuntimeOptions& options);

// Everything an engine depends on: a change to any of these must not reuse a cached engine.
struct EngineIdentity {
  std::string model_digest;  // model_content_digest(): the model file and its external data
  std::string gpu;           // name and compute capability
  std::string tensorrt_version;
  std::string onnxruntime_version;
};
std::string engine_cache_key(const EngineIdentity& identity, const TensorRtSettings& settings,
                             const std::string& calibration_sha256);
// The timing cache is shared by every model built on the same GPU with the same TensorRT.
std::string timing_cache_key(const EngineIdentity& identity);

// ORT TensorRT provider options (documented string keys) for these settings and cache folders (empty
// folders when the cache is off).
std::unordered_map<std::string, std::string> provider_options(const TensorRtSettings& settings,
                                                              const std::filesystem::path& engine_dir,
                                                              const std::filesystem::path& timing_dir);

}  // namespace inferfoundry::tensorrt
